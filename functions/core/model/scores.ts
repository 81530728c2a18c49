import {
  betaGeometricExpectedIfAlive,
  betaGeometricLogDeadOdds,
  betaGeometricReturnIfAlive,
} from './bgnbd.ts';
import { asColumns, type FitResult, mergingPays } from './fit.ts';
import { paretoNbdExpectedIfAlive, paretoNbdPAlive, paretoNbdReturnIfAlive } from './pareto-nbd.ts';
import {
  type CustomerSummary,
  compressSummaries,
  type SummaryColumns,
  type TimeUnit,
} from './summary-data.ts';

/** One customer's scores for a horizon H (in the data's time unit). */
export interface Score {
  readonly customerId: string;
  readonly frequency: number;
  readonly recency: number;
  readonly T: number;
  /** P(still a customer at T). */
  readonly pAlive: number;
  /** E[purchases in (T, T+H] | history]. */
  readonly expectedPurchases: number;
  /** P(at least one purchase in (T, T+H] | history): the likelihood of return. */
  readonly pReturn: number;
  /** Expected time between purchases while active, 1 / E[λ | history]. */
  readonly expectedGap: number;
  /** Time since the last purchase divided by the expected gap. */
  readonly overdueRatio: number;
  readonly explanation: string;
}

/** The numeric scores as columns, in the order of the input rows. */
export interface ScoreColumns {
  readonly pAlive: Float64Array;
  readonly expectedPurchases: Float64Array;
  readonly pReturn: Float64Array;
  readonly expectedGap: Float64Array;
  readonly overdueRatio: Float64Array;
}

function probability(value: number): number {
  return Number.isFinite(value) ? Math.min(1, Math.max(0, value)) : 0;
}

function finiteNonNegative(value: number): number {
  return Number.isFinite(value) && value > 0 ? value : 0;
}

/** Expected gap between purchases: (α+T)/(r+x) for the models, the shrunk empirical rate for RFM. */
function gapOf(fit: FitResult, x: number, T: number): number {
  if (fit.model === 'rfm') return (T + 1 / fit.params.rate) / (x + 1);
  return (fit.params.alpha + T) / (fit.params.r + x);
}

/**
 * P(alive) for every row, straight from the closed forms (no compression) — the fast path for BG/NBD
 * and MBG/NBD; Pareto/NBD and RFM go through {@link scoreColumns}.
 */
export function pAliveColumns(fit: FitResult, columns: SummaryColumns): Float64Array {
  if (fit.model === 'bgnbd' || fit.model === 'mbgnbd') {
    const { r, alpha, a, b } = fit.params;
    const n = columns.frequency.length;
    const out = new Float64Array(n);
    const modified = fit.model === 'mbgnbd' ? 1 : 0;
    const logA = Math.log(a);
    for (let i = 0; i < n; i += 1) {
      const x = columns.frequency[i] ?? 0;
      if (modified === 0 && x === 0) {
        out[i] = 1;
        continue;
      }
      const odds =
        logA -
        Math.log(b + x - 1 + modified) +
        (r + x) * Math.log((alpha + (columns.T[i] ?? 0)) / (alpha + (columns.recency[i] ?? 0)));
      out[i] = 1 / (1 + Math.exp(odds));
    }
    return out;
  }
  return scoreColumns(fit, columns, 0).pAlive;
}

/** Rows to score: x, t_x and T per row, and where each row's (x, T) pair is (`null`: the row itself). */
interface ScoreRows {
  readonly x: Float64Array;
  readonly tx: Float64Array;
  readonly T: Float64Array;
  readonly pairX: Float64Array;
  readonly pairT: Float64Array;
  readonly pairOf: Int32Array | null;
}

