import { describe, expect, it } from 'vitest';
import { PolicySchema, SequenceSchema } from '../../../../functions/core/config/sequences.ts';
import type { CustomerView } from '../../../../functions/core/domain/customer-view.ts';
import {
  inCooldown,
  nextEnrolmentState,
  statesAccepting,
} from '../../../../functions/core/domain/enrolment-state.ts';
import type { SendRecord } from '../../../../functions/core/domain/send-record.ts';
import { decideStep, plannedInstant } from '../../../../functions/core/policy/decide.ts';

const iso = (text: string) => Date.parse(text);
const hour = 3_600_000;
const day = 24 * hour;
// Monday 2 March 2026, 12:00 in London (GMT).
const now = iso('2026-03-02T12:00:00Z');
const enrolledAt = now - 10 * day;

const policy = PolicySchema.parse({
  sendWindow: { days: ['mon', 'tue', 'wed', 'thu', 'fri'], from: '09:00', to: '18:00' },
  cap: { emails: 2, per: '7d' },
  minimumGap: '2d',
  scheduleFlexibility: '15m',
});
const sequence = SequenceSchema.parse({
  id: 'winback',
  exitOn: ['purchase', 'reply', 'incident-resolved'],
  steps: [
    { id: 'check-in', template: 'checking-in', delay: '0d' },
    { id: 'fixed', template: 'we-fixed-it', delay: '4d', when: { clicked: false } },
    { id: 'offer', template: 'last-note', delay: '7d', promotional: true },
  ],
});
const enrolment = { enrolmentId: 'winback-20260220-abc', enrolledAt };

function view(
  overrides: Partial<CustomerView> = {},
  timeZone: string | null = 'Europe/London',
): CustomerView {
  return {
    customer: {
      customerId: 'c1',
      email: 'c1@example.com',
      firstName: 'Asha',
      locale: 'en',
      consent: 'granted',
      ...(timeZone === null ? {} : { timeZone }),
    },
    orders: [],
    enrolments: [],
    sends: [],
    incidents: [],
    engagement: [],
    status: {},
    ...overrides,
  };
}

function sent(at: number, enrolmentId = enrolment.enrolmentId, stepIndex = 0): SendRecord {
  return {
    enrolmentId,
    stepIndex,
    customerId: 'c1',
    sequenceId: 'winback',
    stepId: 'check-in',
    state: 'sent',
    claimedAt: at,
    sentAt: at,
  };
}

const decide = (customerView: CustomerView, stepIndex = 0, at = now) =>
  decideStep({
    now: at,
    view: customerView,
    enrolment,
    sequence,
    stepIndex,
    policy,
    fallbackTimeZone: 'UTC',
  });

