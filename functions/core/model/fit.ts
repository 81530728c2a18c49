import { availableParallelism } from 'node:os';
import { type BetaGeometricParams, betaGeometricObjective } from './bgnbd.ts';
import { betaGeometricColumnObjective, xLevelsOf } from './bgnbd-columns.ts';
import {
  forwardHessian,
  invert,
  type MinimiseOptions,
  type MinimiseResult,
  minimise,
  numericHessian,
  type Objective,
  OptimiseError,
} from './optimise.ts';
import { type ParetoNbdParams, paretoNbdObjective } from './pareto-nbd.ts';
import type { RowColumns } from './row-kernel.ts';
import { RowPool } from './row-pool.ts';
import {
  type CompressedSummaries,
  type CustomerSummary,
  compressSummaries,
  type SummaryColumns,
  toColumns,
  unmergedSummaries,
} from './summary-data.ts';

/** The parametric models. */
export type ModelKind = 'bgnbd' | 'mbgnbd' | 'paretonbd';

/** Parameters of the RFM fallback: the pooled repeat-purchase rate per time unit. */
export interface RfmParams {
  readonly rate: number;
}

interface FitCommon {
  readonly logLikelihood: number;
  readonly customers: number;
  readonly converged: boolean;
  readonly iterations: number;
  readonly gradientNorm: number;
  /** Wall-clock fitting time, including compression. */
  readonly seconds: number;
  /** Rows the likelihood was evaluated on: every customer, or the distinct (x, t_x, T) when merged. */
  readonly uniqueRows: number;
  readonly warnings: readonly string[];
  /** Set by `auto`: which model was picked and why. */
  readonly choice?: ModelChoice;
}

/** A fitted model. Standard errors come from the inverse Hessian; null when it is not invertible. */
export type FitResult =
  | (FitCommon & {
      readonly model: 'bgnbd' | 'mbgnbd';
      readonly params: BetaGeometricParams;
      readonly standardErrors: BetaGeometricParams | null;
    })
  | (FitCommon & {
      readonly model: 'paretonbd';
      readonly params: ParetoNbdParams;
      readonly standardErrors: ParetoNbdParams | null;
    })
  | (FitCommon & { readonly model: 'rfm'; readonly params: RfmParams; readonly standardErrors: null });

/** How `auto` chose. */
export interface ModelChoice {
  readonly chosen: ModelKind;
  readonly by: 'likelihood' | 'holdout';
  readonly reason: string;
  readonly candidates: readonly { model: ModelKind; logLikelihood: number; holdoutError?: number }[];
}

/** Options of {@link fitModel}. */
export interface FitOptions {
  /** L2 penalty on the parameters, added to the mean negative log-likelihood. @default 0 */
  readonly penalty?: number;
  /** @default 500 */
  readonly maxIterations?: number;
  /** Fewer repeat buyers than this falls back to the RFM score. @default 20 */
  readonly minRepeatBuyers?: number;
  /** Skip the Hessian (standard errors), e.g. in benchmarks of the optimiser alone. @default true */
  readonly standardErrors?: boolean;
  /**
   * Threads BG/NBD and MBG/NBD evaluate the likelihood on (the main thread and worker threads).
   * @default every core when there are more than 200,000 rows, else 1
   */
  readonly threads?: number;
}

function objectiveFor(kind: ModelKind, data: CompressedSummaries, penalty: number): Objective {
  if (kind === 'paretonbd') return paretoNbdObjective(data, penalty);
  return betaGeometricObjective(data, kind === 'mbgnbd', penalty);
}

/** Rows, as the likelihood reads them: x, t_x, T, and weights (null: one customer each). */
export interface WeightedRows {
  readonly x: Float64Array;
  readonly tx: Float64Array;
  readonly T: Float64Array;
  readonly w: Float64Array | null;
}

function totalWeightOf(rows: WeightedRows): number {
  if (rows.w === null) return rows.x.length;
  let total = 0;
  for (const w of rows.w) total += w;
  return total;
}

