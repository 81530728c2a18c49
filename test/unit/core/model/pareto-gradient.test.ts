import { describe, expect, it } from 'vitest';
import { fitParetoNbd } from '../../../../functions/core/model/fit.ts';
import { compressSummaries, simulateBgNbd } from '../../../../functions/core/model/index.ts';
import { invert, numericGradient } from '../../../../functions/core/model/optimise.ts';
import { paretoNbdObjective } from '../../../../functions/core/model/pareto-nbd.ts';
import { logHyp2f1, logHyp2f1Shifted } from '../../../../functions/core/model/special-functions.ts';
import { unmergedSummaries } from '../../../../functions/core/model/summary-data.ts';

const data = simulateBgNbd({ customers: 40_000, seed: 5, T: { min: 27, max: 39 }, resolution: 0 });
const merged = compressSummaries(data);
const objective = paretoNbdObjective(merged, 0);
const value = (theta: Float64Array) => objective(theta, undefined);

describe('logHyp2f1Shifted', () => {
  it('is log ₂F₁(a, b; a+1; z) with derivatives that match central differences', () => {
    const out = new Float64Array(3);
    for (const [a, b, z] of [
      [1.5, 2.06, 0.3],
      [8.2, 0.7, 0.9],
      [0.6, 30, 0.05],
    ] as const) {
      const at = logHyp2f1Shifted(a, b, z, out);
      expect(at).toBeCloseTo(logHyp2f1(a, b, a + 1, z), 13);
      const h = 1e-6;
      const scratch = new Float64Array(3);
      const byA = (logHyp2f1Shifted(a + h, b, z, scratch) - logHyp2f1Shifted(a - h, b, z, scratch)) / (2 * h);
      const byB = (logHyp2f1Shifted(a, b + h, z, scratch) - logHyp2f1Shifted(a, b - h, z, scratch)) / (2 * h);
      const byZ = (logHyp2f1Shifted(a, b, z + h, scratch) - logHyp2f1Shifted(a, b, z - h, scratch)) / (2 * h);
      expect(out[0]).toBeCloseTo(byA, 7);
      expect(out[1]).toBeCloseTo(byB, 7);
      expect(out[2]).toBeCloseTo(byZ, 7);
    }
  });
});

describe('Pareto/NBD analytic gradient', () => {
  it('matches central differences of the likelihood on both sides of α = β', () => {
    for (const p of [
      [0.49, 9.7, 1.06, 30.5],
      [0.5, 30, 1.06, 9.7],
      [1, 12, 1, 12],
      [0.3, 5, 2, 5.0001],
    ]) {
      const theta = Float64Array.from(p, Math.log);
      const analytic = new Float64Array(4);
      const numeric = new Float64Array(4);
      objective(theta, analytic);
      numericGradient(value, theta, numeric);
      analytic.forEach((g, i) => {
        expect(Math.abs(g - (numeric[i] ?? 0)), `${p.join(', ')} entry ${i}`).toBeLessThan(1e-7);
      });
    }
  });

  it('gives standard errors that agree with second differences of the likelihood itself', () => {
    const fit = fitParetoNbd(data);
    if (fit.model !== 'paretonbd' || fit.standardErrors === null)
      throw new Error('expected Pareto/NBD with errors');
    const p = [fit.params.r, fit.params.alpha, fit.params.s, fit.params.beta];
    const theta = Float64Array.from(p, Math.log);
    // Hessian from values alone (no gradient), step 1e-3 in log-parameters.
    const h = 1e-3;
    const hessian = new Float64Array(16);
    const probe = new Float64Array(4);
    const at = (i: number, di: number, j: number, dj: number) => {
      probe.set(theta);
      probe[i] = (probe[i] ?? 0) + di;
      probe[j] = (probe[j] ?? 0) + dj;
      return value(probe);
    };
    for (let i = 0; i < 4; i += 1) {
      for (let j = i; j < 4; j += 1) {
        const second = (at(i, h, j, h) - at(i, h, j, -h) - at(i, -h, j, h) + at(i, -h, j, -h)) / (4 * h * h);
        hessian[i * 4 + j] = second * merged.totalWeight;
        hessian[j * 4 + i] = second * merged.totalWeight;
      }
    }
    const covariance = invert(hessian, 4);
    if (covariance === undefined) throw new Error('singular Hessian');
    const expected = p.map((pi, i) => pi * Math.sqrt(covariance[i * 5] ?? Number.NaN));
    const actual = Object.values(fit.standardErrors);
    actual.forEach((se, i) => {
      expect(Math.abs(se - (expected[i] ?? 0)) / (expected[i] ?? 1), `entry ${i}`).toBeLessThan(2e-3);
    });
  });
});

describe('unmerged rows', () => {
  it('give the Pareto/NBD likelihood and gradient of the merged ones', () => {
    const days = simulateBgNbd({ customers: 5_000, seed: 9, T: { min: 27, max: 39 } });
    const mergedDays = compressSummaries(days);
    const unmerged = unmergedSummaries(days);
    expect(mergedDays.size).toBeLessThan(unmerged.size);
    const theta = Float64Array.from([0.5, 10, 1, 30], Math.log);
    const byMerged = new Float64Array(4);
    const byRows = new Float64Array(4);
    const value = paretoNbdObjective(mergedDays, 0)(theta, byMerged);
    expect(paretoNbdObjective(unmerged, 0)(theta, byRows)).toBeCloseTo(value, 12);
    byRows.forEach((g, i) => {
      expect(g).toBeCloseTo(byMerged[i] ?? Number.NaN, 12);
    });
  });
});