describe('decideStep', () => {
  it('sends inside the window with nothing in the way', () => {
    expect(decide(view())).toEqual({ kind: 'send', timeZone: 'Europe/London' });
  });

  it('exits on a purchase made after enrolment, but not on one before', () => {
    const before = {
      orderId: 'o1',
      customerId: 'c1',
      placedAt: new Date(enrolledAt - day).toISOString(),
      amount: 5,
    };
    const after = { orderId: 'o2', customerId: 'c1', placedAt: new Date(now - day).toISOString(), amount: 5 };
    expect(decide(view({ orders: [before] })).kind).toBe('send');
    expect(decide(view({ orders: [before, after] }))).toEqual({ kind: 'exit', reason: 'purchase' });
  });

  it('exits on a reply, an unsubscribe, a complaint or a hard bounce', () => {
    const event = (
      type: 'reply' | 'unsubscribe' | 'complaint' | 'bounce',
      detail?: Record<string, string>,
    ) => ({
      eventId: type,
      type,
      at: now - hour,
      customerId: 'c1',
      ...(detail === undefined ? {} : { detail }),
    });
    expect(decide(view({ engagement: [event('reply')] }))).toEqual({ kind: 'exit', reason: 'reply' });
    expect(decide(view({ engagement: [event('unsubscribe')] }))).toEqual({
      kind: 'exit',
      reason: 'unsubscribe',
    });
    expect(decide(view({ engagement: [event('complaint')] }))).toEqual({ kind: 'exit', reason: 'complaint' });
    expect(decide(view({ engagement: [event('bounce', { bounceType: 'Permanent' })] }))).toEqual({
      kind: 'exit',
      reason: 'hard-bounce',
    });
    expect(decide(view({ engagement: [event('bounce', { bounceType: 'Transient' })] })).kind).toBe('send');
  });

  it('exits when the contact status forbids writing, whatever the sequence lists', () => {
    expect(decide(view({ status: { unsubscribedAt: now - day } }))).toEqual({
      kind: 'exit',
      reason: 'unsubscribe',
    });
    expect(decide(view({ status: { suppressedAt: now - day, suppressionReason: 'complaint' } }))).toEqual({
      kind: 'exit',
      reason: 'complaint',
    });
    expect(decide(view({ status: { suppressedAt: now - day, suppressionReason: 'manual' } }))).toEqual({
      kind: 'exit',
      reason: 'suppressed',
    });
  });

  it('exits when an incident is resolved during the sequence, if listed', () => {
    const incident = {
      incidentId: 'i1',
      customerId: 'c1',
      kind: 'late' as const,
      occurredAt: new Date(enrolledAt - 30 * day).toISOString(),
      resolvedAt: new Date(now - day).toISOString(),
      ticketOpen: false,
    };
    expect(decide(view({ incidents: [incident] }))).toEqual({ kind: 'exit', reason: 'incident-resolved' });
  });

  it('defers a paused customer to the end of the pause, inside the window', () => {
    const decision = decide(view({ status: { pausedUntil: iso('2026-03-07T10:00:00Z') } }));
    // Saturday: the window has no weekend, so Monday 09:00.
    expect(decision).toEqual({
      kind: 'defer',
      reason: 'paused',
      until: iso('2026-03-09T09:00:00Z'),
      timeZone: 'Europe/London',
    });
  });

  it('defers outside the window to the next opening in the recipient zone', () => {
    const evening = iso('2026-03-02T19:00:00Z');
    expect(decide(view(), 0, evening)).toMatchObject({
      kind: 'defer',
      reason: 'window',
      until: iso('2026-03-03T09:00:00Z'),
    });
    // Asia/Kolkata: 19:00Z is 00:30 on Tuesday, the window opens at 09:00 IST = 03:30Z.
    expect(decide(view({}, 'Asia/Kolkata'), 0, evening)).toMatchObject({
      reason: 'window',
      until: iso('2026-03-03T03:30:00Z'),
      timeZone: 'Asia/Kolkata',
    });
    // Pacific/Chatham (+13:45): 19:00Z Monday is 08:45 Tuesday, fifteen minutes before opening.
    expect(decide(view({}, 'Pacific/Chatham'), 0, evening)).toMatchObject({
      reason: 'window',
      until: iso('2026-03-02T19:15:00Z'),
    });
  });

  it('uses the fallback zone for a customer without one', () => {
    const evening = iso('2026-03-02T19:00:00Z');
    expect(decide(view({}, null), 0, evening)).toMatchObject({
      timeZone: 'UTC',
      until: iso('2026-03-03T09:00:00Z'),
    });
  });

  it('defers when the minimum gap since the last email (any sequence) is too short', () => {
    const other = sent(now - day, 'other-sequence-20260201-def', 0);
    expect(decide(view({ sends: [other] }), 1)).toMatchObject({
      kind: 'defer',
      reason: 'gap',
      until: now + day,
    });
  });

  it('applies the cap across sequences and defers until the oldest email ages out of the rolling window', () => {
    const first = sent(now - 6 * day, 'other-sequence-20260201-def', 0);
    const second = sent(now - 3 * day, enrolment.enrolmentId, 0);
    const decision = decide(view({ sends: [first, second] }), 1);
    // The 6-day-old email leaves the 7-day window tomorrow at 12:00, a Tuesday in the window.
    expect(decision).toMatchObject({ kind: 'defer', reason: 'cap', until: now + day });
  });

  it('counts a claimed (unconfirmed) send against the cap and gap', () => {
    const claimed: SendRecord = { ...sent(now - hour), state: 'claimed', sentAt: undefined };
    expect(decide(view({ sends: [claimed] }), 1)).toMatchObject({ kind: 'defer', reason: 'gap' });
  });

  it('holds a promotional step while a ticket is open, but not a plain one', () => {
    const ticket = {
      incidentId: 'i2',
      customerId: 'c1',
      kind: 'support' as const,
      occurredAt: new Date(enrolledAt - day).toISOString(),
      ticketOpen: true,
    };
    const sends = [sent(now - 5 * day)];
    expect(decide(view({ incidents: [ticket], sends }), 2)).toMatchObject({
      kind: 'defer',
      reason: 'ticket-open',
      until: now + day,
    });
    expect(decide(view({ incidents: [ticket], sends }), 1).kind).toBe('send');
  });

  it('skips a step whose engagement condition does not hold', () => {
    const click = {
      eventId: 'k1',
      type: 'click' as const,
      at: now - 2 * day,
      customerId: 'c1',
      enrolmentId: enrolment.enrolmentId,
      stepIndex: 0,
    };
    const sends = [sent(now - 5 * day)];
    expect(decide(view({ sends }), 1).kind).toBe('send');
    expect(decide(view({ sends, engagement: [click] }), 1)).toMatchObject({ kind: 'skip' });
  });

  it('never defers to a moment before now and rounds to whole seconds', () => {
    const odd = now + 123;
    const decision = decide(view({ sends: [sent(odd - day)] }), 1, odd);
    expect(decision.kind).toBe('defer');
    if (decision.kind === 'defer') {
      expect(decision.until).toBeGreaterThan(odd);
      expect(decision.until % 1000).toBe(0);
    }
  });
});

