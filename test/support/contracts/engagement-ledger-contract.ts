import { expect, it } from 'vitest';
import type { EngagementEvent } from '../../../functions/core/domain/engagement-event.ts';
import type { DeferralCounter } from '../../../functions/ports/deferral-counter.ts';
import type { EngagementLedger } from '../../../functions/ports/engagement-ledger.ts';

const at = Date.parse('2026-11-24T06:00:00Z');

/**
 * What every EngagementLedger promises, for the in-memory fake (unit) and DynamoDB (integ) alike.
 * `unique(name)` gives an id no other test uses (customers and sequences share one table).
 */
export function engagementLedgerContract(
  ledger: () => EngagementLedger & DeferralCounter,
  unique: (name: string) => string,
): void {
  const message = (name: string) => {
    const customerId = unique(name);
    return {
      customerId,
      sequenceId: `seq-${customerId}`,
      enrolmentId: `enr-${customerId}`,
      stepIndex: 0,
      segmentId: 'lapsed',
      stepId: 'check-in',
      messageId: `msg-${customerId}`,
    };
  };
  const event = (
    of: ReturnType<typeof message>,
    eventId: string,
    type: EngagementEvent['type'],
    offset = 0,
  ): EngagementEvent => ({ ...of, eventId, type, at: at + offset });

  it('stores an event once: the same event again is a duplicate', async () => {
    const send = event(message('once'), 'send-1', 'send');
    expect(await ledger().record(send)).toBe('recorded');
    expect(await ledger().record(send)).toBe('duplicate');
    expect(await ledger().recordAll([send])).toEqual(['duplicate']);
  });

  it('stores a batch with each outcome in its place, a repeat in the batch a duplicate', async () => {
    const of = message('batch');
    const send = event(of, 'send-1', 'send');
    const delivery = event(of, 'delivery-1', 'delivery', 1_000);
    expect(await ledger().recordAll([send, delivery, send])).toEqual(['recorded', 'recorded', 'duplicate']);
    expect(await ledger().recordAll([delivery, event(of, 'open-1', 'open', 2_000)])).toEqual([
      'duplicate',
      'recorded',
    ]);
  });

  it('counts every event, and a first-of-kind counter once per message', async () => {
    const of = message('counts');
    await ledger().recordAll([
      event(of, 'send-1', 'send'),
      event(of, 'delivery-1', 'delivery', 1_000),
      event(of, 'open-1', 'open', 2_000),
    ]);
    await ledger().record(event(of, 'open-2', 'open', 3_000));
    await ledger().record(event(of, 'open-1', 'open', 2_000));
    const steps = await ledger().sequenceCounters(of.sequenceId);
    expect(steps).toHaveLength(1);
    expect(steps[0]).toMatchObject({
      sequenceId: of.sequenceId,
      stepIndex: 0,
      segmentId: 'lapsed',
      stepId: 'check-in',
      counters: { sent: 1, delivered: 1, opened: 1, opens: 2, clicked: 0 },
    });
  });

  it('keeps events without a customer apart and counts none of them', async () => {
    const of = message('unattributed');
    const open = { ...event(of, 'open-1', 'open'), customerId: 'unknown' };
    expect(await ledger().record(open)).toBe('recorded');
    expect(await ledger().record(open)).toBe('duplicate');
    // The same event id about another message is another event.
    expect(await ledger().record({ ...open, messageId: `${of.messageId}-other` })).toBe('recorded');
    expect(await ledger().sequenceCounters(of.sequenceId)).toEqual([]);
  });

  it('counts an event without its message tags for no step', async () => {
    const of = message('untagged');
    const untagged: EngagementEvent = {
      eventId: 'send-1',
      type: 'send',
      at,
      customerId: of.customerId,
      messageId: of.messageId,
    };
    expect(await ledger().record(untagged)).toBe('recorded');
    expect(await ledger().sequenceCounters(of.sequenceId)).toEqual([]);
  });

  it('counts deferrals by cause beside the other counters of the step, each one', async () => {
    const of = message('deferrals');
    const key = { sequenceId: of.sequenceId, stepIndex: 0, segmentId: 'lapsed' };
    await ledger().record(event(of, 'send-1', 'send'));
    await ledger().countDeferral(key, 'window');
    await ledger().countDeferral(key, 'window');
    await ledger().countDeferral(key, 'pause');
    await ledger().countDeferral({ ...key, stepIndex: 1 }, 'cap');
    const steps = await ledger().sequenceCounters(of.sequenceId);
    const step = (index: number) => steps.find((counters) => counters.stepIndex === index)?.counters;
    expect(step(0)).toMatchObject({ sent: 1, deferredWindow: 2, deferredPause: 1, deferredCap: 0 });
    expect(step(1)).toMatchObject({ sent: 0, deferredCap: 1, deferredGap: 0, deferredTicket: 0 });
  });
}
