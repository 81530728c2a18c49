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
 * and live orders (never over a newer version; refunds counted once), as the DynamoDB store's
 * conditions keep them.
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

  async recordOrder(live: LiveOrder): Promise<LiveOrderWrite> {
    const key = `${live.order.customerId}#${live.order.orderId}`;
    const held = this.liveOrders.get(key);
    if (held !== undefined && held.updatedAt > live.updatedAt)
      return { written: false, storedUpdatedAt: held.updatedAt };
    this.#write(live);
    return { written: true };
  }

  async recordRefund(refund: LiveRefund): Promise<LiveRefundWrite> {
    const held = [...this.liveOrders.values()].find((live) => live.shopifyOrderId === refund.shopifyOrderId);
    if (held === undefined) return 'unknown-order';
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
