import type { LiveCustomer, LiveCustomerWrite } from '../core/customers/live-customer.ts';
import type { LiveOrder, LiveOrderWrite, LiveRefund, LiveRefundWrite } from '../core/customers/live-order.ts';
import type { Customer, Incident, Order } from '../core/customers/model.ts';
import type { CustomerRecord } from '../core/domain/customer-view.ts';
import type { ModelRun, StoredScore } from '../core/domain/scoring.ts';

/** Where validated import rows go; every write is an idempotent put keyed by the row's id. */
export interface ImportSink {
  putCustomers(customers: readonly Customer[]): Promise<void>;
  putOrders(orders: readonly Order[]): Promise<void>;
  putIncidents(incidents: readonly Incident[]): Promise<void>;
}

/** Incidents, scores and model runs, and the customers as the segmenter reads them (DynamoDB in production). */
export interface SegmentationStore extends ImportSink {
  /**
   * Records an incident from a live event. An unresolved version never overwrites a resolved one,
   * so `incident.opened` arriving after `incident.resolved` (EventBridge does not order) is harmless.
   */
  recordIncident(incident: Incident): Promise<'written' | 'kept-resolved'>;
  /**
   * Writes an order from a live event unless the stored one was updated later (`updatedAt`); an
   * equal time writes again (a redelivery). An order put by an import holds no time and is replaced.
   * A Shopify order then counts the refunds held for it (`recordRefund`).
   */
  recordOrder(live: LiveOrder): Promise<LiveOrderWrite>;
  /**
   * Writes a customer from a live event unless the stored one was updated later (`updatedAt`); an
   * equal time writes again (a redelivery). A customer put by an import holds no time and is replaced.
   */
  recordCustomer(live: LiveCustomer): Promise<LiveCustomerWrite>;
  /**
   * Counts a refund on the live-written order with its Shopify id, once however often delivered.
   * A refund that comes before its order is held, and `recordOrder` counts it when the order comes.
   */
  recordRefund(refund: LiveRefund): Promise<LiveRefundWrite>;
  /** Streams customers of one parallel-scan segment (or all), with orders, incidents, assignments, score. */
  scanCustomerRecords(options?: { segment?: number; totalSegments?: number }): AsyncIterable<CustomerRecord>;
  /** Writes the daily score and segment membership of each customer (one item per customer, replaced). */
  putScores(scores: readonly StoredScore[]): Promise<void>;
  /** Stores the fitted model and its diagnostics for one run. */
  putModelRun(run: ModelRun): Promise<void>;
  getModelRun(runId: string): Promise<ModelRun | undefined>;
  /** The newest run before the run `runId` (an earlier day), if any. */
  previousModelRun(runId: string): Promise<ModelRun | undefined>;
}
