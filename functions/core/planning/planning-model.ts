import type { ScoringModel } from '../domain/scoring.ts';
import { fitModel } from '../model/choose-model.ts';
import { scoringModel } from '../segments/model-adapter.ts';

/**
 * The segmenter's model for a plan: the same fit and the same scores, without the standard errors
 * the daily run stores for people to read (they cost most of a fit, and no score uses them; the
 * `auto` choice is by likelihood, so it chooses the same model).
 */
export const planningModel: ScoringModel = {
  fit(choice, summaries) {
    const result = fitModel(choice, summaries, { standardErrors: false });
    const { params, model, ...diagnostics } = result;
    return { kind: model, parameters: result, diagnostics: { ...diagnostics, params } };
  },
  score: (fit, summaries, horizonDays) => scoringModel.score(fit, summaries, horizonDays),
};