/** The scores of `rows`; the parts that depend only on (x, T) (the hypergeometric term) once per pair. */
function scoreRows(fit: FitResult, rows: ScoreRows, horizon: number): ScoreColumns {
  const m = rows.x.length;
  const alive = new Float64Array(m);
  const expected = new Float64Array(m);
  const chance = new Float64Array(m);
  const gaps = new Float64Array(m);
  const overdues = new Float64Array(m);
  const pairs = rows.pairX.length;
  const ifAliveExpected = new Float64Array(pairs);
  const ifAliveReturn = new Float64Array(pairs);
  for (let k = 0; k < pairs; k += 1) {
    const x = rows.pairX[k] ?? 0;
    const T = rows.pairT[k] ?? 0;
    if (fit.model === 'bgnbd' || fit.model === 'mbgnbd') {
      ifAliveExpected[k] = betaGeometricExpectedIfAlive(fit.params, fit.model === 'mbgnbd', horizon, x, T);
      ifAliveReturn[k] = betaGeometricReturnIfAlive(fit.params, horizon, x, T);
    } else if (fit.model === 'paretonbd') {
      ifAliveExpected[k] = paretoNbdExpectedIfAlive(fit.params, horizon, x, T);
      ifAliveReturn[k] = paretoNbdReturnIfAlive(fit.params, horizon, x, T);
    } else {
      const rate = 1 / gapOf(fit, x, T);
      ifAliveExpected[k] = rate * horizon;
      ifAliveReturn[k] = -Math.expm1(-rate * horizon);
    }
  }
  for (let i = 0; i < m; i += 1) {
    const x = rows.x[i] ?? 0;
    const tx = rows.tx[i] ?? 0;
    const T = rows.T[i] ?? 0;
    const gap = gapOf(fit, x, T);
    const overdue = (T - tx) / gap;
    let p: number;
    if (fit.model === 'bgnbd' || fit.model === 'mbgnbd') {
      p = 1 / (1 + Math.exp(betaGeometricLogDeadOdds(fit.params, fit.model === 'mbgnbd', x, tx, T)));
    } else if (fit.model === 'paretonbd') {
      p = paretoNbdPAlive(fit.params, x, tx, T);
    } else {
      // RFM heuristic: alive until one expected gap has passed, then fading exponentially.
      p = Math.exp(-Math.max(0, overdue - 1));
    }
    const pair = rows.pairOf === null ? i : (rows.pairOf[i] ?? 0);
    const a = probability(p);
    alive[i] = a;
    expected[i] = finiteNonNegative(a * (ifAliveExpected[pair] ?? 0));
    chance[i] = probability(a * (ifAliveReturn[pair] ?? 0));
    gaps[i] = finiteNonNegative(gap);
    overdues[i] = finiteNonNegative(overdue);
  }
  return {
    pAlive: alive,
    expectedPurchases: expected,
    pReturn: chance,
    expectedGap: gaps,
    overdueRatio: overdues,
  };
}

/** Scores of distinct rows: `rowIndex[i]` is row i's distinct row; `null` when each row is its own. */
export interface DistinctScores {
  /** The distinct rows' x, t_x and T (the input's columns when `rowIndex` is null). */
  readonly rows: SummaryColumns;
  readonly scores: ScoreColumns;
  readonly rowIndex: Int32Array | null;
}

/**
 * Every score of every distinct row. Where a sample shows identical (x, t_x, T) rows are common
 * (times rounded to days) each is scored once, and the (x, T) parts once per pair; where nearly every
 * row is distinct, every row is scored as it is (merging 1M distinct rows took 3.9 s and found
 * nothing). Either way a row gets the same numbers.
 */
export function scoreDistinct(fit: FitResult, columns: SummaryColumns, horizon: number): DistinctScores {
  const { frequency, recency, T } = columns;
  if (!mergingPays(columns)) {
    const rows = { x: frequency, tx: recency, T, pairX: frequency, pairT: T, pairOf: null };
    return { rows: columns, scores: scoreRows(fit, rows, horizon), rowIndex: null };
  }
  const data = compressSummaries(columns);
  const rows = { x: data.x, tx: data.tx, T: data.T, pairX: data.xTX, pairT: data.xTT, pairOf: data.xTIndex };
  return {
    rows: { frequency: data.x, recency: data.tx, T: data.T },
    scores: scoreRows(fit, rows, horizon),
    rowIndex: data.rowIndex,
  };
}

