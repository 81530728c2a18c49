import type { InboundRecord } from '../core/domain/inbound-record.ts';

/** The record of inbound mail that was not a reply we could attribute (kept 90 days, then expired). */
export interface InboundLog {
  /** Keeps a record of the mail; writing it twice is harmless. */
  recordInbound(record: InboundRecord): Promise<void>;
}
