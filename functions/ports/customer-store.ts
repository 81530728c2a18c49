import type { Customer, Order } from '../core/customers/model.ts';
import type { CustomerSnapshot, CustomerView } from '../core/domain/customer-view.ts';
import type { SendRecord } from '../core/domain/send-record.ts';

export type ClaimResult = { readonly ok: true } | { readonly ok: false; readonly existing: SendRecord };

/**
 * Customers, orders and the send ledger, and the customer's whole view (enrolments included) for
 * reading; enrolments are written through the EnrolmentStore. Implemented over DynamoDB.
 */
export interface CustomerStore {
  /** Writes customers; re-importing the same customer overwrites it with the same values. */
  putCustomers(customers: readonly Customer[]): Promise<void>;
  /** Writes orders; an order is keyed by its date and id, so re-importing changes nothing. */
  putOrders(orders: readonly Order[]): Promise<void>;
  /** Streams every customer with their orders and enrolments, one page at a time. */
  scanCustomers(options?: { segment?: number; totalSegments?: number }): AsyncIterable<CustomerSnapshot>;
  /** One Query: the customer, orders, enrolments and sends. Undefined if no such customer. */
  getCustomerView(customerId: string): Promise<CustomerView | undefined>;
  /**
   * Claims the step with a conditional write; refused (with the existing record) if already
   * claimed. A `skipped` record is written the same way, and is final.
   */
  claimSend(record: SendRecord): Promise<ClaimResult>;
  /** Marks our own claim (same claimedAt) as sent, with the SES message id; throws if it is not ours any more. */
  confirmSend(record: SendRecord, sent: { messageId: string; sentAt: number }): Promise<void>;
  /** Deletes a claim that certainly sent nothing (SES answered with an error), so a retry may claim again. */
  releaseClaim(record: SendRecord): Promise<void>;
  /** Marks a claimed step as failed permanently, with the reason. */
  failSend(record: SendRecord, error: string): Promise<void>;
  /** Steps claimed but never confirmed (a crash between claim and send): for operators. */
  listClaimedSends(olderThan: number): Promise<SendRecord[]>;
}