function weightedSum(values: Float64Array, rows: WeightedRows): number {
  let sum = 0;
  for (let i = 0; i < values.length; i += 1)
    sum += (values[i] ?? 0) * (rows.w === null ? 1 : (rows.w[i] ?? 0));
  return sum;
}

function repeatBuyers(rows: WeightedRows): number {
  let count = 0;
  for (let i = 0; i < rows.x.length; i += 1)
    if ((rows.x[i] ?? 0) > 0) count += rows.w === null ? 1 : (rows.w[i] ?? 0);
  return count;
}

function compressedRows(data: CompressedSummaries): WeightedRows {
  return { x: data.x, tx: data.tx, T: data.T, w: data.weight };
}

/** The starting point: r = a = b = s = 1, α = β = mean T. */
function startOf(kind: ModelKind, rows: WeightedRows, totalWeight: number): Float64Array {
  const meanT = Math.max(weightedSum(rows.T, rows) / totalWeight, 1e-3);
  return Float64Array.from([0, Math.log(meanT), 0, kind === 'paretonbd' ? Math.log(meanT) : 0]);
}

/** Fewer repeat buyers than needed: the RFM fallback's warning; undefined when there are enough. */
function thinData(kind: ModelKind, rows: WeightedRows, options: FitOptions): string | undefined {
  const minRepeat = options.minRepeatBuyers ?? 20;
  const repeat = repeatBuyers(rows);
  return repeat < minRepeat
    ? `only ${repeat} customers bought more than once (at least ${minRepeat} are needed to fit ${kind}); ranked by the RFM score instead`
    : undefined;
}

/**
 * Fits one model by maximum likelihood: BFGS on log-parameters from r = a = b = s = 1, α = β = mean T.
 * Thin data (fewer than `minRepeatBuyers` repeat buyers) or a fit that cannot be evaluated falls back to
 * the RFM score with a warning instead of failing.
 */
export function fitCompressed(
  kind: ModelKind,
  data: CompressedSummaries,
  options: FitOptions = {},
  startedAt = performance.now(),
  warmStart?: WarmStart,
): FitResult {
  const rows = compressedRows(data);
  const fallback = (warning: string) => rfmFit(rows, data.totalWeight, data.size, startedAt, warning);
  const thin = thinData(kind, rows, options);
  if (thin !== undefined) return fallback(thin);
  const penalty = options.penalty ?? 0;
  const objective = objectiveFor(kind, data, penalty);
  const settings = {
    maxIterations: options.maxIterations ?? 500,
    gradientTolerance: kind === 'paretonbd' ? 1e-6 : 1e-7,
    ...(warmStart?.inverseHessian === undefined ? {} : { inverseHessian: warmStart.inverseHessian }),
  };
  const run = { kind, penalty, totalWeight: data.totalWeight, size: data.size, startedAt, options, fallback };
  return minimisedFit(
    run,
    objective,
    warmStart?.theta ?? startOf(kind, rows, data.totalWeight),
    settings,
    (result) =>
      // Pareto/NBD's gradient costs a series per distinct pair: forward differences need half as many.
      kind === 'paretonbd'
        ? forwardHessian(objective, result.theta, result.gradient)
        : numericHessian(objective, result.theta),
  );
}

/** Where a fit starts: a sample's optimum, and its inverse Hessian when it is positive definite. */
interface WarmStart {
  readonly theta: Float64Array;
  readonly inverseHessian?: Float64Array;
}

/**
 * Above this many distinct rows (after merging) Pareto/NBD first fits a sample of PARETO_SAMPLE_ROWS:
 * an iteration costs a pass over the distinct rows, so where merging leaves few (times in whole days,
 * a shop's customers alike) the sample saves nothing.
 */
const PARETO_SAMPLE_ABOVE = 30_000;
const PARETO_SAMPLE_ROWS = 10_000;

