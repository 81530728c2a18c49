import {
  asColumns,
  type FitOptions,
  type FitResult,
  fitBetaGeometricRows,
  fitParetoNbd,
  type ModelKind,
  mergedRowsIfItPays,
} from './fit.ts';
import type { CustomerSummary, SummaryColumns } from './summary-data.ts';

/** A fit of one of the parametric models (not the RFM fallback). */
export type ParametricFit = Exclude<FitResult, { model: 'rfm' }>;

function isParametric(fit: FitResult): fit is ParametricFit {
  return fit.model !== 'rfm';
}

/** Every parametric model, in the order `auto` reports them. */
export const MODEL_KINDS: readonly ModelKind[] = ['bgnbd', 'mbgnbd', 'paretonbd'];

/** Above this many customers `auto` compares the models on a sample of AUTO_SAMPLE_ROWS. */
const AUTO_SAMPLE_ABOVE = 250_000;
const AUTO_SAMPLE_ROWS = 100_000;

/** Every k-th customer: a sample spread over the whole input, whatever its order. */
function strideColumns(columns: SummaryColumns, size: number): SummaryColumns {
  const stride = columns.T.length / size;
  const pick = (column: Float64Array) => {
    const out = new Float64Array(size);
    for (let k = 0; k < size; k += 1) out[k] = column[Math.floor(k * stride)] ?? 0;
    return out;
  };
  return {
    frequency: pick(columns.frequency),
    recency: pick(columns.recency),
    T: pick(columns.T),
    ...(columns.weight === undefined ? {} : { weight: pick(columns.weight) }),
  };
}

/**
 * Fits `kind`, or with `auto` fits the three models and keeps the best (see {@link chooseModel}).
 * Above 250,000 customers `auto` compares the three on a 100,000-customer sample and fits only the
 * chosen one on everyone (the reason says so). BG/NBD and MBG/NBD read every row as it is; for
 * Pareto/NBD identical (x, t_x, T) rows are merged with weights first. `seconds` includes that.
 */
export function fitModel(
  kind: ModelKind | 'auto',
  summaries: readonly CustomerSummary[] | SummaryColumns,
  options: FitOptions = {},
): FitResult {
  const startedAt = performance.now();
  const columns = asColumns(summaries);
  const fitOne = (model: ModelKind, started?: number): FitResult =>
    model === 'paretonbd'
      ? fitParetoNbd(columns, options, started)
      : fitBetaGeometricRows(model, mergedRowsIfItPays(columns), options, started);
  if (kind !== 'auto') return fitOne(kind, startedAt);
  const n = columns.T.length;
  if (n > AUTO_SAMPLE_ABOVE) {
    const sample = fitModel('auto', strideColumns(columns, AUTO_SAMPLE_ROWS), options);
    if (sample.model !== 'rfm' && sample.choice !== undefined) {
      const full = fitOne(sample.model);
      const reason = `${sample.choice.reason}; compared on a sample of ${AUTO_SAMPLE_ROWS.toLocaleString('en')} of the ${n.toLocaleString('en')} customers, then fitted on all of them`;
      return {
        ...full,
        choice: { ...sample.choice, reason },
        seconds: (performance.now() - startedAt) / 1000,
      };
    }
  }
  const fits = MODEL_KINDS.map((model) => fitOne(model));
  const chosen = chooseModel(fits, oneTimeShare(summaries));
  return { ...chosen, seconds: (performance.now() - startedAt) / 1000 };
}

function oneTimeShare(summaries: readonly CustomerSummary[] | SummaryColumns): number {
  const columns = asColumns(summaries);
  const n = columns.frequency.length;
  let once = 0;
  for (let i = 0; i < n; i += 1) if ((columns.frequency[i] ?? 0) === 0) once += 1;
  return n === 0 ? 0 : once / n;
}

/**
 * Picks among fits of the same data. With holdout errors (one per fit, lower is better) the lowest error
 * wins; otherwise the highest log-likelihood (all three models have four parameters, so this is also the
 * AIC/BIC choice). BG/NBD says P(alive) = 1 for every customer without a repeat purchase, so when such
 * customers exist it is passed over for the best of MBG/NBD and Pareto/NBD, which can rank them.
 * When no model could be fitted the RFM fallback of the first fit is returned.
 */
export function chooseModel(
  fits: readonly FitResult[],
  oneTimeBuyerShare: number,
  holdoutErrors?: readonly number[],
): FitResult {
  const parametric: { fit: ParametricFit; error: number | undefined }[] = [];
  fits.forEach((fit, index) => {
    if (isParametric(fit)) parametric.push({ fit, error: holdoutErrors?.[index] });
  });
  const first = fits[0];
  if (first === undefined) throw new RangeError('chooseModel needs at least one fit');
  if (parametric.length === 0) return first;
  const byHoldout = holdoutErrors !== undefined && parametric.every((entry) => entry.error !== undefined);
  const score = (entry: { fit: ParametricFit; error: number | undefined }) =>
    byHoldout ? -(entry.error ?? 0) : entry.fit.logLikelihood;
  const ranked = [...parametric].sort((left, right) => score(right) - score(left));
  const best = ranked[0];
  if (best === undefined) return first;
  let winner = best;
  const percent = (oneTimeBuyerShare * 100).toFixed(0);
  const metric = (entry: { fit: ParametricFit; error: number | undefined }) =>
    byHoldout
      ? `holdout error ${(entry.error ?? 0).toFixed(4)}`
      : `log-likelihood ${entry.fit.logLikelihood.toFixed(1)}`;
  let reason = `${best.fit.model} has the best ${metric(best)}`;
  if (best.fit.model === 'bgnbd' && oneTimeBuyerShare > 0) {
    const alternative = ranked.find((entry) => entry.fit.model !== 'bgnbd');
    if (alternative !== undefined) {
      winner = alternative;
      reason =
        `bgnbd has the best ${metric(best)}, but it gives P(alive) = 1 to all one-time buyers (${percent}% of ` +
        `customers), so it cannot rank them; ${alternative.fit.model} is next best (${metric(alternative)})`;
    }
  }
  const others = ranked
    .filter((entry) => entry !== winner)
    .map((entry) => `${entry.fit.model}: ${metric(entry)}`)
    .join('; ');
  if (others !== '' && winner === best) reason += ` (${others})`;
  const candidates = parametric.map((entry) => ({
    model: entry.fit.model,
    logLikelihood: entry.fit.logLikelihood,
    ...(entry.error === undefined ? {} : { holdoutError: entry.error }),
  }));
  const chosenModel = winner.fit.model;
  return {
    ...winner.fit,
    warnings: fits.flatMap((fit) => fit.warnings),
    choice: { chosen: chosenModel, by: byHoldout ? 'holdout' : 'likelihood', reason, candidates },
  };
}
