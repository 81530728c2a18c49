import type { InboundRecord } from '../../functions/core/domain/inbound-record.ts';
import type { InboundLog } from '../../functions/ports/inbound-log.ts';

/** The InboundLog in memory: one record per mail id, as the DynamoDB item is keyed. */
export class MemoryInboundLog implements InboundLog {
  readonly records: InboundRecord[] = [];

  async recordInbound(record: InboundRecord): Promise<void> {
    const at = this.records.findIndex((known) => known.mailId === record.mailId);
    if (at < 0) this.records.push(record);
    else this.records[at] = record;
  }
}