/** Every score for every row, vectorised over the distinct rows ({@link scoreDistinct}). */
export function scoreColumns(fit: FitResult, columns: SummaryColumns, horizon: number): ScoreColumns {
  const { scores, rowIndex } = scoreDistinct(fit, columns, horizon);
  if (rowIndex === null) return scores;
  const n = rowIndex.length;
  const out: ScoreColumns = {
    pAlive: new Float64Array(n),
    expectedPurchases: new Float64Array(n),
    pReturn: new Float64Array(n),
    expectedGap: new Float64Array(n),
    overdueRatio: new Float64Array(n),
  };
  for (let i = 0; i < n; i += 1) {
    const u = rowIndex[i] ?? 0;
    out.pAlive[i] = scores.pAlive[u] ?? 0;
    out.expectedPurchases[i] = scores.expectedPurchases[u] ?? 0;
    out.pReturn[i] = scores.pReturn[u] ?? 0;
    out.expectedGap[i] = scores.expectedGap[u] ?? 0;
    out.overdueRatio[i] = scores.overdueRatio[u] ?? 0;
  }
  return out;
}

/** Expected purchases in the next `horizon` for every row. */
export function expectedPurchasesColumns(
  fit: FitResult,
  columns: SummaryColumns,
  horizon: number,
): Float64Array {
  return scoreColumns(fit, columns, horizon).expectedPurchases;
}

/** A time as the explanation shows it: whole from 10 up, else to one decimal without a trailing ".0". */
function round(value: number): string {
  if (value >= 10) return value.toFixed(0);
  const text = value.toFixed(1);
  return text.endsWith('.0') ? text.slice(0, -2) : text;
}

/** A time with its unit, "1 week" or "2.5 weeks" (singular only when it shows as 1). */
function amount(value: number, singular: string, plural: string): string {
  const text = round(value);
  return `${text} ${text === '1' ? singular : plural}`;
}

/**
 * Explains one row from its numbers (no object per row): `frequency`, `recency`, `T` as in the
 * summary, the rest as in {@link ScoreColumns}. See {@link scoreExplainer}.
 */
export type ScoreExplainer = (
  frequency: number,
  recency: number,
  T: number,
  pReturn: number,
  expectedGap: number,
  overdueRatio: number,
) => string;

/**
 * The explanation of {@link explainScore} for many rows of one horizon and unit: the unit's words
 * and the horizon's text are made once, not per row (a million rows are written at a time).
 */
export function scoreExplainer(horizon: number, unit: TimeUnit): ScoreExplainer {
  const singular = unit === 'weeks' ? 'week' : 'day';
  const next = `% chance of buying in the next ${amount(horizon, singular, unit)}`;
  return (frequency, recency, T, pReturn, expectedGap, overdueRatio) => {
    const since = T - recency;
    const chance = `${(pReturn * 100).toFixed(0)}${next}`;
    if (frequency === 0) return `one purchase so far, ${amount(since, singular, unit)} ago; ${chance}`;
    const status =
      overdueRatio >= 1
        ? `now ${overdueRatio.toFixed(1)}x overdue`
        : `last bought ${amount(since, singular, unit)} ago, not yet due`;
    return `usually buys every ~${amount(expectedGap, singular, unit)}; ${status}; ${chance}`;
  };
}

/** A sentence a marketer can read, e.g. "usually buys every ~5 weeks; now 2.3x overdue; …". */
export function explainScore(
  score: Omit<Score, 'explanation' | 'customerId'>,
  horizon: number,
  unit: TimeUnit,
): string {
  return scoreExplainer(horizon, unit)(
    score.frequency,
    score.recency,
    score.T,
    score.pReturn,
    score.expectedGap,
    score.overdueRatio,
  );
}

/** Scores for each customer, with the explanation. `horizon` is in the data's unit. */
export function scoreCustomers(
  fit: FitResult,
  customers: readonly CustomerSummary[],
  horizon: number,
  unit: TimeUnit = 'weeks',
): Score[] {
  const columns = scoreColumns(fit, asColumns(customers), horizon);
  const explain = scoreExplainer(horizon, unit);
  return customers.map((customer, i) => {
    const numbers = {
      frequency: customer.frequency,
      recency: customer.recency,
      T: customer.T,
      pAlive: columns.pAlive[i] ?? 0,
      expectedPurchases: columns.expectedPurchases[i] ?? 0,
      pReturn: columns.pReturn[i] ?? 0,
      expectedGap: columns.expectedGap[i] ?? 0,
      overdueRatio: columns.overdueRatio[i] ?? 0,
    };
    const explanation = explain(
      numbers.frequency,
      numbers.recency,
      numbers.T,
      numbers.pReturn,
      numbers.expectedGap,
      numbers.overdueRatio,
    );
    return { customerId: customer.customerId, ...numbers, explanation };
  });
}
