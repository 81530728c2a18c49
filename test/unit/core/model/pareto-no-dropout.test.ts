import { describe, expect, it } from 'vitest';
import { fitModel } from '../../../../functions/core/model/index.ts';
import { minimise } from '../../../../functions/core/model/optimise.ts';
import { paretoNbdObjective } from '../../../../functions/core/model/pareto-nbd.ts';
import { seededRandom } from '../../../../functions/core/model/simulate.ts';
import { logHyp2f1, logPowerTail } from '../../../../functions/core/model/special-functions.ts';
import { compressSummaries, type SummaryColumns } from '../../../../functions/core/model/summary-data.ts';
import { logIntegrate } from '../../../support/log-integrate.ts';

/**
 * Customers who never drop out, as bench/model.ts's transactions file makes them: purchases of random
 * customers on uniformly random days, summarised in weeks at day 273.
 */
function noDropout(customers: number): SummaryColumns {
  const random = seededRandom(7);
  const days: number[][] = Array.from({ length: customers }, () => []);
  for (let i = 0; i < (customers * 10) / 3; i += 1) {
    const customer = Math.floor(random() * customers);
    const day = Math.floor(random() * 545);
    if (day <= 272) days[customer]?.push(day);
  }
  const frequency: number[] = [];
  const recency: number[] = [];
  const T: number[] = [];
  for (const list of days) {
    if (list.length === 0) continue;
    const distinct = [...new Set(list)].sort((a, b) => a - b);
    const first = distinct[0] ?? 0;
    frequency.push(distinct.length - 1);
    recency.push(((distinct.at(-1) ?? first) - first) / 7);
    T.push((273 - first) / 7);
  }
  return {
    frequency: Float64Array.from(frequency),
    recency: Float64Array.from(recency),
    T: Float64Array.from(T),
  };
}

describe('logPowerTail', () => {
  const out = new Float64Array(4);

  it('agrees with the Gauss series of the A₀ end to 1e-12 where the series converges', () => {
    const random = seededRandom(11);
    for (let k = 0; k < 300; k += 1) {
      const [r, alpha, s, beta] = [0, 0, 0, 0].map(() => Math.exp(8 * random() - 4)) as [
        number,
        number,
        number,
        number,
      ];
      const x = Math.floor(30 * random());
      const y = 80 * random();
      const alphaFirst = alpha >= beta;
      const big = alphaFirst ? alpha : beta;
      const z = Math.abs(alpha - beta) / (big + y);
      const rsx = r + s + x;
      const series = logHyp2f1(rsx, alphaFirst ? s + 1 : r + x, rsx + 1, z) - rsx * Math.log(big + y);
      const tail =
        Math.log(rsx) +
        (alphaFirst
          ? logPowerTail(s + 1, r + x, beta + y, alpha + y, out)
          : logPowerTail(r + x, s + 1, alpha + y, beta + y, out));
      expect(Math.abs(tail - series)).toBeLessThan(1e-12 * Math.max(1, Math.abs(series)));
    }
  });

  it('stays accurate at the parameters a fit without dropout explores, with its gradient', () => {
    for (const [p, q, a, b] of [
      [6e6, 1 + 3.5e-10, 1.4e8, 8.7e8],
      [0.3, 3001, 240, 1.5e6],
      [0.2, 1.5, 1e-3, 1e3],
    ] as const) {
      // Adaptive quadrature of the same integral over u = log(1 + t/a), to where it has died away.
      const brute = logIntegrate(
        (u) => Math.log(a) + u - p * Math.log(a + a * Math.expm1(u)) - q * Math.log(b + a * Math.expm1(u)),
        0,
        60 / Math.min(1, p + q - 1),
      );
      const value = logPowerTail(p, q, a, b, out);
      expect(Math.abs(value - brute)).toBeLessThan(1e-12 * Math.max(1, Math.abs(brute)));
      const gradient = Array.from(out);
      const args = [p, q, a, b];
      for (let j = 0; j < 4; j += 1) {
        const step = 1e-4 * (args[j] ?? 0);
        const at = (delta: number) => {
          const moved = args.map((v, i) => (i === j ? v + delta : v));
          return logPowerTail(moved[0] ?? 0, moved[1] ?? 0, moved[2] ?? 0, moved[3] ?? 0, out);
        };
        const difference = (at(step) - at(-step)) / (2 * step);
        expect(Math.abs((gradient[j] ?? 0) - difference)).toBeLessThan(
          // Second-order error, and the rounding of a value of up to 1e8 over the step.
          1e-5 * Math.max(1e-3, Math.abs(difference)) + (1e-14 * Math.abs(value)) / step,
        );
      }
    }
  });
});

describe('Pareto/NBD on customers who never drop out', () => {
  const columns = noDropout(3000);

  it('runs to the boundary μ → 0 in a bounded number of evaluations and says so', () => {
    const objective = paretoNbdObjective(compressSummaries(columns), 0);
    const start = Float64Array.from([0, Math.log(20), 0, Math.log(20)]);
    const result = minimise(objective, start, { gradientTolerance: 1e-6 });
    expect(result.converged).toBe(true);
    expect(result.evaluations).toBeLessThan(200);
    const fit = fitModel('paretonbd', columns, {});
    if (fit.model !== 'paretonbd') throw new Error(`expected a Pareto/NBD fit, got ${fit.model}`);
    expect(fit.converged).toBe(true);
    expect(fit.iterations).toBeLessThan(100);
    expect(fit.params.s / fit.params.beta).toBeLessThan(1e-6);
    expect(fit.warnings.join(' ')).toMatch(/no dropout/);
  });

  it('fits the same likelihood as BG/NBD there, which also runs to its no-dropout boundary', () => {
    const pareto = fitModel('paretonbd', columns, { standardErrors: false });
    const bgnbd = fitModel('bgnbd', columns, { standardErrors: false });
    expect(Math.abs(pareto.logLikelihood - bgnbd.logLikelihood)).toBeLessThan(0.5);
  });
});
