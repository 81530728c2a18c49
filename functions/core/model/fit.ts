import { type BetaGeometricParams, betaGeometricObjective } from './bgnbd.ts';
import { invert, minimise, numericHessian, type Objective, OptimiseError } from './optimise.ts';
import { type ParetoNbdParams, paretoNbdObjective } from './pareto-nbd.ts';
import {
  type CompressedSummaries,
  type CustomerSummary,
  type SummaryColumns,
  toColumns,
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
  /** Unique (x, t_x, T) rows the likelihood was evaluated on. */
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
}

function objectiveFor(kind: ModelKind, data: CompressedSummaries, penalty: number): Objective {
  if (kind === 'paretonbd') return paretoNbdObjective(data, penalty);
  return betaGeometricObjective(data, kind === 'mbgnbd', penalty);
}

function meanOf(values: Float64Array, weights: Float64Array, total: number): number {
  let sum = 0;
  for (let i = 0; i < values.length; i += 1) sum += (values[i] ?? 0) * (weights[i] ?? 0);
  return sum / total;
}

function repeatBuyers(data: CompressedSummaries): number {
  let count = 0;
  for (let i = 0; i < data.size; i += 1) if ((data.x[i] ?? 0) > 0) count += data.weight[i] ?? 0;
  return count;
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
): FitResult {
  const minRepeat = options.minRepeatBuyers ?? 20;
  const repeat = repeatBuyers(data);
  if (repeat < minRepeat) {
    return rfmFit(
      data,
      startedAt,
      `only ${repeat} customers bought more than once (at least ${minRepeat} are needed to fit ${kind}); ranked by the RFM score instead`,
    );
  }
  const penalty = options.penalty ?? 0;
  const objective = objectiveFor(kind, data, penalty);
  const meanT = Math.max(meanOf(data.T, data.weight, data.totalWeight), 1e-3);
  const start = Float64Array.from([0, Math.log(meanT), 0, kind === 'paretonbd' ? Math.log(meanT) : 0]);
  let result: ReturnType<typeof minimise>;
  try {
    result = minimise(objective, start, {
      maxIterations: options.maxIterations ?? 500,
      gradientTolerance: kind === 'paretonbd' ? 1e-6 : 1e-7,
    });
  } catch (error: unknown) {
    if (error instanceof OptimiseError)
      return rfmFit(data, startedAt, `${kind} could not be fitted: ${error.message}`);
    throw error;
  }
  const p = Array.from(result.theta, Math.exp);
  if (!p.every(Number.isFinite) || !Number.isFinite(result.value))
    return rfmFit(data, startedAt, `${kind} fit diverged; ranked by the RFM score instead`);
  const [p0 = 0, p1 = 0, p2 = 0, p3 = 0] = p;
  const errors = options.standardErrors === false ? null : standardErrors(objective, result.theta, data, p);
  const penaltyTerm = penalty * (p0 * p0 + p1 * p1 + p2 * p2 + p3 * p3);
  const warnings: string[] = [];
  if (!result.converged)
    warnings.push(
      `${kind} did not converge in ${result.iterations} iterations (gradient norm ${result.gradientNorm.toExponential(2)})`,
    );
  const common = {
    logLikelihood: -(result.value - penaltyTerm) * data.totalWeight,
    customers: data.totalWeight,
    converged: result.converged,
    iterations: result.iterations,
    gradientNorm: result.gradientNorm,
    seconds: (performance.now() - startedAt) / 1000,
    uniqueRows: data.size,
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
 * Standard errors of the parameters from the Hessian of the total negative log-likelihood in
 * log-parameters (at the optimum the delta method gives SE(p) = p · SE(log p)); null when not invertible.
 */
function standardErrors(
  objective: Objective,
  theta: Float64Array,
  data: CompressedSummaries,
  p: readonly number[],
): number[] | null {
  const n = theta.length;
  const hessian = numericHessian(objective, theta);
  for (let i = 0; i < hessian.length; i += 1) hessian[i] = (hessian[i] ?? 0) * data.totalWeight;
  const covariance = invert(hessian, n);
  if (covariance === undefined) return null;
  const errors: number[] = [];
  for (let i = 0; i < n; i += 1) {
    const variance = covariance[i * n + i] ?? Number.NaN;
    if (!(variance > 0) || !Number.isFinite(variance)) return null;
    errors.push((p[i] ?? 0) * Math.sqrt(variance));
  }
  return errors;
}

function rfmFit(data: CompressedSummaries, startedAt: number, warning: string): FitResult {
  let purchases = 0;
  let exposure = 0;
  for (let i = 0; i < data.size; i += 1) {
    purchases += (data.x[i] ?? 0) * (data.weight[i] ?? 0);
    exposure += (data.T[i] ?? 0) * (data.weight[i] ?? 0);
  }
  // Half a purchase of prior keeps the rate positive when nobody bought twice.
  const rate = (purchases + 0.5) / (exposure + 1);
  return {
    model: 'rfm',
    params: { rate },
    standardErrors: null,
    logLikelihood: 0,
    customers: data.totalWeight,
    converged: true,
    iterations: 0,
    gradientNorm: 0,
    seconds: (performance.now() - startedAt) / 1000,
    uniqueRows: data.size,
    warnings: [warning],
  };
}

/** Summaries as columns, whichever form they came in. */
export function asColumns(summaries: readonly CustomerSummary[] | SummaryColumns): SummaryColumns {
  return isColumns(summaries) ? summaries : toColumns(summaries);
}

function isColumns(value: readonly CustomerSummary[] | SummaryColumns): value is SummaryColumns {
  return !Array.isArray(value);
}
