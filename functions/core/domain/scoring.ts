import { isPurchase, type Order } from '../customers/model.ts';

const dayMs = 86_400_000;

export type ModelChoice = 'auto' | 'bgnbd' | 'mbgnbd' | 'paretonbd';

/** A customer's purchase history as the buy-till-you-die models read it, in days. */
export interface PurchaseSummary {
  readonly customerId: string;
  /** Repeat purchases: distinct purchase days after the first. */
  readonly frequency: number;
  /** Days from the first to the last purchase. */
  readonly recency: number;
  /** Days from the first purchase to the end of observation. */
  readonly T: number;
}

/** The model's view of one customer, with a sentence a marketer can read. */
export interface CustomerScore {
  readonly customerId: string;
  readonly pAlive: number;
  /** Probability of at least one purchase within the horizon. */
  readonly pReturn: number;
  readonly expectedPurchases: number;
  readonly overdueRatio?: number;
  readonly explanation: string;
}

/** A fitted model as stored with the run: plain JSON, so every scoring invocation reuses it. */
export interface FittedModel {
  readonly kind: string;
  readonly parameters: unknown;
  readonly diagnostics: Readonly<Record<string, unknown>>;
}

/**
 * The likelihood-of-return model, as the segmenter needs it: fit once per run on a sample, then
 * score any number of customers with the stored fit. Implemented over functions/core/model/.
 */
export interface ScoringModel {
  fit(choice: ModelChoice, summaries: readonly PurchaseSummary[]): FittedModel;
  score(fit: FittedModel, summaries: readonly PurchaseSummary[], horizonDays: number): CustomerScore[];
}

/** One daily segmenter run: the fit every segment scores with, and how it was made. */
export interface ModelRun {
  readonly runId: string;
  /** Every segment evaluates as of this instant, so a retried segment decides as its siblings did. */
  readonly createdAt: number;
  /** Absent when there was nothing to fit (no repeat buyers yet) or fitting failed: see `fitError`. */
  readonly fit?: FittedModel;
  readonly fitError?: string;
  /** When `fit` was made: this run's `createdAt`, or an earlier run's whose fit it reuses. */
  readonly fittedAt?: number;
  readonly sampleSize: number;
  readonly totalSegments: number;
  readonly horizonDays: number;
}

/** The stored score and segment membership of one customer (one item, replaced each run). */
export interface StoredScore {
  readonly customerId: string;
  readonly runId: string;
  readonly scoredAt: number;
  readonly model: string;
  readonly pAlive: number;
  readonly pReturn: number;
  readonly expectedPurchases: number;
  readonly overdueRatio?: number;
  readonly explanation: string;
  /** The first matching segment, or null for none. */
  readonly segmentId: string | null;
}

/** A stored score is rewritten at least this often, so `scoredAt` says how fresh it is. */
export const SCORE_REFRESH_MS = 7 * 86_400_000;

/**
 * Whether the daily run must rewrite a customer's stored score: when there is none, the segment or
 * the model changed, a probability or the expected purchases moved by more than two points (or
 * 5%), the overdue ratio by more than a quarter (or 10%), or the stored one is a week old. The
 * stored score is for people (why a customer is where they are); the daily decisions use the fresh
 * score, and a change of segment is always written. Scores drift a little every day, so finer
 * tolerances rewrote a tenth to a half of all customers daily (the largest cost of scoring at
 * scale) for changes nobody reads. The overdue ratio grows every day by design (a day over a
 * 30-day gap adds 0.03), so it gets a wider tolerance.
 */
export function scoreNeedsWrite(previous: StoredScore | undefined, next: StoredScore): boolean {
  if (previous === undefined) return true;
  if (previous.model !== next.model || previous.segmentId !== next.segmentId) return true;
  if (next.scoredAt - previous.scoredAt >= SCORE_REFRESH_MS) return true;
  const within = (absolute: number, relative: number) => (a: number | undefined, b: number | undefined) =>
    a === b || (a !== undefined && b !== undefined && Math.abs(a - b) <= absolute + relative * Math.abs(b));
  const close = within(0.02, 0.05);
  return !(
    close(previous.pAlive, next.pAlive) &&
    close(previous.pReturn, next.pReturn) &&
    close(previous.expectedPurchases, next.expectedPurchases) &&
    within(0.25, 0.1)(previous.overdueRatio, next.overdueRatio)
  );
}

/** The run id of a day: `RUN#<id>` is the model item's sort key. */
export const runIdFor = (at: number) => new Date(at).toISOString().slice(0, 10);

/** Summarises orders up to `now`; undefined for a customer without orders (the models need one). */
export function summariseOrders(
  customerId: string,
  orders: readonly Pick<Order, 'placedAt' | 'status'>[],
  now: number,
): PurchaseSummary | undefined {
  const days = new Set<number>();
  for (const order of orders) {
    // The models fit purchases: a refunded, cancelled or voided order is none.
    if (!isPurchase(order)) continue;
    const at = Date.parse(order.placedAt);
    if (at <= now) days.add(Math.floor(at / dayMs));
  }
  if (days.size === 0) return undefined;
  const sorted = [...days].sort((a, b) => a - b);
  const first = sorted[0] ?? 0;
  const last = sorted.at(-1) ?? first;
  return {
    customerId,
    frequency: sorted.length - 1,
    recency: last - first,
    // Whole days: customers with the same history share a row, which the model fit compresses.
    T: Math.max(Math.floor(now / dayMs) - first, last - first),
  };
}
