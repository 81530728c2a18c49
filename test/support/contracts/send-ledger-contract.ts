import { expect, it } from 'vitest';
import type { SendRecord } from '../../../functions/core/domain/send-record.ts';
import type { CustomerStore } from '../../../functions/ports/customer-store.ts';

const at = Date.parse('2026-11-23T10:00:00Z');

/**
 * What every send ledger (CustomerStore's claim, confirm, release and fail) promises, for the
 * in-memory fake (unit) and DynamoDB (integ) alike: the rules that make a step go at most once.
 */
export function sendLedgerContract(store: () => CustomerStore, unique: (name: string) => string): void {
  const claim = (name: string, claimedAt = at): SendRecord => ({
    enrolmentId: unique(name),
    stepIndex: 0,
    customerId: unique(`${name}-customer`),
    sequenceId: 'gentle-winback',
    stepId: 'check-in',
    state: 'claimed',
    claimedAt,
  });

  it('claims a step once: a second claim gets the record that holds it', async () => {
    const first = claim('once');
    expect(await store().claimSend(first)).toEqual({ ok: true });
    expect(await store().claimSend({ ...first, claimedAt: at + 1 })).toEqual({
      ok: false,
      existing: expect.objectContaining({ state: 'claimed', claimedAt: at }),
    });
  });

  it('confirms only its own claim, and a confirmed step cannot be released or claimed again', async () => {
    const own = claim('confirm');
    await store().claimSend(own);
    await expect(
      store().confirmSend({ ...own, claimedAt: at + 5 }, { messageId: 'x', sentAt: at }),
    ).rejects.toThrow();
    await store().confirmSend(own, { messageId: 'ses-1', sentAt: at + 10 });
    await expect(store().releaseClaim(own)).rejects.toThrow();
    expect(await store().claimSend(own)).toEqual({
      ok: false,
      existing: expect.objectContaining({ state: 'sent', messageId: 'ses-1', sentAt: at + 10 }),
    });
  });

  it('releases its own unconfirmed claim so a retry may claim again, and fails only its own claim', async () => {
    const own = claim('release');
    await store().claimSend(own);
    await store().releaseClaim(own);
    expect(await store().claimSend({ ...own, claimedAt: at + 20 })).toEqual({ ok: true });
    await expect(store().failSend(own, 'stale attempt')).rejects.toThrow();
    await store().failSend({ ...own, claimedAt: at + 20 }, 'SES MessageRejected');
    expect(await store().claimSend(own)).toEqual({
      ok: false,
      existing: expect.objectContaining({ state: 'failed', error: 'SES MessageRejected' }),
    });
  });

  it('lists claims older than a time, for the operator, and not confirmed ones', async () => {
    const stuck = claim('stuck', at - 3_600_000);
    const done = claim('done', at - 3_600_000);
    await store().claimSend(stuck);
    await store().claimSend(done);
    await store().confirmSend(done, { messageId: 'ses-2', sentAt: at });
    const listed = (await store().listClaimedSends(at)).map((record) => record.enrolmentId);
    expect(listed).toContain(unique('stuck'));
    expect(listed).not.toContain(unique('done'));
  });
}
