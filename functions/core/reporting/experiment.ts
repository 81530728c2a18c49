/**
 * What a win-back did, measured against its hold-out: the return-rate and revenue lifts with 95%
 * intervals, the same lifts adjusted by a covariate measured before the emails (CUPED: each
 * customer's predicted purchases from the BTYD fit), and how many customers a given effect needs.
 * Pure and deterministic; docs/engagement.md ("Lift") explains every number.
 */
import { newcombeDifference } from './statistics.ts';

/** The 95% two-sided normal quantile, and the one-sided quantile of 80% power. */
const Z95 = 1.959963984540054;
const Z80 = 0.8416212335729143;

/** One customer of the experiment. */
export interface ExperimentUnit {
  /** Got the emails (true) or was held out (false). */
  readonly treated: boolean;
  /** Bought again within the attribution window. */
  readonly returned: boolean;
  /** What they spent in that window (0 when they did not return), in one currency. */
  readonly revenue: number;
  /** Known before the emails, e.g. the model's predicted purchases; for the adjusted estimates. */
  readonly covariate?: number;
}

/** A difference, treated minus hold-out, with its 95% interval and standard error. */
export interface Effect {
  readonly estimate: number;
  readonly low: number;
  readonly high: number;
  readonly standardError: number;
}

export interface ArmSummary {
  readonly customers: number;
  readonly returned: number;
  readonly returnRate: number;
  readonly revenue: number;
  readonly revenuePerCustomer: number;
}

/** The customers a lift of `effect` needs in all (both groups) to be found 80% of the time at 5%. */
export interface SampleSize {
  readonly effect: number;
  readonly customers: number;
}

export interface ExperimentAnalysis {
  readonly treated: ArmSummary;
  readonly holdout: ArmSummary;
  /** Return rate, treated minus hold-out (0.02 = 2 points): Newcombe's hybrid score interval. */
  readonly returnRate: Effect;
  /** Revenue per customer, treated minus hold-out: Welch's interval (normal quantile). */
  readonly revenue: Effect;
  /** The same two, adjusted by the covariate; absent without one (or when it does not vary). */
  readonly adjusted?: {
    readonly returnRate: Effect;
    readonly revenue: Effect;
    /** Share of the return rate's variance the covariate removed (ρ²). */
    readonly varianceRemoved: number;
  };
  /** For the return rate: customers needed for 1, 2 and 5 points, with the covariate when given. */
  readonly needed: readonly SampleSize[];
}

/** Reasons an experiment cannot be analysed; a value, for the CLI and the report to show. */
export type ExperimentResult =
  | { readonly ok: true; readonly analysis: ExperimentAnalysis }
  | { readonly ok: false; readonly reason: string };

const mean = (values: readonly number[]) =>
  values.length === 0 ? 0 : values.reduce((sum, value) => sum + value, 0) / values.length;

/** Sample variance (n − 1). */
function variance(values: readonly number[]): number {
  if (values.length < 2) return 0;
  const centre = mean(values);
  return values.reduce((sum, value) => sum + (value - centre) ** 2, 0) / (values.length - 1);
}

function covariance(xs: readonly number[], ys: readonly number[]): number {
  if (xs.length < 2) return 0;
  const mx = mean(xs);
  const my = mean(ys);
  let sum = 0;
  for (let index = 0; index < xs.length; index += 1) sum += ((xs[index] ?? 0) - mx) * ((ys[index] ?? 0) - my);
  return sum / (xs.length - 1);
}

/** Welch's difference of means with a normal-quantile interval. */
function differenceOfMeans(treated: readonly number[], holdout: readonly number[]): Effect {
  const estimate = mean(treated) - mean(holdout);
  const standardError = Math.sqrt(variance(treated) / treated.length + variance(holdout) / holdout.length);
  return {
    estimate,
    low: estimate - Z95 * standardError,
    high: estimate + Z95 * standardError,
    standardError,
  };
}

function summarise(units: readonly ExperimentUnit[]): ArmSummary {
  const returned = units.filter((unit) => unit.returned).length;
  const revenue = units.reduce((sum, unit) => sum + unit.revenue, 0);
  return {
    customers: units.length,
    returned,
    returnRate: units.length === 0 ? 0 : returned / units.length,
    revenue,
    revenuePerCustomer: units.length === 0 ? 0 : revenue / units.length,
  };
}

