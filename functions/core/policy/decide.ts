import type { Policy, Sequence } from '../config/sequences.ts';
import type { CustomerView } from '../domain/customer-view.ts';
import type { Enrolment } from '../domain/enrolment.ts';
import type { EnrolmentExitReason } from '../domain/enrolment-state.ts';
import { conditionHolds } from '../sequences/conditions.ts';
import { findExit } from '../sequences/exits.ts';
import { isInWindow, nextWindowInstant, type SendWindow } from './send-window.ts';

/**
 * Why a step waits: the customer paused, a ticket is open, the cap, the gap, the send window, or the
 * whole sequence is paused (complaint rate over the threshold).
 */
export type DeferReason = 'paused' | 'ticket-open' | 'cap' | 'gap' | 'window' | 'sequence-paused';

/** What to do with a due step now. */
export type StepDecision =
  | { readonly kind: 'send'; readonly timeZone: string }
  | { readonly kind: 'exit'; readonly reason: EnrolmentExitReason }
  | { readonly kind: 'skip'; readonly reason: string }
  | {
      readonly kind: 'defer';
      readonly until: number;
      readonly reason: DeferReason;
      readonly timeZone: string;
    };

export interface StepDecisionInput {
  readonly now: number;
  readonly view: CustomerView;
  readonly enrolment: Pick<Enrolment, 'enrolmentId' | 'enrolledAt'>;
  readonly sequence: Sequence;
  readonly stepIndex: number;
  readonly policy: Policy;
  /** shop.fallbackTimeZone; the policy's own fallback wins when set. */
  readonly fallbackTimeZone: string;
}

/** The policy's window in minutes. */
export function sendWindowOf(policy: Policy): SendWindow {
  return {
    days: policy.sendWindow.days,
    fromMinute: policy.sendWindow.from,
    toMinute: policy.sendWindow.to,
  };
}

/** The recipient's zone: their own, else the policy's fallback, else the shop's. */
export function recipientTimeZone(
  customer: { readonly timeZone?: string | undefined },
  policy: Policy,
  fallbackTimeZone: string,
): string {
  return customer.timeZone ?? policy.sendWindow.fallbackTimeZone ?? fallbackTimeZone;
}

/** The schedules' flexible window, in whole minutes as EventBridge Scheduler takes it. */
export const flexibleWindowMinutes = (policy: Policy) => Math.round(policy.scheduleFlexibility / 60_000);

/** Schedules have whole seconds; rounding up never fires a step before its moment. */
const ceilSecond = (instant: number) => Math.ceil(instant / 1000) * 1000;

/** When to plan a step due at `dueAt`: the first moment in the window, leaving room for the flexible window. */
export function plannedInstant(dueAt: number, policy: Policy, timeZone: string): number {
  return ceilSecond(nextWindowInstant(dueAt, sendWindowOf(policy), timeZone, policy.scheduleFlexibility));
}

/**
 * Decides, from one read of the customer, whether a due step goes now: exit if the customer
 * left (purchase, reply, unsubscribe…), skip if its condition does not hold, defer to the next
 * allowed moment if paused, a ticket is open (promotional steps), the cap or the minimum gap
 * says no, or the recipient's local time is outside the window; otherwise send. Pure.
 */
export function decideStep(input: StepDecisionInput): StepDecision {
  const { now, view, enrolment, sequence, stepIndex, policy } = input;
  const step = sequence.steps[stepIndex];
  if (step === undefined) return { kind: 'exit', reason: 'sequence-removed' };
  const exit = findExit(view, enrolment, sequence.exitOn);
  if (exit !== undefined) return { kind: 'exit', reason: exit };
  if (step.when !== undefined && !conditionHolds(step.when, { view, enrolment, sequence, stepIndex })) {
    return { kind: 'skip', reason: `condition not met: ${JSON.stringify(step.when)}` };
  }

  const timeZone = recipientTimeZone(view.customer, policy, input.fallbackTimeZone);
  const waits: { reason: DeferReason; until: number }[] = [];
  const { pausedUntil } = view.status;
  if (pausedUntil !== undefined && pausedUntil > now) waits.push({ reason: 'paused', until: pausedUntil });
  const ticketOpen = view.incidents.some(
    (incident) => incident.ticketOpen && incident.resolvedAt === undefined,
  );
  if (step.promotional && policy.noPromotionalWhileTicketOpen && ticketOpen)
    waits.push({ reason: 'ticket-open', until: now + policy.ticketRecheck });
  // Claimed sends count too: they may have gone out.
  const sentTimes = view.sends
    .filter((send) => send.state === 'sent' || send.state === 'claimed')
    .map((send) => send.sentAt ?? send.claimedAt)
    .sort((a, b) => a - b);
  const last = sentTimes.at(-1);
  if (last !== undefined && now < last + policy.minimumGap)
    waits.push({ reason: 'gap', until: last + policy.minimumGap });
  const recent = sentTimes.filter((at) => at > now - policy.cap.per);
  const oldestThatMustAge = recent[recent.length - policy.cap.emails];
  if (oldestThatMustAge !== undefined)
    waits.push({ reason: 'cap', until: oldestThatMustAge + policy.cap.per });

  const window = sendWindowOf(policy);
  const binding = waits.reduce<{ reason: DeferReason; until: number } | undefined>(
    (latest, wait) => (latest === undefined || wait.until > latest.until ? wait : latest),
    undefined,
  );
  if (binding !== undefined) {
    const until = ceilSecond(nextWindowInstant(binding.until, window, timeZone, policy.scheduleFlexibility));
    return { kind: 'defer', until, reason: binding.reason, timeZone };
  }
  if (!isInWindow(now, window, timeZone)) {
    const until = ceilSecond(nextWindowInstant(now, window, timeZone, policy.scheduleFlexibility));
    return { kind: 'defer', until, reason: 'window', timeZone };
  }
  return { kind: 'send', timeZone };
}
