import type { Enrolment } from '../segments/enrolment.ts';

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
 * Whether the customer may be enrolled again at `now`: no enrolment active, and none ended (or,
 * for old records without an end, started) within `cooldown`.
 */
export function mayEnrolAgain(
  enrolments: readonly EnrolmentRecord[],
  now: number,
  cooldown: number,
): boolean {
  return enrolments.every(
    (enrolment) =>
      enrolment.state !== 'active' && now - (enrolment.endedAt ?? enrolment.enrolledAt) >= cooldown,
  );
}
