import type { InboundRecord } from '../../functions/core/domain/inbound-record.ts';
import type { InboundLog } from '../../functions/ports/inbound-log.ts';

/**
 * The InboundLog in memory, with the DynamoDB one's rules: one record per mail id (a later write
 * replaces it), the reason cut to 1,000 characters and the sender and subject to 300.
 */
export class MemoryInboundLog implements InboundLog {
  readonly records: InboundRecord[] = [];

  async recordInbound(record: InboundRecord): Promise<void> {
    const kept: InboundRecord = {
      ...record,
      reason: record.reason.slice(0, 1_000),
      ...(record.from === undefined ? {} : { from: record.from.slice(0, 300) }),
      ...(record.subject === undefined ? {} : { subject: record.subject.slice(0, 300) }),
    };
    const at = this.records.findIndex((known) => known.mailId === record.mailId);
    if (at < 0) this.records.push(kept);
    else this.records[at] = kept;
  }

  /** The records of mail received on a UTC day (`YYYY-MM-DD`), as the table partitions them. */
  recordsOn(day: string): InboundRecord[] {
    return this.records.filter((record) => new Date(record.receivedAt).toISOString().slice(0, 10) === day);
  }
}