/** Merging pays when a sample of the rows holds this share of distinct rows or fewer. */
const MERGE_BELOW = 0.8;
const MERGE_PROBE_ROWS = 20_000;

/**
 * The rows merged where identical (x, t_x, T) are common, as they are where nearly every row is
 * distinct (times not rounded): a 20,000-row sample's share of distinct rows decides. Both give the
 * same likelihood; merging only saves work when it finds something.
 */
function mergeIfItPays(columns: SummaryColumns): CompressedSummaries {
  return mergingPays(columns) ? compressSummaries(columns) : unmergedSummaries(columns);
}

/** Whether merging identical rows pays: a 20,000-row sample holds few enough distinct rows. */
export function mergingPays(columns: SummaryColumns): boolean {
  const n = columns.T.length;
  if (n <= MERGE_PROBE_ROWS) return true;
  const probe = strideSample(rowsOf(columns), MERGE_PROBE_ROWS);
  const distinct = compressSummaries({ frequency: probe.x, recency: probe.tx, T: probe.T }).size;
  return distinct / MERGE_PROBE_ROWS <= MERGE_BELOW;
}

/**
 * Rows for BG/NBD and MBG/NBD: merged with weights where identical rows are common (each iteration
 * then reads fewer), as they are otherwise.
 */
export function mergedRowsIfItPays(columns: SummaryColumns): WeightedRows {
  return mergingPays(columns) ? compressedRows(compressSummaries(columns)) : rowsOf(columns);
}

/**
 * Pareto/NBD by maximum likelihood on merged rows (see {@link fitCompressed}). Above 30,000 distinct
 * rows a 10,000-row sample is fitted first, and its optimum and inverse Hessian start the fit of all
 * rows, which then needs a few iterations: the likelihood's hypergeometric terms cost a series per
 * distinct (x, t_x) and (x, T), so iterations on all rows are what a large fit is made of. With fewer
 * distinct rows the sample saves nothing and can cost much: on CDNOW copied twice (11,104 distinct
 * rows) it ran off along the ridge where s and β grow together, and the fit of all rows started
 * there stayed on it (see test/unit/core/model/pareto-sample-start.test.ts).
 */
export function fitParetoNbd(
  columns: SummaryColumns,
  options: FitOptions = {},
  startedAt = performance.now(),
): FitResult {
  const rows = rowsOf(columns);
  const data = mergeIfItPays(columns);
  let warmStart: WarmStart | undefined;
  if (data.size > PARETO_SAMPLE_ABOVE && thinData('paretonbd', rows, options) === undefined) {
    const sampleRows = strideSample(rows, PARETO_SAMPLE_ROWS);
    const sample = compressSummaries({
      frequency: sampleRows.x,
      recency: sampleRows.tx,
      T: sampleRows.T,
      ...(sampleRows.w === null ? {} : { weight: sampleRows.w }),
    });
    const objective = paretoNbdObjective(sample, options.penalty ?? 0);
    try {
      const warm = minimise(objective, startOf('paretonbd', rowsOf(columns), data.totalWeight), {
        maxIterations: options.maxIterations ?? 500,
        gradientTolerance: 1e-6,
      });
      // Even a sample that did not converge is kept as the start: on data at the no-dropout
      // boundary (the optimum at infinity) its point is still much nearer than the cold start.
      if (warm.theta.every(Number.isFinite) && Number.isFinite(warm.value)) {
        const inverseHessian = positiveInverse(numericHessian(objective, warm.theta), 4);
        warmStart = { theta: warm.theta, ...(inverseHessian === undefined ? {} : { inverseHessian }) };
      }
    } catch (error: unknown) {
      // A sample that cannot be fitted only loses the head start.
      if (!(error instanceof OptimiseError)) throw error;
    }
  }
  const fit = fitCompressed('paretonbd', data, options, startedAt, warmStart);
  if (fit.model !== 'paretonbd') return fit;
  const noDropout = noDropoutWarning(fit.params, weightedSum(rows.T, rows) / totalWeightOf(rows));
  return noDropout === undefined ? fit : { ...fit, warnings: [...fit.warnings, noDropout] };
}

