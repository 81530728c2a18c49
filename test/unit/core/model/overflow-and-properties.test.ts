import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { betaGeometricObjective } from '../../../../functions/core/model/bgnbd.ts';
import {
  compressSummaries,
  type FitResult,
  scoreColumns,
  scoreCustomers,
} from '../../../../functions/core/model/index.ts';
import { paretoNbdLogLikelihood, paretoNbdObjective } from '../../../../functions/core/model/pareto-nbd.ts';

const common = {
  logLikelihood: 0,
  customers: 1,
  converged: true,
  iterations: 0,
  gradientNorm: 0,
  seconds: 0,
  uniqueRows: 1,
  warnings: [],
} as const;
const bg: FitResult = {
  ...common,
  model: 'bgnbd',
  params: { r: 0.243, alpha: 4.414, a: 0.793, b: 2.426 },
  standardErrors: null,
};
const mbg: FitResult = {
  ...common,
  model: 'mbgnbd',
  params: { r: 0.525, alpha: 6.183, a: 0.891, b: 1.614 },
  standardErrors: null,
};
const pnbd: FitResult = {
  ...common,
  model: 'paretonbd',
  params: { r: 0.553, alpha: 10.58, s: 0.606, beta: 11.67 },
  standardErrors: null,
};
const rfm: FitResult = { ...common, model: 'rfm', params: { rate: 0.05 }, standardErrors: null };
const fits = [bg, mbg, pnbd, rfm];

function columns(x: number[], tx: number[], T: number[]) {
  return { frequency: Float64Array.from(x), recency: Float64Array.from(tx), T: Float64Array.from(T) };
}

describe('overflow cases of Hardie’s notes: heavy buyers', () => {
  const heavy = columns([200, 500, 1000, 200], [38, 38.5, 38.9, 1], [39, 39, 39, 39]);

  it('keeps the log-likelihood and its gradient finite for x = 200, 500, 1000', () => {
    const data = compressSummaries(heavy);
    const theta = Float64Array.from([Math.log(0.243), Math.log(4.414), Math.log(0.793), Math.log(2.426)]);
    for (const modified of [false, true]) {
      const gradient = new Float64Array(4);
      const value = betaGeometricObjective(data, modified, 0)(theta, gradient);
      expect(Number.isFinite(value)).toBe(true);
      expect(Array.from(gradient).every(Number.isFinite)).toBe(true);
    }
    const pareto = paretoNbdObjective(data, 0)(
      Float64Array.from([Math.log(0.553), Math.log(10.58), Math.log(0.606), Math.log(11.67)]),
      new Float64Array(4),
    );
    expect(Number.isFinite(pareto)).toBe(true);
    for (const [alpha, beta] of [
      [10.58, 11.67],
      [11.67, 10.58],
    ] as const) {
      expect(Number.isFinite(paretoNbdLogLikelihood({ r: 0.553, alpha, s: 0.606, beta }, 1000, 1, 39))).toBe(
        true,
      );
    }
  });

  it('scores heavy buyers with finite numbers: alive when recent, dead when long silent', () => {
    for (const fit of fits.slice(0, 3)) {
      const scores = scoreColumns(fit, heavy, 39);
      for (const value of [...scores.pAlive, ...scores.expectedPurchases, ...scores.pReturn])
        expect(Number.isFinite(value)).toBe(true);
      expect(scores.pAlive[0]).toBeGreaterThan(0.5);
      // 200 purchases in week 1, then 38 weeks of silence
      expect(scores.pAlive[3]).toBeLessThan(1e-6);
    }
  });
});

describe('scores are finite and in range for every input', () => {
  const customer = fc
    .record({
      x: fc.integer({ min: 0, max: 2000 }),
      T: fc.double({ min: 0, max: 5000, noNaN: true }),
      share: fc.double({ min: 0, max: 1, noNaN: true }),
    })
    .map(({ x, T, share }) => ({ customerId: 'c', frequency: x, recency: x === 0 ? 0 : T * share, T }));

  it('P(alive), P(return) in [0, 1] and expected purchases ≥ 0, never NaN or Infinity', () => {
    fc.assert(
      fc.property(
        fc.array(customer, { minLength: 1, maxLength: 20 }),
        fc.double({ min: 0, max: 1000, noNaN: true }),
        fc.constantFrom(...fits),
        (customers, horizon, fit) => {
          for (const score of scoreCustomers(fit, customers, horizon)) {
            for (const value of [score.pAlive, score.pReturn]) {
              expect(value).toBeGreaterThanOrEqual(0);
              expect(value).toBeLessThanOrEqual(1);
            }
            expect(Number.isFinite(score.expectedPurchases)).toBe(true);
            expect(score.expectedPurchases).toBeGreaterThanOrEqual(0);
            expect(Number.isFinite(score.overdueRatio)).toBe(true);
            expect(score.explanation).not.toMatch(/NaN|Infinity/);
          }
        },
      ),
      { numRuns: 200 },
    );
  });

  it('the log-likelihood is finite for any parameters the optimiser may try', () => {
    fc.assert(
      fc.property(
        fc.array(fc.double({ min: -8, max: 8, noNaN: true }), { minLength: 4, maxLength: 4 }),
        fc.array(customer, { minLength: 1, maxLength: 10 }),
        (theta, customers) => {
          const data = compressSummaries(
            columns(
              customers.map((c) => c.frequency),
              customers.map((c) => c.recency),
              customers.map((c) => c.T),
            ),
          );
          const point = Float64Array.from(theta);
          for (const modified of [false, true])
            expect(
              Number.isFinite(betaGeometricObjective(data, modified, 0)(point, new Float64Array(4))),
            ).toBe(true);
          expect(Number.isFinite(paretoNbdObjective(data, 0)(point, undefined))).toBe(true);
        },
      ),
      { numRuns: 100 },
    );
  });
});

describe('expected purchases near a = 1 (the 0/0 of the BG/NBD formula)', () => {
  it('is continuous across a = 1', () => {
    const at = (a: number): number => {
      const fit: FitResult = { ...bg, model: 'bgnbd', params: { r: 0.243, alpha: 4.414, a, b: 2.426 } };
      return scoreColumns(fit, columns([2], [30.43], [38.86]), 39).expectedPurchases[0] ?? Number.NaN;
    };
    expect(at(1)).toBeCloseTo((at(0.999) + at(1.001)) / 2, 4);
    expect(at(1 + 1e-9)).toBeCloseTo(at(1), 6);
  });
});
