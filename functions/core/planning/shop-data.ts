import type { ImportSink } from '../../ports/segmentation-store.ts';
import type { Customer, Incident, Order } from '../customers/model.ts';

/** The shop's files as the table would hold them after `rekindle import`, in memory. */
export interface ShopData {
  readonly customers: readonly Customer[];
  readonly orders: readonly Order[];
  readonly incidents: readonly Incident[];
}

/**
 * An ImportSink that keeps every row in memory, keyed as the table keys them: a row with an id seen
 * before replaces it, as a put would. The plan reads the shop's files through it, so they are
 * validated exactly as `rekindle import` validates them, and nothing is written anywhere.
 */
export class ShopDataSink implements ImportSink {
  readonly #customers = new Map<string, Customer>();
  readonly #orders = new Map<string, Order>();
  readonly #incidents = new Map<string, Incident>();

  async putCustomers(customers: readonly Customer[]): Promise<void> {
    for (const customer of customers) this.#customers.set(customer.customerId, customer);
  }
  async putOrders(orders: readonly Order[]): Promise<void> {
    for (const order of orders) this.#orders.set(`${order.customerId}\u0000${order.orderId}`, order);
  }
  async putIncidents(incidents: readonly Incident[]): Promise<void> {
    for (const incident of incidents)
      this.#incidents.set(`${incident.customerId}\u0000${incident.incidentId}`, incident);
  }

  /** Everything read so far. */
  data(): ShopData {
    return {
      customers: [...this.#customers.values()],
      orders: [...this.#orders.values()],
      incidents: [...this.#incidents.values()],
    };
  }
}