/** Below this share of customers expected to drop out within the mean T, the data show no dropout. */
const NO_DROPOUT_SHARE = 1e-3;

/**
 * The diagnostic for a Pareto/NBD fit that ran to the boundary μ → 0 (data where customers never
 * drop out, e.g. purchases on uniformly random days): the MLE is then the NBD model with s/β → 0,
 * which the optimiser approaches along a flat ridge, so s, β and their standard errors mean little.
 * Undefined when a visible share of customers is expected to drop out within the mean T.
 */
export function noDropoutWarning(params: ParetoNbdParams, meanT: number): string | undefined {
  // P(μ·T̄ dropout by T̄) for μ ~ Gamma(s, β): 1 − (β/(β+T̄))^s.
  const share = -Math.expm1(-params.s * Math.log1p(meanT / params.beta));
  if (!(share < NO_DROPOUT_SHARE)) return undefined;
  return `paretonbd: the data show no dropout (${share.toExponential(1)} of customers expected to drop out within the mean T of ${meanT.toPrecision(3)}; s = ${params.s.toPrecision(3)}, β = ${params.beta.toPrecision(3)}): the fit is at the boundary where Pareto/NBD is the NBD model, so s, β and their standard errors mean little`;
}

/** Above this many rows BG/NBD first fits a sample, so the fit of all rows starts next to the optimum. */
const SAMPLE_ABOVE = 100_000;
const SAMPLE_ROWS = 50_000;
const SAMPLE_ITERATIONS = 100;
/** Above this many rows the likelihood is split across threads by default. */
const PARALLEL_ABOVE = 200_000;

/** Every k-th row: a sample spread over the whole file, whatever its order. */
function strideSample(rows: WeightedRows, size: number): WeightedRows {
  const n = rows.x.length;
  const stride = n / size;
  const pick = (column: Float64Array) => {
    const out = new Float64Array(size);
    for (let k = 0; k < size; k += 1) out[k] = column[Math.floor(k * stride)] ?? 0;
    return out;
  };
  return { x: pick(rows.x), tx: pick(rows.tx), T: pick(rows.T), w: rows.w === null ? null : pick(rows.w) };
}

/** The BG/NBD objective over rows, with its pool of threads (close it when done). */
function columnObjective(kind: ModelKind, rows: WeightedRows, penalty: number, threads: number) {
  const levels = xLevelsOf(rows.x, rows.w);
  const kernelRows: RowColumns = { ...rows, xi: levels.index };
  const pool = new RowPool(kernelRows, 2 * levels.values.length, threads);
  const totalWeight = totalWeightOf(rows);
  return {
    pool,
    totalWeight,
    ...betaGeometricColumnObjective(pool, levels, totalWeight, kind === 'mbgnbd', penalty),
  };
}

/** Inverse of a Hessian when it is positive definite (a usable starting inverse Hessian for BFGS). */
function positiveInverse(hessian: Float64Array, n: number): Float64Array | undefined {
  const inverse = invert(hessian, n);
  if (inverse === undefined) return undefined;
  for (let i = 0; i < n; i += 1) if (!((inverse[i * n + i] ?? 0) > 0)) return undefined;
  return inverse.every(Number.isFinite) ? inverse : undefined;
}

/**
 * BG/NBD or MBG/NBD by maximum likelihood on every row, merged or not: the likelihood's row terms run
 * in the row kernel (split across worker threads above 200,000 rows), with analytic gradient and
 * Hessian. Above 100,000 rows a 50,000-row sample is fitted first and its optimum and inverse Hessian
 * start the fit of all rows, which then needs a few iterations. The optimum is the same MLE as
 * {@link fitCompressed}'s (the same objective, the same tolerance).
 */
