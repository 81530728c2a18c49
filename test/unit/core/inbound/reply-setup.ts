import { noMetrics } from '../../../../functions/adapters/no-metrics.ts';
import {
  type EngagementConfig,
  EngagementConfigSchema,
} from '../../../../functions/core/config/engagement.ts';
import type { CustomerView } from '../../../../functions/core/domain/customer-view.ts';
import { type ReceiveReplyDeps, replyAddressFor } from '../../../../functions/core/inbound/receive-reply.ts';
import { MemoryContactStatusStore } from '../../../support/memory-contact-status-store.ts';
import { MemoryEngagementLedger } from '../../../support/memory-engagement-ledger.ts';
import { MemoryEnrolmentStore } from '../../../support/memory-enrolment-store.ts';
import { MemoryForgotten } from '../../../support/memory-forgotten.ts';
import { MemoryInboundLog } from '../../../support/memory-inbound-log.ts';
import { MemoryMailer } from '../../../support/memory-mailer.ts';
import { MemorySequencePauses } from '../../../support/memory-sequence-pauses.ts';
import { sampleView } from '../../../support/sample-view.ts';

/** The reply side of one win-back email to customer `lapsed-1`, shared by the inbound tests. */
export const replyKey = 'reply-key';
export const replyDomain = 'reply.northwind.example';
export const replyEnrolmentId = 'gentle-winback-20261123-1a2b3c4d';
export const replyClaims = { customerId: 'lapsed-1', enrolmentId: replyEnrolmentId, stepIndex: 0 };
/** The per-send Reply-To of that email, signed with {@link replyKey}. */
export const replyAddress = replyAddressFor(replyClaims, replyKey, replyDomain) ?? '';

/**
 * Fresh in-memory stores and receive-reply's dependencies: customer `lapsed-1` with an active
 * enrolment; `view` replaces the customer's view (undefined: no profile), `customerEmail` their address.
 */
export function replySetup(
  options: {
    readonly engagement?: Partial<EngagementConfig>;
    readonly view?: (id: string) => CustomerView | undefined;
    readonly customerEmail?: string;
  } = {},
) {
  const stores = {
    ledger: new MemoryEngagementLedger(),
    contacts: new MemoryContactStatusStore(),
    pauses: new MemorySequencePauses(),
    inbound: new MemoryInboundLog(),
  };
  const mailer = new MemoryMailer();
  const enrolments = new MemoryEnrolmentStore();
  const forgotten = new MemoryForgotten();
  const sample = sampleView('lapsed-1', replyEnrolmentId);
  for (const enrolment of sample.enrolments)
    enrolments.items.set(`lapsed-1|${enrolment.enrolmentId}`, enrolment);
  const email = options.customerEmail;
  if (email !== undefined) stores.contacts.emails.set(email, ['lapsed-1']);
  const view =
    options.view ??
    (() => (email === undefined ? sample : { ...sample, customer: { ...sample.customer, email } }));
  const deps: ReceiveReplyDeps = {
    ...stores,
    enrolments,
    mailer,
    customers: { getCustomerView: async (id) => (id === 'lapsed-1' ? view(id) : undefined) },
    signingKey: replyKey,
    config: {
      engagement: {
        ...EngagementConfigSchema.parse({ replyDomain, supportAddress: 'support@northwind.example' }),
        ...options.engagement,
      },
      sender: { from: 'Northwind <care@northwind.example>', unsubscribeMailto: 'u@northwind.example' },
      shop: { name: 'Northwind', postalAddress: 'x', defaultLocale: 'en', fallbackTimeZone: 'UTC' },
    },
    metrics: noMetrics,
    forgotten,
  };
  return { stores, mailer, enrolments, deps, forgotten };
}
