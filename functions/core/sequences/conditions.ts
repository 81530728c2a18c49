import type { Sequence, StepCondition } from '../config/sequences.ts';
import { isPurchase } from '../customers/model.ts';
import type { CustomerView } from '../domain/customer-view.ts';
import type { Enrolment } from '../domain/enrolment.ts';
import { isContentClick } from '../domain/tracking.ts';

/**
 * Whether a step's `when` holds: engagement with the named earlier step of this enrolment, or with
 * any earlier one. Machine opens (Apple Mail Privacy Protection) never count as opens, nor clicks on
 * the unsubscribe link as clicks.
 */
export function conditionHolds(
  condition: StepCondition,
  context: {
    readonly view: CustomerView;
    readonly enrolment: Pick<Enrolment, 'enrolmentId' | 'enrolledAt'>;
    readonly sequence: Sequence;
    readonly stepIndex: number;
  },
): boolean {
  const { view, enrolment, sequence, stepIndex } = context;
  const namedIndex =
    condition.step === undefined ? undefined : sequence.steps.findIndex((step) => step.id === condition.step);
  const inScope = (index: number | undefined) =>
    index !== undefined && (namedIndex === undefined ? index < stepIndex : index === namedIndex);
  const namedSend =
    namedIndex === undefined
      ? undefined
      : view.sends.find(
          (send) => send.enrolmentId === enrolment.enrolmentId && send.stepIndex === namedIndex,
        );
  const since = namedSend?.sentAt ?? enrolment.enrolledAt;
  const ours = view.engagement.filter(
    (event) => event.enrolmentId === enrolment.enrolmentId && inScope(event.stepIndex),
  );
  // Only the content's links count: a click on the unsubscribe link is no sign of interest.
  const clicked = ours.some(isContentClick);
  const opened = ours.some((event) => event.type === 'open' && event.machine !== true);
  // A reply may not be matched to a message; then any reply since counts.
  const replied = view.engagement.some(
    (event) =>
      event.type === 'reply' && (event.enrolmentId === undefined ? event.at >= since : ours.includes(event)),
  );
  const purchased = view.orders.some((order) => isPurchase(order) && Date.parse(order.placedAt) >= since);
  return (
    (condition.clicked === undefined || condition.clicked === clicked) &&
    (condition.opened === undefined || condition.opened === opened) &&
    (condition.replied === undefined || condition.replied === replied) &&
    (condition.purchased === undefined || condition.purchased === purchased)
  );
}