export function fitBetaGeometricRows(
  kind: 'bgnbd' | 'mbgnbd',
  rows: WeightedRows,
  options: FitOptions = {},
  startedAt = performance.now(),
): FitResult {
  const n = rows.x.length;
  const totalWeight = totalWeightOf(rows);
  const fallback = (warning: string) => rfmFit(rows, totalWeight, n, startedAt, warning);
  const thin = thinData(kind, rows, options);
  if (thin !== undefined) return fallback(thin);
  const penalty = options.penalty ?? 0;
  const maxIterations = options.maxIterations ?? 500;
  const gradientTolerance = 1e-7;
  const threads = Math.max(
    1,
    Math.floor(options.threads ?? (n > PARALLEL_ABOVE ? availableParallelism() : 1)),
  );
  let start = startOf(kind, rows, totalWeight);
  let inverseHessian: Float64Array | undefined;
  // The pool's workers start while the sample is fitted.
  const full = columnObjective(kind, rows, penalty, threads);
  try {
    if (n > SAMPLE_ABOVE) {
      const sample = columnObjective(kind, strideSample(rows, SAMPLE_ROWS), penalty, 1);
      try {
        // Only a head start: a sample that converges slowly (a flat ridge) is not worth finishing.
        const warm = minimise(sample.objective, start, {
          maxIterations: Math.min(maxIterations, SAMPLE_ITERATIONS),
          gradientTolerance,
        });
        if (warm.theta.every(Number.isFinite) && Number.isFinite(warm.value)) {
          start = warm.theta;
          // Away from an optimum the sample's curvature can mislead BFGS more than the identity.
          if (warm.converged) inverseHessian = positiveInverse(sample.hessian(warm.theta), start.length);
        }
      } catch (error: unknown) {
        // A sample that cannot be fitted only loses the head start.
        if (!(error instanceof OptimiseError)) throw error;
      } finally {
        sample.pool.close();
      }
    }
    const settings = {
      maxIterations,
      gradientTolerance,
      ...(inverseHessian === undefined ? {} : { inverseHessian }),
    };
    const run = { kind, penalty, totalWeight, size: n, startedAt, options, fallback };
    return minimisedFit(run, full.objective, start, settings, (result) => full.hessian(result.theta));
  } finally {
    full.pool.close();
  }
}

/** What both fit paths hand to {@link minimisedFit}. */
interface FitRun {
  readonly kind: ModelKind;
  readonly penalty: number;
  readonly totalWeight: number;
  readonly size: number;
  readonly startedAt: number;
  readonly options: FitOptions;
  readonly fallback: (warning: string) => FitResult;
}

/**
 * Minimises from `start` and makes the optimum a fit, with standard errors from `hessianAt` unless
 * the options turn them off; a fit that cannot be evaluated or diverges falls back to the RFM score.
 */
function minimisedFit(
  run: FitRun,
  objective: Objective,
  start: Float64Array,
  settings: MinimiseOptions,
  hessianAt: (result: MinimiseResult) => Float64Array,
): FitResult {
  let result: MinimiseResult;
  try {
    result = minimise(objective, start, settings);
  } catch (error: unknown) {
    if (error instanceof OptimiseError)
      return run.fallback(`${run.kind} could not be fitted: ${error.message}`);
    throw error;
  }
  const errors =
    run.options.standardErrors === false || !result.theta.every(Number.isFinite)
      ? null
      : standardErrorsFrom(hessianAt(result), result.theta, run.totalWeight);
  return fitResult(run.kind, result, errors, run.penalty, run.totalWeight, run.size, run.startedAt, () =>
    run.fallback(`${run.kind} fit diverged; ranked by the RFM score instead`),
  );
}

