import type { InboundRecord } from '../core/domain/inbound-record.ts';

/** The record of inbound mail that was not a reply we could attribute (kept 90 days, then expired). */
export interface InboundLog {
  /**
   * Keeps a record of the mail, one per mail id (a later write replaces it, so writing twice is
   * harmless), with the reason cut to 1,000 characters and the sender and subject to 300.
   */
  recordInbound(record: InboundRecord): Promise<void>;
}
