import { describe, expect, it } from 'vitest';
import { ReentrySchema } from '../../../../functions/core/config/sequences.ts';
import type { Order } from '../../../../functions/core/customers/model.ts';
import type { CustomerRecord } from '../../../../functions/core/domain/customer-view.ts';
import type { Assignment } from '../../../../functions/core/domain/enrolment.ts';
import type { AssignmentHistory } from '../../../../functions/core/domain/enrolment-state.ts';
import {
  decideEnrolment,
  emptyReport,
  mergeReports,
  type SegmenterReport,
  segmentCustomers,
} from '../../../../functions/core/segments/run-segmenter.ts';
import { configWith, customer, daysAgo, MemoryScheduler, now, record } from './fixtures.ts';

const day = 86_400_000;

/** Lapsed customers go to gentle-winback; those whose last order is recent-ish to make-it-right. */
const config = configWith([
  {
    id: 'recently-lapsed',
    when: { daysSinceLastOrder: { min: 40, max: 80 } },
    sequence: 'make-it-right',
  },
  { id: 'lapsed', when: { daysSinceLastOrder: { min: 81 } }, sequence: 'gentle-winback' },
]);
const [recentlyLapsed, lapsed] = config.segments;
if (recentlyLapsed === undefined || lapsed === undefined) throw new Error('segments missing');

/** An earlier enrolment in gentle-winback, started and ended this many days before `now`. */
const past = (
  state: AssignmentHistory['state'],
  enrolledDaysAgo: number,
  extra: { exitReason?: string; respondedAt?: number; repliedAt?: number } = {},
): AssignmentHistory => {
  const base = {
    enrolmentId: `e-${enrolledDaysAgo}`,
    customerId: 'c1',
    sequenceId: 'gentle-winback',
    segmentId: 'lapsed',
    enrolledAt: now - enrolledDaysAgo * day,
    ...extra,
  };
  if (state === 'held-out' || state === 'active') return { ...base, state };
  return { ...base, state, endedAt: now - (enrolledDaysAgo - 11) * day };
};

describe('the reentry field of a sequence', () => {
  it('reads `never`, a wait, and the reasons that block for good', () => {
    expect(ReentrySchema.parse('never')).toBe('never');
    expect(ReentrySchema.parse({ after: '180d', notAfter: ['reply'] })).toEqual({
      after: 180 * day,
      notAfter: ['reply'],
    });
    expect(ReentrySchema.safeParse({ after: 'a year' }).success).toBe(false);
    // A marketer's typo is named, not "invalid input".
    expect(ReentrySchema.safeParse('nevr').error?.issues[0]?.message).toContain('expected `never` or a rule');
    expect(ReentrySchema.safeParse({ notAfter: ['boredom'] }).error?.issues[0]?.message).toContain(
      'notAfter.0: Invalid option',
    );
  });
});

const decide = (
  assignments: AssignmentHistory[],
  orderDaysAgo: number[] = [300],
  segment = lapsed,
  configured = config,
) => decideEnrolment({ ...record('c1', orderDaysAgo), assignments }, segment, configured, now);

describe('re-entry into the same sequence', () => {
  it('is never allowed after a reply, a complaint or an unsubscribe ended it, however long ago', () => {
    for (const exitReason of ['reply', 'complaint', 'unsubscribe'])
      expect(decide([past('exited', 800, { exitReason })])).toEqual({ enrol: false, reason: 'reentry' });
  });

  it('is never allowed after a reply that did not end it ("thanks, just busy")', () => {
    expect(
      decide([past('completed', 800, { repliedAt: now - 795 * day, respondedAt: now - 795 * day })]),
    ).toEqual({ enrol: false, reason: 'reentry' });
  });

  it('is not allowed within a year of its end, and is after that when they responded', () => {
    const responded = { respondedAt: now - 199 * day };
    expect(decide([past('completed', 200, responded)])).toEqual({ enrol: false, reason: 'reentry' });
    // Ended 365 days ago (enrolled 376 days ago, 11 days long).
    expect(decide([past('completed', 376, responded)])).toEqual({ enrol: true });
    expect(decide([past('exited', 376, { exitReason: 'purchase' })])).toEqual({ enrol: true });
  });

  it('follows the sequence’s own rule: never, a shorter wait, or other blocking reasons', () => {
    const withReentry = (reentry: unknown) => ({
      ...config,
      sequences: config.sequences.map((sequence) =>
        sequence.id === 'gentle-winback' ? { ...sequence, reentry: ReentrySchema.parse(reentry) } : sequence,
      ),
    });
    const purchased = past('exited', 2_000, { exitReason: 'purchase' });
    expect(decide([purchased], [300], lapsed, withReentry('never'))).toEqual({
      enrol: false,
      reason: 'reentry',
    });
    const responded = past('completed', 150, { respondedAt: now - 149 * day });
    expect(decide([responded], [300], lapsed, withReentry({ after: '120d' }))).toEqual({ enrol: true });
    // Replies may be allowed to come back; complaints and unsubscribes never are.
    const replied = past('exited', 800, { exitReason: 'reply', repliedAt: now - 799 * day });
    expect(decide([replied], [300], lapsed, withReentry({ notAfter: [] }))).toEqual({ enrol: true });
    const complained = past('exited', 800, { exitReason: 'complaint' });
    expect(decide([complained], [300], lapsed, withReentry({ notAfter: [] }))).toEqual({
      enrol: false,
      reason: 'reentry',
    });
  });

  it('counts a hold-out as having had the sequence, so the control group is not re-drawn within the year', () => {
    expect(decide([past('held-out', 200)])).toEqual({ enrol: false, reason: 'reentry' });
    // A hold-out received nothing: it never sunsets, and other sequences are open after the cooldown.
    expect(decide([past('held-out', 200)], [60], recentlyLapsed)).toEqual({ enrol: true });
  });
});

