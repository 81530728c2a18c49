import {
  betaGeometricExpectedIfAlive,
  betaGeometricLogDeadOdds,
  betaGeometricReturnIfAlive,
} from './bgnbd.ts';
import { asColumns, type FitResult } from './fit.ts';
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

/**
 * Every score for every row, vectorised: identical (x, t_x, T) rows are scored once, and the parts that
 * depend only on (x, T) (the hypergeometric term) once per pair; results are scattered back by row.
 */
export function scoreColumns(fit: FitResult, columns: SummaryColumns, horizon: number): ScoreColumns {
  const data = compressSummaries(columns);
  const m = data.size;
  const uAlive = new Float64Array(m);
  const uExpected = new Float64Array(m);
  const uReturn = new Float64Array(m);
  const uGap = new Float64Array(m);
  const uOverdue = new Float64Array(m);
  const pairs = data.xTX.length;
  const ifAliveExpected = new Float64Array(pairs);
  const ifAliveReturn = new Float64Array(pairs);
  for (let k = 0; k < pairs; k += 1) {
    const x = data.xTX[k] ?? 0;
    const T = data.xTT[k] ?? 0;
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
    const x = data.x[i] ?? 0;
    const tx = data.tx[i] ?? 0;
    const T = data.T[i] ?? 0;
    const gap = gapOf(fit, x, T);
    const overdue = (T - tx) / gap;
    let alive: number;
    if (fit.model === 'bgnbd' || fit.model === 'mbgnbd') {
      alive = 1 / (1 + Math.exp(betaGeometricLogDeadOdds(fit.params, fit.model === 'mbgnbd', x, tx, T)));
    } else if (fit.model === 'paretonbd') {
      alive = paretoNbdPAlive(fit.params, x, tx, T);
    } else {
      // RFM heuristic: alive until one expected gap has passed, then fading exponentially.
      alive = Math.exp(-Math.max(0, overdue - 1));
    }
    const pair = data.xTIndex[i] ?? 0;
    uAlive[i] = probability(alive);
    uExpected[i] = finiteNonNegative((uAlive[i] ?? 0) * (ifAliveExpected[pair] ?? 0));
    uReturn[i] = probability((uAlive[i] ?? 0) * (ifAliveReturn[pair] ?? 0));
    uGap[i] = finiteNonNegative(gap);
    uOverdue[i] = finiteNonNegative(overdue);
  }
  const n = columns.frequency.length;
  const out: ScoreColumns = {
    pAlive: new Float64Array(n),
    expectedPurchases: new Float64Array(n),
    pReturn: new Float64Array(n),
    expectedGap: new Float64Array(n),
    overdueRatio: new Float64Array(n),
  };
  for (let i = 0; i < n; i += 1) {
    const u = data.rowIndex[i] ?? 0;
    out.pAlive[i] = uAlive[u] ?? 0;
    out.expectedPurchases[i] = uExpected[u] ?? 0;
    out.pReturn[i] = uReturn[u] ?? 0;
    out.expectedGap[i] = uGap[u] ?? 0;
    out.overdueRatio[i] = uOverdue[u] ?? 0;
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

function round(value: number): string {
  if (value >= 10) return value.toFixed(0);
  return value.toFixed(1).replace(/\.0$/, '');
}

function unitLabel(unit: TimeUnit, value: number): string {
  const singular = unit === 'weeks' ? 'week' : 'day';
  return round(value) === '1' ? singular : unit;
}

/** A sentence a marketer can read, e.g. "usually buys every ~5 weeks; now 2.3x overdue; …". */
export function explainScore(
  score: Omit<Score, 'explanation' | 'customerId'>,
  horizon: number,
  unit: TimeUnit,
): string {
  const since = score.T - score.recency;
  const chance = `${(score.pReturn * 100).toFixed(0)}% chance of buying in the next ${round(horizon)} ${unitLabel(unit, horizon)}`;
  if (score.frequency === 0) {
    return `one purchase so far, ${round(since)} ${unitLabel(unit, since)} ago; ${chance}`;
  }
  const gap = `usually buys every ~${round(score.expectedGap)} ${unitLabel(unit, score.expectedGap)}`;
  const status =
    score.overdueRatio >= 1
      ? `now ${score.overdueRatio.toFixed(1)}x overdue`
      : `last bought ${round(since)} ${unitLabel(unit, since)} ago, not yet due`;
  return `${gap}; ${status}; ${chance}`;
}

/** Scores for each customer, with the explanation. `horizon` is in the data's unit. */
export function scoreCustomers(
  fit: FitResult,
  customers: readonly CustomerSummary[],
  horizon: number,
  unit: TimeUnit = 'weeks',
): Score[] {
  const columns = scoreColumns(fit, asColumns(customers), horizon);
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
    return { customerId: customer.customerId, ...numbers, explanation: explainScore(numbers, horizon, unit) };
  });
}
