import type { Customer, Incident, Order } from '../../functions/core/customers/model.ts';
import type { ImportSink } from '../../functions/ports/segmentation-store.ts';

/** An ImportSink keyed like the table: a put of the same id replaces, so re-imports are visible. */
export class MemorySink implements ImportSink {
  readonly customers = new Map<string, Customer>();
  readonly orders = new Map<string, Order>();
  readonly incidents = new Map<string, Incident>();
  writes = 0;

  async putCustomers(customers: readonly Customer[]): Promise<void> {
    this.writes += 1;
    for (const customer of customers) this.customers.set(customer.customerId, customer);
  }

  async putOrders(orders: readonly Order[]): Promise<void> {
    this.writes += 1;
    for (const order of orders) this.orders.set(`${order.customerId}#${order.orderId}`, order);
  }

  async putIncidents(incidents: readonly Incident[]): Promise<void> {
    this.writes += 1;
    for (const incident of incidents)
      this.incidents.set(`${incident.customerId}#${incident.incidentId}`, incident);
  }
}
