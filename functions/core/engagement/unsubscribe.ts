import { createHash } from 'node:crypto';
import type { Clock } from '../../ports/clock.ts';
import type { ContactStatusStore } from '../../ports/contact-status-store.ts';
import type { CustomerStore } from '../../ports/customer-store.ts';
import type { EngagementLedger } from '../../ports/engagement-ledger.ts';
import type { EnrolmentStore } from '../../ports/enrolment-store.ts';
import type { ForgottenRegister } from '../../ports/privacy-store.ts';
import type { EngagementConfig } from '../config/engagement.ts';
import type { CustomerView } from '../domain/customer-view.ts';
import type { EngagementEvent } from '../domain/engagement-event.ts';
import { type LinkClaims, verifyLink } from '../domain/links.ts';
import { type PageKind, pickLocale, renderUnsubscribePage } from './unsubscribe-page.ts';

export interface UnsubscribeDeps {
  /** Records the unsubscribe event against the message the link came from. */
  readonly ledger: Pick<EngagementLedger, 'record'>;
  /** Unsubscribes or pauses the customer. */
  readonly contacts: Pick<ContactStatusStore, 'unsubscribe' | 'pauseContact'>;
  /** A link of an erased person changes nothing and writes nothing. */
  readonly forgotten: ForgottenRegister;
  readonly enrolments: Pick<EnrolmentStore, 'endActiveEnrolments'>;
  readonly customers: Pick<CustomerStore, 'getCustomerView'>;
  readonly clock: Clock;
  readonly signingKey: string;
  readonly shopName: string;
  readonly config: Pick<EngagementConfig, 'pauseFor'>;
}

/** An HTTP request reduced to what the endpoint reads. */
export interface UnsubscribeRequest {
  readonly method: string;
  /** The query string's `t`. */
  readonly queryToken?: string;
  /** The decoded `application/x-www-form-urlencoded` body (RFC 8058 or our form). */
  readonly form: URLSearchParams;
  readonly acceptLanguage?: string;
}

export interface UnsubscribeResponse {
  readonly status: number;
  readonly html: string;
  readonly outcome:
    | 'confirm'
    | 'unsubscribed'
    | 'paused'
    | 'invalid'
    | 'method-not-allowed'
    | 'not-a-request'
    | 'forgotten';
}

/** The unsubscribe event of a customer: one id per customer, so every later click is the same event. */
export const unsubscribeEventId = (customerId: string) =>
  createHash('sha256').update(`unsubscribe\u0000${customerId}`).digest('hex').slice(0, 32);

/**
 * The unsubscribe endpoint. GET only shows a page (link scanners follow GET links, so it never
 * changes anything); POST with `List-Unsubscribe=One-Click` (RFC 8058) or our form's
 * `action=unsubscribe` unsubscribes at once, `action=pause` pauses; any other POST body (JSON,
 * empty, unknown fields) changes nothing and shows the choice again with a 400. Applying it twice is harmless.
 * A forged or altered token changes nothing and gets a 400 page.
 */
export async function handleUnsubscribe(
  request: UnsubscribeRequest,
  deps: UnsubscribeDeps,
): Promise<UnsubscribeResponse> {
  const token = request.form.get('t') ?? request.queryToken ?? '';
  const claims = verifyLink(token, deps.signingKey);
  const page = (kind: PageKind, locale: string | undefined) =>
    renderUnsubscribePage(kind, pickLocale(locale, request.acceptLanguage), deps.shopName);
  if (claims === undefined || claims.purpose !== 'unsubscribe') {
    return { status: 400, html: page({ kind: 'invalid' }, undefined), outcome: 'invalid' };
  }
  // Erased on request: never emailed again and nothing to record, so the link just says so.
  const gone = await deps.forgotten.forgotten({ customerIds: [claims.customerId] });
  if (gone.customerIds.size > 0)
    return { status: 200, html: page({ kind: 'done' }, undefined), outcome: 'forgotten' };
  const view = await deps.customers.getCustomerView(claims.customerId);
  const locale = view?.customer.locale;
  const method = request.method.toUpperCase();
  if (method === 'GET' || method === 'HEAD') {
    return { status: 200, html: page({ kind: 'confirm', token }, locale), outcome: 'confirm' };
  }
  if (method !== 'POST') {
    return { status: 405, html: page({ kind: 'invalid' }, locale), outcome: 'method-not-allowed' };
  }
  const now = deps.clock.now();
  const oneClick = request.form.get('List-Unsubscribe') === 'One-Click';
  const action = request.form.get('action');
  // Only RFC 8058's one-click body or our page's own form acts; any other POST shows the choice again.
  if (!oneClick && action !== 'unsubscribe' && action !== 'pause') {
    return { status: 400, html: page({ kind: 'confirm', token }, locale), outcome: 'not-a-request' };
  }
  if (!oneClick && action === 'pause') {
    const until = now + deps.config.pauseFor;
    await deps.contacts.pauseContact(claims.customerId, until, now);
    await deps.enrolments.endActiveEnrolments(claims.customerId, 'paused', now);
    const timeZone = view?.customer.timeZone;
    return {
      status: 200,
      html: page({ kind: 'paused', until, ...(timeZone === undefined ? {} : { timeZone }) }, locale),
      outcome: 'paused',
    };
  }
  await unsubscribeCustomer(claims, view, now, deps);
  return { status: 200, html: page({ kind: 'done' }, locale), outcome: 'unsubscribed' };
}

/** Unsubscribes, records the event against the message the link came from, ends enrolments. */
export async function unsubscribeCustomer(
  claims: Pick<LinkClaims, 'customerId' | 'enrolmentId' | 'stepIndex'>,
  view: CustomerView | undefined,
  now: number,
  {
    ledger,
    contacts,
    enrolments,
  }: {
    readonly ledger: Pick<EngagementLedger, 'record'>;
    readonly contacts: Pick<ContactStatusStore, 'unsubscribe'>;
    readonly enrolments: UnsubscribeDeps['enrolments'];
  },
  source = 'link',
): Promise<void> {
  // The first unsubscribe's time is kept and reused, so a repeat writes the very same event item.
  const at = await contacts.unsubscribe(claims.customerId, now);
  const enrolment = view?.enrolments.find((candidate) => candidate.enrolmentId === claims.enrolmentId);
  const send = view?.sends.find(
    (candidate) => candidate.enrolmentId === claims.enrolmentId && candidate.stepIndex === claims.stepIndex,
  );
  const event: EngagementEvent = {
    eventId: unsubscribeEventId(claims.customerId),
    type: 'unsubscribe',
    at,
    customerId: claims.customerId,
    enrolmentId: claims.enrolmentId,
    stepIndex: claims.stepIndex,
    ...(enrolment === undefined ? {} : { sequenceId: enrolment.sequenceId, segmentId: enrolment.segmentId }),
    ...(send?.messageId === undefined ? {} : { messageId: send.messageId }),
    ...(send === undefined ? {} : { stepId: send.stepId }),
    detail: { source },
  };
  await ledger.record(event);
  await enrolments.endActiveEnrolments(claims.customerId, 'unsubscribe', now);
}
