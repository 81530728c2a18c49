import type { Customer, Incident, Order } from '../../functions/core/customers/model.ts';
import type { CustomerSnapshot, CustomerView } from '../../functions/core/domain/customer-view.ts';
import type { SendRecord } from '../../functions/core/domain/send-record.ts';
import type { ClaimResult, CustomerStore } from '../../functions/ports/customer-store.ts';
import type { MemoryEnrolmentStore } from './memory-enrolment-store.ts';

/**
 * The CustomerStore in memory, with the DynamoDB adapter's ledger rules: a step is claimed once (a
 * second claim gets the existing record), and only our own claim (same claimedAt) is confirmed,
 * released or failed; anything else throws, as the adapter's conditional writes do. Enrolments are read from the enrolment store.
 */
export class MemoryCustomerStore implements CustomerStore {
  readonly customers = new Map<string, Customer>();
  readonly orders = new Map<string, Order>();
  readonly incidents: Incident[] = [];
  /** The send ledger, by `enrolmentId|stepIndex`. */
  readonly ledger = new Map<string, SendRecord>();
  readonly #enrolments: MemoryEnrolmentStore;

  constructor(enrolments: MemoryEnrolmentStore) {
    this.#enrolments = enrolments;
  }

  async putCustomers(customers: readonly Customer[]): Promise<void> {
    for (const customer of customers) this.customers.set(customer.customerId, customer);
  }

  async putOrders(orders: readonly Order[]): Promise<void> {
    for (const order of orders) this.orders.set(`${order.customerId}|${order.orderId}`, order);
  }

  async *scanCustomers(): AsyncIterable<CustomerSnapshot> {
    for (const customer of this.customers.values()) {
      const view = await this.getCustomerView(customer.customerId);
      if (view !== undefined) yield view;
    }
  }

  async getCustomerView(customerId: string): Promise<CustomerView | undefined> {
    const customer = this.customers.get(customerId);
    if (customer === undefined) return undefined;
    const enrolments = [...this.#enrolments.items.values()].flatMap((item) =>
      item.customerId === customerId && item.state !== 'held-out' ? [{ ...item, state: item.state }] : [],
    );
    return {
      customer,
      orders: [...this.orders.values()].filter((order) => order.customerId === customerId),
      enrolments,
      sends: [...this.ledger.values()].filter((send) => send.customerId === customerId),
      incidents: this.incidents.filter((incident) => incident.customerId === customerId),
      engagement: [],
      status: {},
    };
  }

  async claimSend(record: SendRecord): Promise<ClaimResult> {
    const key = `${record.enrolmentId}|${record.stepIndex}`;
    const existing = this.ledger.get(key);
    if (existing !== undefined) return { ok: false, existing };
    this.ledger.set(key, record);
    return { ok: true };
  }

  /** Our own unconfirmed claim, or the error the adapter's conditional write raises. */
  #ownClaim(record: SendRecord): string {
    const key = `${record.enrolmentId}|${record.stepIndex}`;
    const existing = this.ledger.get(key);
    if (existing?.state !== 'claimed' || existing.claimedAt !== record.claimedAt)
      throw new Error(`the claim of ${key} is not ours any more`);
    return key;
  }

  async confirmSend(record: SendRecord, sent: { messageId: string; sentAt: number }): Promise<void> {
    const key = this.#ownClaim(record);
    this.ledger.set(key, { ...record, state: 'sent', ...sent });
  }

  async releaseClaim(record: SendRecord): Promise<void> {
    this.ledger.delete(this.#ownClaim(record));
  }

  async failSend(record: SendRecord, error: string): Promise<void> {
    const key = this.#ownClaim(record);
    this.ledger.set(key, { ...record, state: 'failed', error: error.slice(0, 1_000) });
  }

  async listClaimedSends(olderThan: number): Promise<SendRecord[]> {
    return [...this.ledger.values()].filter((send) => send.state === 'claimed' && send.claimedAt < olderThan);
  }
}
