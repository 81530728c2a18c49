import { expect, it } from 'vitest';
import type { InboundRecord } from '../../../functions/core/domain/inbound-record.ts';
import type { InboundLog } from '../../../functions/ports/inbound-log.ts';

const lateOnMonday = Date.parse('2026-11-23T23:59:59.999Z');
const tuesday = '2026-11-24';

/**
 * What every InboundLog promises, for the in-memory fake (unit) and DynamoDB (integ) alike.
 * `recordsOn(day)` reads back the records of a UTC day (`YYYY-MM-DD`), as erasure finds them;
 * `unique(name)` gives a mail id no other test uses.
 */
export function inboundLogContract(
  log: () => InboundLog,
  recordsOn: (day: string) => Promise<readonly InboundRecord[]>,
  unique: (name: string) => string,
): void {
  const ours = async (day: string, mailId: string) =>
    (await recordsOn(day)).filter((record) => record.mailId === mailId);

  it('keeps a record as written, under the UTC day it was received', async () => {
    const record: InboundRecord = {
      mailId: unique('kept'),
      receivedAt: lateOnMonday,
      outcome: 'unattributed',
      reason: 'no reply token',
      s3Key: `inbound/${unique('kept')}`,
      customerId: 'c-1',
      from: 'Asha <asha@example.com>',
      subject: 'Re: checking in',
    };
    await log().recordInbound(record);
    expect(await ours('2026-11-23', record.mailId)).toEqual([record]);
    expect(await ours(tuesday, record.mailId)).toEqual([]);
  });

  it('records a mail once, however often it is written; a later write replaces the earlier', async () => {
    const record: InboundRecord = {
      mailId: unique('twice'),
      receivedAt: Date.parse(`${tuesday}T08:00:00Z`),
      outcome: 'auto-reply',
      reason: 'out of office',
      s3Key: `inbound/${unique('twice')}`,
    };
    await log().recordInbound(record);
    await log().recordInbound(record);
    expect(await ours(tuesday, record.mailId)).toEqual([record]);
    await log().recordInbound({ ...record, outcome: 'rejected', reason: 'forged token' });
    expect(await ours(tuesday, record.mailId)).toEqual([
      { ...record, outcome: 'rejected', reason: 'forged token' },
    ]);
  });

  it('keeps the first 1,000 characters of the reason and 300 of the sender and subject', async () => {
    const record: InboundRecord = {
      mailId: unique('long'),
      receivedAt: Date.parse(`${tuesday}T09:00:00Z`),
      outcome: 'rejected',
      reason: 'r'.repeat(1_500),
      s3Key: `inbound/${unique('long')}`,
      from: `${'f'.repeat(400)}@example.com`,
      subject: 's'.repeat(400),
    };
    await log().recordInbound(record);
    expect(await ours(tuesday, record.mailId)).toEqual([
      { ...record, reason: 'r'.repeat(1_000), from: 'f'.repeat(300), subject: 's'.repeat(300) },
    ]);
  });
}
