import { describe, expect, it } from 'vitest';
import { gammaSample, seededRandom } from '../../../../functions/core/model/simulate.ts';
import {
  analyseExperiment,
  customersNeeded,
  type ExperimentUnit,
} from '../../../../functions/core/reporting/experiment.ts';

/**
 * A shop's experiment with a known true effect: each customer's predicted purchases (the covariate)
 * drives their chance to return; the emails add `effect` to it; revenue is a gamma-distributed basket.
 */
function simulate(seed: number, customers: number, effect: number, holdoutShare = 0.1): ExperimentUnit[] {
  const random = seededRandom(seed);
  return Array.from({ length: customers }, () => {
    const treated = random() >= holdoutShare;
    const predicted = gammaSample(random, 0.8, 2.5);
    const chance = Math.min(0.95, 0.02 + 0.6 * predicted + (treated ? effect : 0));
    const returned = random() < chance;
    return { treated, returned, revenue: returned ? gammaSample(random, 2, 0.05) : 0, covariate: predicted };
  });
}

describe('the lift against the hold-out', () => {
  it('covers the true effect at its nominal rate, raw and adjusted, and the adjusted interval is narrower', () => {
    const effect = 0.03;
    const runs = 1_000;
    let rawCovered = 0;
    let adjustedCovered = 0;
    let rawWidth = 0;
    let adjustedWidth = 0;
    for (let seed = 1; seed <= runs; seed += 1) {
      const result = analyseExperiment(simulate(seed, 2_000, effect, 0.5));
      if (!result.ok) throw new Error(result.reason);
      const { returnRate, adjusted } = result.analysis;
      if (adjusted === undefined) throw new Error('no adjusted estimate');
      if (returnRate.low <= effect && effect <= returnRate.high) rawCovered += 1;
      if (adjusted.returnRate.low <= effect && effect <= adjusted.returnRate.high) adjustedCovered += 1;
      rawWidth += returnRate.high - returnRate.low;
      adjustedWidth += adjusted.returnRate.high - adjusted.returnRate.low;
    }
    // 95% ± 2 points over 1,000 seeds (the binomial's own standard deviation is 0.7 points).
    expect(rawCovered / runs).toBeGreaterThan(0.93);
    expect(rawCovered / runs).toBeLessThan(0.97);
    expect(adjustedCovered / runs).toBeGreaterThan(0.93);
    expect(adjustedCovered / runs).toBeLessThan(0.97);
    expect(adjustedWidth).toBeLessThan(rawWidth * 0.9);
  });

  it('covers the true revenue effect too, adjusted or not', () => {
    const runs = 800;
    let covered = 0;
    let adjustedCovered = 0;
    // The true revenue lift: the return-rate effect times the mean basket (shape 2 / rate 0.05 = 40).
    const truth = 0.03 * 40;
    for (let seed = 1; seed <= runs; seed += 1) {
      const result = analyseExperiment(simulate(10_000 + seed, 2_000, 0.03, 0.5));
      if (!result.ok || result.analysis.adjusted === undefined) throw new Error('not analysed');
      const { revenue, adjusted } = result.analysis;
      if (revenue.low <= truth && truth <= revenue.high) covered += 1;
      if (adjusted.revenue.low <= truth && truth <= adjusted.revenue.high) adjustedCovered += 1;
    }
    expect(covered / runs).toBeGreaterThan(0.92);
    expect(covered / runs).toBeLessThan(0.975);
    expect(adjustedCovered / runs).toBeGreaterThan(0.92);
    expect(adjustedCovered / runs).toBeLessThan(0.975);
  });

  it('says how many customers an effect needs, fewer with the covariate', () => {
    const result = analyseExperiment(simulate(7, 1_000, 0.03));
    if (!result.ok) throw new Error(result.reason);
    const needed = result.analysis.needed;
    expect(needed.map((entry) => entry.effect)).toEqual([0.01, 0.02, 0.05]);
    // Halving the effect needs four times the customers.
    const [one, two] = needed;
    expect((one?.customers ?? 0) / (two?.customers ?? 1)).toBeCloseTo(4, 1);
    const withoutCovariate = analyseExperiment(
      simulate(7, 1_000, 0.03).map(({ covariate: _unused, ...unit }) => unit),
    );
    if (!withoutCovariate.ok) throw new Error(withoutCovariate.reason);
    expect(withoutCovariate.analysis.adjusted).toBeUndefined();
    expect(withoutCovariate.analysis.needed[0]?.customers ?? 0).toBeGreaterThan(one?.customers ?? 0);
  });

  it('matches the textbook sample size: 2 points on a 10% rate, half held out', () => {
    // (1.95996 + 0.84162)² · 0.1 · 0.9 · (1/0.5 + 1/0.5) / 0.02² = 7,064 customers in all.
    expect(customersNeeded(0.02, 0.09, 0.5)).toBe(7_064);
  });

  it('refuses an experiment without two customers in each group, saying how many there are', () => {
    expect(analyseExperiment([{ treated: true, returned: true, revenue: 5 }])).toEqual({
      ok: false,
      reason: 'an experiment needs at least 2 customers in each group: 1 treated, 0 held out',
    });
  });
});
