import type { CustomerDirectory } from '../../../ports/customer-directory.ts';
import type { ForgetReport, ForgottenRegister } from '../../../ports/privacy-store.ts';
import type { SegmentationStore } from '../../../ports/segmentation-store.ts';
import { type LiveCustomer, olderCustomerResult } from '../../customers/live-customer.ts';
import {
  type LiveOrder,
  type LiveRefund,
  type LiveRefundWrite,
  olderResult,
} from '../../customers/live-order.ts';
import type { Customer, Incident, Order } from '../../customers/model.ts';
import type { CustomerView } from '../../domain/customer-view.ts';

/**
 * What one live message from the shop's platforms (a Shopify webhook, a Stripe event, a helpdesk
 * ticket) comes to, once parsed and mapped: a change in our own terms, or why nothing changes.
 */
export type LiveChange =
  /** An order; with `version` (the source's update time) it never overwrites a newer one. */
  | { readonly kind: 'order'; readonly order: Order; readonly version?: Omit<LiveOrder, 'order'> }
  /** A refund of a Shopify order, named by Shopify's numeric order id. */
  | { readonly kind: 'refund'; readonly refund: LiveRefund }
  /** A customer; with `version` (the source's update time) it never overwrites a newer one. */
  | {
      readonly kind: 'customer';
      readonly customer: Customer;
      readonly version?: Omit<LiveCustomer, 'customer'>;
    }
  | { readonly kind: 'incident'; readonly incident: Incident }
  /** Erase everything about this person (Shopify's customers/redact), as `rekindle forget` does. */
  | { readonly kind: 'erase'; readonly email: string }
  /** Write down everything we hold about this person for the shop owner (customers/data_request). */
  | {
      readonly kind: 'data-request';
      readonly requestId: string;
      readonly customerId: string;
      readonly email: string;
      readonly source: string;
    }
  /** The shop asks for all its data to be deleted (Shopify's shop/redact, 48 hours after uninstalling). */
  | { readonly kind: 'shop-redact'; readonly shop: string }
  /** A message that is authentic and well-formed but holds nothing for us (a guest without email). */
  | { readonly kind: 'ignored'; readonly reason: string };

/** A parsed message: its change and the id it is known by in logs, or why it cannot be read (400). */
export type ParsedLive =
  | { readonly ok: true; readonly id: string; readonly change: LiveChange }
  | { readonly ok: false; readonly reason: string };

/** Where a data request's answer goes (the data bucket on AWS): its key and the JSON written. */
export interface DataRequestSink {
  write(key: string, body: string): Promise<void>;
}

export interface ApplyLiveDeps {
  readonly store: Pick<
    SegmentationStore,
    'putCustomers' | 'putOrders' | 'recordIncident' | 'recordOrder' | 'recordRefund' | 'recordCustomer'
  >;
  /** People erased on request: messages about them write nothing. */
  readonly forgotten: ForgottenRegister;
  /** Erasure, the same as `rekindle forget`; paths that never erase leave it out. */
  readonly privacy?: { forgetEmail(email: string, at: number): Promise<ForgetReport> };
  /** Reads a customer's data for a data request. */
  readonly customers?: { getCustomerView(customerId: string): Promise<CustomerView | undefined> };
  /** Finds every customer with an address (a person may be keyed by email and by a Stripe id). */
  readonly directory?: CustomerDirectory;
  readonly dataRequests?: DataRequestSink;
  readonly now: () => number;
}

/** The outcome of one applied change, for the response and the log. */
export interface LiveResult {
  readonly result: string;
  /** Where a data request's answer was written. */
  readonly key?: string;
}

/** Where privacy requests are answered and recorded, in the data (import) bucket. */
export const privacyPrefix = 'privacy/';

/** Where the answer to data request `requestId` of `source` is written. */
export const dataRequestKey = (source: string, requestId: string) =>
  `${privacyPrefix}data-requests/${source}-${requestId.replace(/[^A-Za-z0-9_.-]/g, '_')}.json`;
/** Where a shop's request to delete its data is written down for the owner. */
export const shopRedactKey = (shop: string) =>
  `${privacyPrefix}shop-redact/${shop.replace(/[^A-Za-z0-9_.-]/g, '_')}.json`;

export const erasedResult = 'skipped: this person was erased on request (rekindle forget)';

