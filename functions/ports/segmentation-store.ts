import type { ContactStatus, Customer, Incident, Order } from '../core/customers/model.ts';
import type { Assignment } from '../core/segments/enrolment.ts';
import type { ModelRun, StoredScore } from '../core/segments/scoring.ts';

/** Where validated import rows go; every write is an idempotent put keyed by the row's id. */
export interface ImportSink {
  putCustomers(customers: readonly Customer[]): Promise<void>;
  putOrders(orders: readonly Order[]): Promise<void>;
  putIncidents(incidents: readonly Incident[]): Promise<void>;
}

/** Everything the segmenter needs about one customer, assembled from one partition. */
export interface CustomerRecord {
  readonly customer: Customer;
  readonly orders: readonly Order[];
  readonly incidents: readonly Incident[];
  /** Enrolments and hold-outs, newest last. */
  readonly assignments: readonly Assignment[];
  readonly score?: StoredScore;
  /** Unsubscribed, suppressed or paused: never enrolled. */
  readonly status?: ContactStatus;
}

/** Incidents, scores, model runs and segment assignments (DynamoDB in production). */
export interface SegmentationStore extends ImportSink {
  /**
   * Records an incident from a live event. An unresolved version never overwrites a resolved one,
   * so `incident.opened` arriving after `incident.resolved` (EventBridge does not order) is harmless.
   */
  recordIncident(incident: Incident): Promise<'written' | 'kept-resolved'>;
  /** Streams customers of one parallel-scan segment (or all), with orders, incidents, assignments, score. */
  scanCustomerRecords(options?: { segment?: number; totalSegments?: number }): AsyncIterable<CustomerRecord>;
  /** Writes the daily score and segment membership of each customer (one item per customer, replaced). */
  putScores(scores: readonly StoredScore[]): Promise<void>;
  /** Creates the enrolment or hold-out unless one with the same id exists; false if it did. */
  createAssignment(assignment: Assignment): Promise<boolean>;
  /** `createAssignment` for many, in as few writes as the store can: true for each one it created. */
  createAssignments(assignments: readonly Assignment[]): Promise<boolean[]>;
  /** Stores the fitted model and its diagnostics for one run. */
  putModelRun(run: ModelRun): Promise<void>;
  getModelRun(runId: string): Promise<ModelRun | undefined>;
  /** The newest run before the run `runId` (an earlier day), if any. */
  previousModelRun(runId: string): Promise<ModelRun | undefined>;
}
