import { isPurchase, type Order } from '../customers/model.ts';
import type { Assignment, Enrolment } from './enrolment.ts';

/** Why an enrolment ended early: an exit condition, or a step that could not be sent at all. */
export type EnrolmentExitReason =
  | 'purchase'
  | 'reply'
  | 'unsubscribe'
  | 'complaint'
  | 'hard-bounce'
  | 'incident-opened'
  | 'incident-resolved'
  | 'suppressed'
  | 'consent-withdrawn'
  | 'send-failed'
  | 'sequence-removed';

/** An enrolment as stored: the segmenter's fields plus how it ended. */
export interface EnrolmentRecord extends Enrolment {
  readonly exitReason?: string;
  /** When it completed or exited; the cooldown runs from here. */
  readonly endedAt?: number;
  /** The step it was at when it ended. */
  readonly endedAtStep?: number;
}

export type EnrolmentState = Enrolment['state'];
export const enrolmentStates: readonly EnrolmentState[] = ['active', 'completed', 'exited'];

/** What may happen to an enrolment. Only `active` moves; `completed` and `exited` are final. */
export type EnrolmentEvent =
  | { readonly type: 'last-step-recorded'; readonly stepIndex: number }
  | { readonly type: 'exit'; readonly reason: EnrolmentExitReason; readonly stepIndex: number };

export const enrolmentTransitions: Readonly<
  Record<EnrolmentState, Partial<Record<EnrolmentEvent['type'], EnrolmentState>>>
> = {
  active: { 'last-step-recorded': 'completed', exit: 'exited' },
  completed: {},
  exited: {},
};

/** The state after `event`, or `undefined` if the event does not apply in `state` (a late redelivery). */
export function nextEnrolmentState(state: EnrolmentState, event: EnrolmentEvent): EnrolmentState | undefined {
  return enrolmentTransitions[state][event.type];
}

/**
 * The states an enrolment may be in for `event` to apply: what the store's conditional write
 * requires of the stored item, read from the transitions table so the two cannot disagree.
 */
export function statesAccepting(event: EnrolmentEvent['type']): EnrolmentState[] {
  return enrolmentStates.filter((state) => enrolmentTransitions[state][event] !== undefined);
}

/** The event that ends an enrolment in `state`: completing it, or exiting it early. */
export const endingEvent = (state: 'completed' | 'exited'): EnrolmentEvent['type'] =>
  state === 'completed' ? 'last-step-recorded' : 'exit';

/**
 * An enrolment or hold-out as the segmenter reads it back: how it ended and whether the customer
 * responded to it, which is what the cooldown, re-entry and sunset rules look at.
 */
export type AssignmentHistory = Assignment & {
  readonly exitReason?: string;
  /** When it completed or exited; absent while active, and for hold-outs. */
  readonly endedAt?: number;
  /** The first sign of interest in its emails: an open we believe a person made, a content click, a reply. */
  readonly respondedAt?: number;
  /** The first reply to one of its emails, whether or not the reply ended it. */
  readonly repliedAt?: number;
};

const dayMs = 86_400_000;
/** Without `reentry`, a sequence is not given to the same customer again within a year of its end. */
export const defaultReentryAfter = 365 * dayMs;
/** Without `reentry.notAfter`: a reply, a complaint or an unsubscribe ends a sequence for good. */
export const defaultReentryBlockers: readonly string[] = ['reply', 'complaint', 'unsubscribe'];
/** A complaint or an unsubscribe ends a sequence for good, listed or not. */
export const mandatoryReentryBlockers: readonly string[] = ['complaint', 'unsubscribe'];

/** A sequence's re-entry rule as the config gives it (see `reentry` in config/sequences.ts). */
export type Reentry = 'never' | { readonly after?: number; readonly notAfter?: readonly string[] };

/** When an assignment stopped counting as current: its end, or for hold-outs (which never end) its start. */
export const restsFrom = (assignment: AssignmentHistory): number =>
  assignment.state === 'held-out' ? assignment.enrolledAt : (assignment.endedAt ?? assignment.enrolledAt);

/**
 * The global cooldown, any sequence: some assignment ended (hold-outs: started) within `cooldown`.
 * Hold-outs count, so the control group rests as long as the treated.
 */
export const inCooldown = (history: readonly AssignmentHistory[], now: number, cooldown: number): boolean =>
  history.some((assignment) => now - restsFrom(assignment) < cooldown);

/**
 * The win-back that sunset the customer, if one did: an enrolment that completed (every step sent
 * or skipped) with no response — no open we believe a person made, no content click, no reply to
 * any of its emails, and no order placed since it started. Its last email said we would not write
 * about this again, so no sequence is started until the customer orders again; an order placed
 * after it started lifts it. Exited enrolments never sunset: their end had a reason of its own.
 */
export function sunsetBy(
  history: readonly AssignmentHistory[],
  orders: readonly Pick<Order, 'placedAt' | 'status'>[],
): AssignmentHistory | undefined {
  const lastOrder = orders.reduce(
    (latest, order) => (isPurchase(order) ? Math.max(latest, Date.parse(order.placedAt)) : latest),
    -Infinity,
  );
  return history.find((assignment) => sunsets(assignment, lastOrder));
}

/** Whether this one assignment holds the customer in sunset, given the time of their last order. */
export const sunsets = (
  assignment: Pick<AssignmentHistory, 'state' | 'enrolledAt' | 'respondedAt' | 'repliedAt'>,
  lastOrderAt: number,
): boolean =>
  assignment.state === 'completed' &&
  assignment.respondedAt === undefined &&
  assignment.repliedAt === undefined &&
  lastOrderAt <= assignment.enrolledAt;

/**
 * Whether the sequence's re-entry rule keeps the customer out of it: `never` once they had it (or
 * were held out of it); otherwise when an earlier assignment of it ended within `after` (default a
 * year), or ended by, or saw, one of `notAfter` (default reply, complaint, unsubscribe; complaint
 * and unsubscribe always). A reply counts whether or not it ended the sequence.
 */
export function reentryBlockedBy(
  history: readonly AssignmentHistory[],
  sequenceId: string,
  reentry: Reentry | undefined,
  now: number,
): AssignmentHistory | undefined {
  const earlier = history.filter((assignment) => assignment.sequenceId === sequenceId);
  if (reentry === 'never') return earlier[0];
  const after = reentry?.after ?? defaultReentryAfter;
  const blockers = new Set([...(reentry?.notAfter ?? defaultReentryBlockers), ...mandatoryReentryBlockers]);
  return earlier.find(
    (assignment) =>
      now - restsFrom(assignment) < after ||
      (assignment.exitReason !== undefined && blockers.has(assignment.exitReason)) ||
      (assignment.repliedAt !== undefined && blockers.has('reply')),
  );
}