describe('sunset', () => {
  const unanswered = past('completed', 120);

  it('holds back every sequence once a win-back finished with no response', () => {
    expect(decide([unanswered])).toEqual({ enrol: false, reason: 'sunset' });
    expect(decide([unanswered], [300], recentlyLapsed)).toEqual({ enrol: false, reason: 'sunset' });
    // Years later still: the last note said we would not write about this again.
    expect(decide([past('completed', 1_500)], [1_600])).toEqual({ enrol: false, reason: 'sunset' });
  });

  it('is not set by an open we believe a person made, a click or a reply', () => {
    expect(decide([past('completed', 120, { respondedAt: now - 115 * day })], [300], recentlyLapsed)).toEqual(
      {
        enrol: true,
      },
    );
  });

  it('is not set by an enrolment that exited (its end had a reason of its own)', () => {
    expect(decide([past('exited', 120, { exitReason: 'incident-opened' })], [300], recentlyLapsed)).toEqual({
      enrol: true,
    });
  });

  it('is lifted by an order placed after the win-back started', () => {
    // Ordered 60 days ago, after the win-back of 120 days ago: a different sequence is open again…
    expect(decide([unanswered], [300, 60], recentlyLapsed)).toEqual({ enrol: true });
    // …but not the same one within the year.
    expect(decide([unanswered], [300, 90], lapsed)).toEqual({ enrol: false, reason: 'reentry' });
  });

  it('waits for the cooldown first, so the report counts each customer under one reason', () => {
    expect(decide([past('completed', 50)])).toEqual({ enrol: false, reason: 'cooldown' });
  });
});

/**
 * A small table and sender: the segmenter runs every morning; each enrolment's customer behaves
 * as `behaviour` says, and the sequence ends 11 days after it started (the shipped sequences'
 * length) unless the customer ended it first.
 */
describe('120 days of daily segmenter runs', () => {
  type Behaviour = 'silent' | 'replies' | 'opens' | 'silent-then-orders';
  const behaviours: Record<string, Behaviour> = {
    silent: 'silent',
    replier: 'replies',
    opener: 'opens',
    buyer: 'silent-then-orders',
  };

  it('never gives a customer the same sequence twice, sunsets the unanswered, and lets a buyer back in', async () => {
    const assignments = new Map<string, AssignmentHistory>();
    const orders = new Map<string, Order[]>(
      Object.keys(behaviours).map((id) => [
        id,
        [{ orderId: `${id}-o1`, customerId: id, placedAt: daysAgo(200), amount: 20 }],
      ]),
    );
    const enrolments = {
      async createAssignments(created: readonly Assignment[]) {
        return created.map((assignment) => {
          const key = `${assignment.customerId}|${assignment.enrolmentId}`;
          if (assignments.has(key)) return false;
          assignments.set(key, assignment);
          return true;
        });
      },
    };
    const records = (): CustomerRecord[] =>
      Object.keys(behaviours).map((id) => ({
        customer: customer(id),
        orders: orders.get(id) ?? [],
        incidents: [],
        assignments: [...assignments.values()]
          .filter((assignment) => assignment.customerId === id)
          .sort((a, b) => a.enrolledAt - b.enrolledAt),
      }));
    const store = { putScores: async () => undefined };
    const reports: SegmenterReport[] = [];
    for (let offset = 0; offset <= 120; offset += 1) {
      const today = now + offset * day;
      reports.push(
        await segmentCustomers(
          records(),
          { store, enrolments, scheduler: new MemoryScheduler(), config },
          today,
        ),
      );
      // The customers' day: replies end the sequence, opens are a response, the rest runs out.
      for (const [key, assignment] of assignments) {
        if (assignment.state !== 'active') continue;
        const age = today - assignment.enrolledAt;
        const behaviour = behaviours[assignment.customerId];
        if (behaviour === 'replies' && age >= 2 * day)
          assignments.set(key, {
            ...assignment,
            state: 'exited',
            exitReason: 'reply',
            endedAt: today,
            repliedAt: today,
            respondedAt: today,
          });
        else if (age >= 11 * day)
          assignments.set(key, {
            ...assignment,
            state: 'completed',
            endedAt: today,
            ...(behaviour === 'opens' ? { respondedAt: assignment.enrolledAt + day } : {}),
          });
      }
      if (offset === 30)
        orders.get('buyer')?.push({
          orderId: 'buyer-o2',
          customerId: 'buyer',
          placedAt: new Date(today).toISOString(),
          amount: 35,
        });
    }

    const given = (customerId: string) =>
      [...assignments.values()]
        .filter((assignment) => assignment.customerId === customerId)
        .map((a) => a.sequenceId);
    for (const customerId of Object.keys(behaviours)) {
      const sequences = given(customerId);
      expect(new Set(sequences).size, `${customerId} got ${sequences.join(', ')}`).toBe(sequences.length);
    }
    expect(given('silent')).toEqual(['gentle-winback']);
    expect(given('replier')).toEqual(['gentle-winback']);
    expect(given('opener')).toEqual(['gentle-winback']);
    // Sunset on day 11, lifted by the order on day 30; lapsed again (40+ days) after the cooldown.
    expect(given('buyer')).toEqual(['gentle-winback', 'make-it-right']);

    const total = reports.reduce(mergeReports, emptyReport());
    const last = reports.at(-1) ?? emptyReport();
    // On the last day, each held back for its own reason, once.
    expect(last).toMatchObject({ sunset: 1, reentryBlocked: 2, enrolled: 0 });
    expect(total.enrolled).toBe(5);
    expect(total.sunset).toBeGreaterThan(0);
    expect(total.reentryBlocked).toBeGreaterThan(0);
  });
});
