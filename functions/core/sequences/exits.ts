import { defaultExits, type ExitReason } from '../config/exit-reasons.ts';
import { isPurchase } from '../customers/model.ts';
import type { CustomerView } from '../domain/customer-view.ts';
import type { Enrolment } from '../domain/enrolment.ts';
import type { EnrolmentExitReason } from '../domain/enrolment-state.ts';

/**
 * Why this enrolment must stop now, or `undefined` if it may go on. Whether we may write at all
 * (consent, unsubscribe, suppression, complaints, hard bounces) is checked whatever `exitOn` says;
 * purchases, replies and incidents only when the sequence lists them.
 */
export function findExit(
  view: CustomerView,
  enrolment: Pick<Enrolment, 'enrolmentId' | 'enrolledAt'>,
  exitOn: readonly ExitReason[] | undefined,
): EnrolmentExitReason | undefined {
  const since = enrolment.enrolledAt;
  const { status, customer } = view;
  if (customer.consent === 'withdrawn') return 'consent-withdrawn';
  if (status.unsubscribedAt !== undefined) return 'unsubscribe';
  if (status.suppressedAt !== undefined) {
    if (status.suppressionReason === 'complaint') return 'complaint';
    if (status.suppressionReason === 'hard-bounce') return 'hard-bounce';
    return 'suppressed';
  }
  const events = view.engagement.filter((event) => event.at >= since);
  if (events.some((event) => event.type === 'unsubscribe')) return 'unsubscribe';
  if (events.some((event) => event.type === 'complaint')) return 'complaint';
  if (events.some((event) => event.type === 'bounce' && event.detail?.bounceType === 'Permanent'))
    return 'hard-bounce';
  const listed = new Set(exitOn ?? defaultExits);
  // A refunded, cancelled or voided order is no purchase: the sequence goes on.
  if (
    listed.has('purchase') &&
    view.orders.some((order) => isPurchase(order) && Date.parse(order.placedAt) >= since)
  )
    return 'purchase';
  if (listed.has('reply') && events.some((event) => event.type === 'reply')) return 'reply';
  if (
    listed.has('incident-opened') &&
    view.incidents.some((incident) => Date.parse(incident.occurredAt) >= since)
  )
    return 'incident-opened';
  if (
    listed.has('incident-resolved') &&
    view.incidents.some(
      (incident) => incident.resolvedAt !== undefined && Date.parse(incident.resolvedAt) >= since,
    )
  )
    return 'incident-resolved';
  return undefined;
}
