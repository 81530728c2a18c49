import type { LiveCustomer, LiveCustomerWrite } from '../../functions/core/customers/live-customer.ts';
import {
  type LiveOrder,
  type LiveOrderWrite,
  type LiveRefund,
  type LiveRefundWrite,
  withRefund,
} from '../../functions/core/customers/live-order.ts';
import type { Customer, Incident, Order } from '../../functions/core/customers/model.ts';
import type { SegmentationStore } from '../../functions/ports/segmentation-store.ts';
import { MemorySink } from './memory-import-sink.ts';

/**
 * What ingest-event and the live paths write, in memory: the import's puts, live incidents (an
 * unresolved version never overwrites a resolved one), live customers (never over a newer version)
 * and live orders (never over a newer version; refunds counted once, those that come before their
 * order held until it comes), as the DynamoDB store's conditions and pointer items keep them.
 */
export class MemoryIngestStore
  extends MemorySink
  implements Pick<SegmentationStore, 'recordIncident' | 'recordOrder' | 'recordRefund' | 'recordCustomer'>
{
  /** Versions of orders written by live events, by `customerId#orderId`; an import's put drops one. */
  readonly liveOrders = new Map<string, LiveOrder>();

  /** Versions of customers written by live events, by `customerId`; an import's put drops one. */
  readonly liveCustomers = new Map<string, number>();

  override async putCustomers(customers: readonly Customer[]): Promise<void> {
    for (const customer of customers) this.liveCustomers.delete(customer.customerId);
    await super.putCustomers(customers);
  }

  async recordCustomer(live: LiveCustomer): Promise<LiveCustomerWrite> {
    const held = this.liveCustomers.get(live.customer.customerId);
    if (held !== undefined && held > live.updatedAt) return { written: false, storedUpdatedAt: held };
    await super.putCustomers([live.customer]);
    this.liveCustomers.set(live.customer.customerId, live.updatedAt);
    return { written: true };
  }

  override async putOrders(orders: readonly Order[]): Promise<void> {
    for (const order of orders) this.liveOrders.delete(`${order.customerId}#${order.orderId}`);
    await super.putOrders(orders);
  }

  async recordIncident(incident: Incident): Promise<'written' | 'kept-resolved'> {
    const key = `${incident.customerId}#${incident.incidentId}`;
    if (incident.resolvedAt === undefined && this.incidents.get(key)?.resolvedAt !== undefined)
      return 'kept-resolved';
    this.incidents.set(key, incident);
    return 'written';
  }

  /** Where the live order with a Shopify id is (`customerId#orderId`), as the table's pointer items. */
  readonly shopifyOrders = new Map<string, string>();

  /** Refunds that came before their order, by Shopify order id then refund id. */
  readonly pendingRefunds = new Map<string, Map<string, LiveRefund>>();

  async recordOrder(live: LiveOrder): Promise<LiveOrderWrite> {
    const key = `${live.order.customerId}#${live.order.orderId}`;
    const held = this.liveOrders.get(key);
    const write: LiveOrderWrite =
      held !== undefined && held.updatedAt > live.updatedAt
        ? { written: false, storedUpdatedAt: held.updatedAt }
        : { written: true };
    if (write.written) this.#write(live);
    if (live.shopifyOrderId === undefined) return write;
    if (write.written) this.shopifyOrders.set(live.shopifyOrderId, key);
    // Refunds that came first are counted on the order held, written now or newer.
    const pending = this.pendingRefunds.get(live.shopifyOrderId) ?? new Map<string, LiveRefund>();
    for (const [refundId, refund] of pending)
      if (this.#count(key, refund) !== 'unknown-order') pending.delete(refundId);
    return write;
  }

  async recordRefund(refund: LiveRefund): Promise<LiveRefundWrite> {
    const key = this.shopifyOrders.get(refund.shopifyOrderId);
    if (key !== undefined) return this.#count(key, refund);
    const pending = this.pendingRefunds.get(refund.shopifyOrderId) ?? new Map<string, LiveRefund>();
    pending.set(refund.refundId, refund);
    this.pendingRefunds.set(refund.shopifyOrderId, pending);
    return 'held';
  }

  #count(key: string, refund: LiveRefund): Exclude<LiveRefundWrite, 'held'> {
    const held = this.liveOrders.get(key);
    if (held?.shopifyOrderId !== refund.shopifyOrderId) return 'unknown-order';
    const next = withRefund(held, refund);
    if (next === undefined) return 'already-recorded';
    this.#write(next);
    return 'written';
  }

  #write(live: LiveOrder): void {
    this.writes += 1;
    const key = `${live.order.customerId}#${live.order.orderId}`;
    this.orders.set(key, live.order);
    this.liveOrders.set(key, live);
  }
}