describe('plannedInstant', () => {
  it('plans a step due on a Saturday for Monday morning, and one due late for the next morning', () => {
    expect(plannedInstant(iso('2026-03-07T10:00:00Z'), policy, 'Europe/London')).toBe(
      iso('2026-03-09T09:00:00Z'),
    );
    expect(plannedInstant(iso('2026-03-02T17:50:00Z'), policy, 'Europe/London')).toBe(
      iso('2026-03-03T09:00:00Z'),
    );
  });
});

describe('enrolment states', () => {
  it('moves only from active, to completed or exited', () => {
    expect(nextEnrolmentState('active', { type: 'last-step-recorded', stepIndex: 2 })).toBe('completed');
    expect(nextEnrolmentState('active', { type: 'exit', reason: 'purchase', stepIndex: 1 })).toBe('exited');
    expect(nextEnrolmentState('completed', { type: 'exit', reason: 'reply', stepIndex: 2 })).toBeUndefined();
    expect(nextEnrolmentState('exited', { type: 'last-step-recorded', stepIndex: 2 })).toBeUndefined();
    // What the store's conditional writes require, read from the same table.
    expect(statesAccepting('exit')).toEqual(['active']);
    expect(statesAccepting('last-step-recorded')).toEqual(['active']);
  });

  it('rests a customer for the cooldown since the end (or, for a hold-out, its start)', () => {
    const ended = {
      ...enrolment,
      customerId: 'c1',
      sequenceId: 'winback',
      segmentId: 's',
      state: 'completed' as const,
    };
    const enrolledAt = now - 100 * day;
    expect(inCooldown([{ ...ended, enrolledAt, endedAt: now - 10 * day }], now, 30 * day)).toBe(true);
    expect(inCooldown([{ ...ended, enrolledAt, endedAt: now - 31 * day }], now, 30 * day)).toBe(false);
    expect(inCooldown([{ ...ended, enrolledAt, state: 'held-out' }], now, 30 * day)).toBe(false);
    expect(inCooldown([{ ...ended, enrolledAt: now - 29 * day, state: 'held-out' }], now, 30 * day)).toBe(
      true,
    );
  });
});