/** What a refund's write comes to, for the response and the log. */
const refundResult = (write: LiveRefundWrite, refund: LiveRefund): string => {
  switch (write) {
    case 'written':
      return 'written';
    case 'already-recorded':
      return 'skipped: the order already counts this refund';
    case 'held':
      return `held: refund ${refund.refundId} waits for its order (Shopify id ${refund.shopifyOrderId}), which counts it when orders/create or orders/updated comes`;
    case 'unknown-order':
      return 'ignored: the order with this Shopify id is no longer one from a live event (an import replaced it; the next orders/updated brings its refunds)';
  }
};

/**
 * Applies a change. Every write is idempotent (an incident keeps its resolved version, a refund is
 * counted once), so a redelivered message changes nothing; a versioned order or customer older
 * than the one held is skipped, so messages out of order cannot undo a newer state (a withdrawn
 * consent stays withdrawn); nobody erased on request is written again.
 */
export async function applyLiveChange(change: LiveChange, deps: ApplyLiveDeps): Promise<LiveResult> {
  const erased = async (customerId: string, email?: string) => {
    const gone = await deps.forgotten.forgotten({
      customerIds: [customerId],
      emails: email === undefined ? [] : [email],
    });
    return gone.customerIds.size + gone.emails.size > 0;
  };
  switch (change.kind) {
    case 'order': {
      if (await erased(change.order.customerId)) return { result: erasedResult };
      if (change.version === undefined) {
        await deps.store.putOrders([change.order]);
        return { result: 'written' };
      }
      const write = await deps.store.recordOrder({ order: change.order, ...change.version });
      return {
        result: write.written ? 'written' : olderResult(change.version.updatedAt, write.storedUpdatedAt),
      };
    }
    case 'refund':
      // No erasure check: a refund only changes an order that is held, and an erased person's are not.
      return { result: refundResult(await deps.store.recordRefund(change.refund), change.refund) };
    case 'customer': {
      if (await erased(change.customer.customerId, change.customer.email)) return { result: erasedResult };
      if (change.version === undefined) {
        await deps.store.putCustomers([change.customer]);
        return { result: 'written' };
      }
      const write = await deps.store.recordCustomer({ customer: change.customer, ...change.version });
      return {
        result: write.written
          ? 'written'
          : olderCustomerResult(change.version.updatedAt, write.storedUpdatedAt),
      };
    }
    case 'incident': {
      if (await erased(change.incident.customerId)) return { result: erasedResult };
      return { result: await deps.store.recordIncident(change.incident) };
    }
    case 'erase': {
      if (deps.privacy === undefined) throw new Error('this path cannot erase: no privacy store given');
      const report = await deps.privacy.forgetEmail(change.email, deps.now());
      return {
        result: `erased ${report.customerIds.length} customer(s), ${report.itemsDeleted} items, ${report.rawMailsDeleted} raw mails`,
      };
    }
    case 'data-request': {
      if (deps.customers === undefined || deps.dataRequests === undefined)
        throw new Error('this path cannot answer data requests: no customer store or sink given');
      const ids = new Set([change.customerId]);
      if (change.email !== '')
        for (const id of (await deps.directory?.customerIdsByEmail(change.email)) ?? []) ids.add(id);
      const views: CustomerView[] = [];
      for (const id of ids) {
        const view = id === '' ? undefined : await deps.customers.getCustomerView(id);
        if (view !== undefined) views.push(view);
      }
      const key = dataRequestKey(change.source, change.requestId);
      const body = {
        request: {
          source: change.source,
          id: change.requestId,
          email: change.email,
          receivedAt: new Date(deps.now()).toISOString(),
        },
        found: views.length > 0,
        // Every customer record with this address: one per key the shop's sources gave them.
        customers: views.map((view) => ({
          customer: view.customer,
          orders: view.orders,
          incidents: view.incidents,
          enrolments: view.enrolments,
          sends: view.sends,
          engagement: view.engagement,
          status: view.status,
        })),
      };
      await deps.dataRequests.write(key, JSON.stringify(body, null, 2));
      return {
        result:
          views.length === 0
            ? 'no data held: answer written'
            : `answer written (${views.length} customer record(s))`,
        key,
      };
    }
    case 'shop-redact': {
      if (deps.dataRequests === undefined)
        throw new Error('this path cannot record shop/redact: no sink given');
      const key = shopRedactKey(change.shop);
      const body = {
        shop: change.shop,
        receivedAt: new Date(deps.now()).toISOString(),
        todo: 'The shop asked for all of its data to be deleted. Rekindle holds one shop per stack: delete the stack (cdk destroy) and its retained table and buckets, or erase people one by one with rekindle forget.',
      };
      await deps.dataRequests.write(key, JSON.stringify(body, null, 2));
      return { result: 'recorded for the owner', key };
    }
    case 'ignored':
      return { result: `ignored: ${change.reason}` };
  }
}
