import * as z from 'zod';
import type { FittedModel, ScoringModel } from '../domain/scoring.ts';
import { fitModel } from '../model/choose-model.ts';
import type { FitResult } from '../model/fit.ts';
import { scoreCustomers } from '../model/scores.ts';

/**
 * A stored fit read back: only the fields scoring uses are checked, the rest are kept as they were.
 * Built on first use: most functions that bundle this never score.
 */
const StoredFitSchema = z.lazy(() => {
  const number = z.number();
  const common = {
    logLikelihood: number,
    customers: number,
    converged: z.boolean(),
    iterations: number,
    gradientNorm: number,
    seconds: number,
    uniqueRows: number,
    warnings: z.array(z.string()),
  };
  const betaGeometric = z.object({ r: number, alpha: number, a: number, b: number });
  const pareto = z.object({ r: number, alpha: number, s: number, beta: number });
  return z.discriminatedUnion('model', [
    z.looseObject({
      ...common,
      model: z.enum(['bgnbd', 'mbgnbd']),
      params: betaGeometric,
      standardErrors: betaGeometric.nullable(),
    }),
    z.looseObject({
      ...common,
      model: z.literal('paretonbd'),
      params: pareto,
      standardErrors: pareto.nullable(),
    }),
    z.looseObject({
      ...common,
      model: z.literal('rfm'),
      params: z.object({ rate: number }),
      standardErrors: z.null(),
    }),
  ]);
});

/** The stored fit is not one this code wrote (or the model code changed shape). */
export class StoredFitError extends Error {
  override readonly name = 'StoredFitError';
}

function readFit(fit: FittedModel): FitResult {
  const parsed = StoredFitSchema.safeParse(fit.parameters);
  if (!parsed.success)
    throw new StoredFitError(`stored ${fit.kind} fit is invalid: ${z.prettifyError(parsed.error)}`);
  // JSON drops `choice` only when it was absent; every field scoring reads was checked above.
  return parsed.data;
}

/**
 * The ScoringModel over functions/core/model: summaries in days, so the horizon is in days too. The
 * whole FitResult is stored as the parameters; the diagnostics are the fields an operator reads.
 */
export const scoringModel: ScoringModel = {
  fit(choice, summaries) {
    const result = fitModel(choice, summaries, { standardErrors: true });
    const { params, model, ...diagnostics } = result;
    return { kind: model, parameters: result, diagnostics: { ...diagnostics, params } };
  },
  score(fit, summaries, horizonDays) {
    return scoreCustomers(readFit(fit), summaries, horizonDays, 'days').map((score) => ({
      customerId: score.customerId,
      pAlive: score.pAlive,
      pReturn: score.pReturn,
      expectedPurchases: score.expectedPurchases,
      overdueRatio: score.overdueRatio,
      explanation: score.explanation,
    }));
  },
};