/** The result of a converged (or stopped) minimisation, or `fallback()` when it diverged. */
function fitResult(
  kind: ModelKind,
  result: MinimiseResult,
  errors: number[] | null,
  penalty: number,
  totalWeight: number,
  rows: number,
  startedAt: number,
  fallback: () => FitResult,
): FitResult {
  const p = Array.from(result.theta, Math.exp);
  if (!p.every(Number.isFinite) || !Number.isFinite(result.value)) return fallback();
  const [p0 = 0, p1 = 0, p2 = 0, p3 = 0] = p;
  const penaltyTerm = penalty * (p0 * p0 + p1 * p1 + p2 * p2 + p3 * p3);
  const warnings: string[] = [];
  if (!result.converged)
    warnings.push(
      `${kind} did not converge in ${result.iterations} iterations (gradient norm ${result.gradientNorm.toExponential(2)})`,
    );
  const common = {
    logLikelihood: -(result.value - penaltyTerm) * totalWeight,
    customers: totalWeight,
    converged: result.converged,
    iterations: result.iterations,
    gradientNorm: result.gradientNorm,
    seconds: (performance.now() - startedAt) / 1000,
    uniqueRows: rows,
    warnings,
  };
  if (kind === 'paretonbd') {
    return {
      ...common,
      model: kind,
      params: { r: p0, alpha: p1, s: p2, beta: p3 },
      standardErrors:
        errors === null
          ? null
          : { r: errors[0] ?? 0, alpha: errors[1] ?? 0, s: errors[2] ?? 0, beta: errors[3] ?? 0 },
    };
  }
  return {
    ...common,
    model: kind,
    params: { r: p0, alpha: p1, a: p2, b: p3 },
    standardErrors:
      errors === null
        ? null
        : { r: errors[0] ?? 0, alpha: errors[1] ?? 0, a: errors[2] ?? 0, b: errors[3] ?? 0 },
  };
}

/**
 * Standard errors of the parameters from the Hessian of the mean objective in log-parameters, scaled to
 * the total negative log-likelihood (at the optimum the delta method gives SE(p) = p · SE(log p));
 * null when it is not invertible.
 */
function standardErrorsFrom(
  hessian: Float64Array,
  theta: Float64Array,
  totalWeight: number,
): number[] | null {
  const n = theta.length;
  const covariance = invert(
    hessian.map((value) => value * totalWeight),
    n,
  );
  if (covariance === undefined) return null;
  const errors: number[] = [];
  for (let i = 0; i < n; i += 1) {
    const variance = covariance[i * n + i] ?? Number.NaN;
    if (!(variance > 0) || !Number.isFinite(variance)) return null;
    errors.push(Math.exp(theta[i] ?? 0) * Math.sqrt(variance));
  }
  return errors;
}

function rfmFit(
  rows: WeightedRows,
  totalWeight: number,
  size: number,
  startedAt: number,
  warning: string,
): FitResult {
  const purchases = weightedSum(rows.x, rows);
  const exposure = weightedSum(rows.T, rows);
  // Half a purchase of prior keeps the rate positive when nobody bought twice.
  const rate = (purchases + 0.5) / (exposure + 1);
  return {
    model: 'rfm',
    params: { rate },
    standardErrors: null,
    logLikelihood: 0,
    customers: totalWeight,
    converged: true,
    iterations: 0,
    gradientNorm: 0,
    seconds: (performance.now() - startedAt) / 1000,
    uniqueRows: size,
    warnings: [warning],
  };
}

/** Summaries as columns, whichever form they came in. */
export function asColumns(summaries: readonly CustomerSummary[] | SummaryColumns): SummaryColumns {
  return isColumns(summaries) ? summaries : toColumns(summaries);
}

/** Columns as weighted rows for the likelihood. */
export function rowsOf(columns: SummaryColumns): WeightedRows {
  return { x: columns.frequency, tx: columns.recency, T: columns.T, w: columns.weight ?? null };
}

function isColumns(value: readonly CustomerSummary[] | SummaryColumns): value is SummaryColumns {
  return !Array.isArray(value);
}