/**
 * CUPED: each outcome minus θ·(covariate − its mean), θ the pooled regression slope. The covariate
 * was fixed before the emails, so the difference keeps its expectation and loses the variance the
 * covariate explains.
 */
function adjust(units: readonly ExperimentUnit[], outcome: (unit: ExperimentUnit) => number): number[] {
  const xs = units.map((unit) => unit.covariate ?? 0);
  const ys = units.map(outcome);
  const spread = variance(xs);
  const theta = spread === 0 ? 0 : covariance(xs, ys) / spread;
  const centre = mean(xs);
  return ys.map((y, index) => y - theta * ((xs[index] ?? 0) - centre));
}

/**
 * Customers needed in all for `effect` at 5% (two-sided) with 80% power, with `holdoutShare` of them
 * held out, for an outcome of variance `outcomeVariance` in each group.
 */
export function customersNeeded(effect: number, outcomeVariance: number, holdoutShare: number): number {
  const share = Math.min(Math.max(holdoutShare, 0.01), 0.99);
  const factor = (Z95 + Z80) ** 2 * outcomeVariance * (1 / share + 1 / (1 - share));
  return Math.ceil(factor / (effect * effect));
}

/** Analyses a hold-out experiment; needs at least two customers in each group. */
export function analyseExperiment(units: readonly ExperimentUnit[]): ExperimentResult {
  const treatedUnits = units.filter((unit) => unit.treated);
  const holdoutUnits = units.filter((unit) => !unit.treated);
  if (treatedUnits.length < 2 || holdoutUnits.length < 2)
    return {
      ok: false,
      reason: `an experiment needs at least 2 customers in each group: ${treatedUnits.length} treated, ${holdoutUnits.length} held out`,
    };
  const treated = summarise(treatedUnits);
  const holdout = summarise(holdoutUnits);
  const lift = newcombeDifference(
    { successes: treated.returned, trials: treated.customers },
    { successes: holdout.returned, trials: holdout.customers },
  );
  const rateWald = differenceOfMeans(
    treatedUnits.map((unit) => (unit.returned ? 1 : 0)),
    holdoutUnits.map((unit) => (unit.returned ? 1 : 0)),
  );
  const returnRate: Effect = { ...lift, standardError: rateWald.standardError };
  const revenue = differenceOfMeans(
    treatedUnits.map((unit) => unit.revenue),
    holdoutUnits.map((unit) => unit.revenue),
  );

  const withCovariate = units.every(
    (unit) => unit.covariate !== undefined && Number.isFinite(unit.covariate),
  );
  let adjusted: ExperimentAnalysis['adjusted'];
  if (withCovariate && variance(units.map((unit) => unit.covariate ?? 0)) > 0) {
    const rates = adjust(units, (unit) => (unit.returned ? 1 : 0));
    const revenues = adjust(units, (unit) => unit.revenue);
    const split = (values: readonly number[], treatedArm: boolean) =>
      values.filter((_, index) => units[index]?.treated === treatedArm);
    const adjustedRate = differenceOfMeans(split(rates, true), split(rates, false));
    const rawVariance = variance(units.map((unit) => (unit.returned ? 1 : 0)));
    adjusted = {
      returnRate: adjustedRate,
      revenue: differenceOfMeans(split(revenues, true), split(revenues, false)),
      varianceRemoved: rawVariance === 0 ? 0 : Math.max(0, 1 - variance(rates) / rawVariance),
    };
  }

  const pooledRate = (treated.returned + holdout.returned) / units.length;
  const rateVariance = pooledRate * (1 - pooledRate) * (1 - (adjusted?.varianceRemoved ?? 0));
  const holdoutShare = holdout.customers / units.length;
  const needed = [0.01, 0.02, 0.05].map((effect) => ({
    effect,
    customers: customersNeeded(effect, Math.max(rateVariance, 1e-9), holdoutShare),
  }));
  return {
    ok: true,
    analysis: {
      treated,
      holdout,
      returnRate,
      revenue,
      ...(adjusted === undefined ? {} : { adjusted }),
      needed,
    },
  };
}
