import { describe, expect, it } from 'vitest';
import { xLevelsOf } from '../../../../functions/core/model/bgnbd-columns.ts';
import { fitBetaGeometricRows, fitCompressed, rowsOf } from '../../../../functions/core/model/fit.ts';
import {
  compressSummaries,
  type FitResult,
  fitModel,
  simulateBgNbd,
} from '../../../../functions/core/model/index.ts';
import { RowPool, RowPoolError } from '../../../../functions/core/model/row-pool.ts';

function paramsOf(fit: FitResult): number[] {
  if (fit.model === 'rfm') throw new Error(`expected a parametric fit, got rfm: ${fit.warnings.join('; ')}`);
  return Object.values(fit.params);
}

function errorsOf(fit: FitResult): number[] {
  if (fit.standardErrors === null) throw new Error('expected standard errors');
  return Object.values(fit.standardErrors);
}

function expectRelativelyClose(
  actual: readonly number[],
  expected: readonly number[],
  tolerance: number,
): void {
  expect(actual).toHaveLength(expected.length);
  actual.forEach((value, i) => {
    const reference = expected[i] ?? Number.NaN;
    expect(
      Math.abs(value - reference) / Math.abs(reference),
      `entry ${i}: ${value} vs ${reference}`,
    ).toBeLessThan(tolerance);
  });
}

// Continuous times: every row distinct, as in data whose times are not rounded.
const distinct = simulateBgNbd({ customers: 210_000, seed: 11, T: { min: 27, max: 39 }, resolution: 0 });

describe('BG/NBD on rows across worker threads', () => {
  for (const kind of ['bgnbd', 'mbgnbd'] as const) {
    it(`${kind}: the fit on three threads equals the single-threaded one within the optimiser's tolerance`, () => {
      const single = fitBetaGeometricRows(kind, rowsOf(distinct), { threads: 1 });
      const parallel = fitBetaGeometricRows(kind, rowsOf(distinct), { threads: 3 });
      expect(single.converged && parallel.converged).toBe(true);
      expectRelativelyClose(paramsOf(parallel), paramsOf(single), 1e-6);
      expectRelativelyClose(errorsOf(parallel), errorsOf(single), 1e-5);
      expect(Math.abs(parallel.logLikelihood - single.logLikelihood)).toBeLessThan(
        1e-6 * -single.logLikelihood,
      );
    });
  }

  it('gives the MLE and standard errors of the merged-row fit (numerical Hessian)', () => {
    const data = simulateBgNbd({ customers: 30_000, seed: 12, T: { min: 27, max: 39 } });
    for (const kind of ['bgnbd', 'mbgnbd'] as const) {
      const rows = fitBetaGeometricRows(kind, rowsOf(data), { threads: 2 });
      const merged = fitCompressed(kind, compressSummaries(data));
      expectRelativelyClose(paramsOf(rows), paramsOf(merged), 1e-5);
      expectRelativelyClose(errorsOf(rows), errorsOf(merged), 1e-3);
      expect(rows.uniqueRows).toBe(30_000);
    }
  });
});

describe('RowPool', () => {
  const n = 5_000;
  const levels = xLevelsOf(distinct.frequency.subarray(0, n), null);
  const rows = {
    x: distinct.frequency.subarray(0, n),
    tx: distinct.recency.subarray(0, n),
    T: distinct.T.subarray(0, n),
    w: null,
    xi: levels.index,
  };
  const evaluate = (threads: number): Float64Array => {
    const pool = new RowPool(rows, 2 * levels.values.length, threads);
    try {
      const L = levels.values.length;
      levels.values.forEach((x, k) => {
        pool.tables[k] = Math.log(2.4 + x - 1);
        pool.tables[L + k] = 1 / (2.4 + x - 1);
      });
      pool.params.set([0.25, 4.4, 0.8, 2.4, Math.log(0.8), 0, 2, L]);
      return pool.run(0);
    } finally {
      pool.close();
    }
  };

  it('sums the same value, gradient and Hessian over its threads as over one', () => {
    const one = evaluate(1);
    const four = evaluate(4);
    expect(one.every(Number.isFinite)).toBe(true);
    expectRelativelyClose(Array.from(four), Array.from(one), 1e-10);
  });

  it('refuses work once closed', () => {
    const pool = new RowPool(rows, 2 * levels.values.length, 2);
    pool.close();
    pool.close();
    expect(() => pool.run(0)).toThrow(RowPoolError);
  });
});

describe('auto on a large base', () => {
  it('compares the models on a 100k sample, says so, and fits the chosen one on everyone', () => {
    // Whole weeks: few distinct rows, so the Pareto/NBD candidates stay quick.
    const data = simulateBgNbd({ customers: 260_000, seed: 13, T: { min: 27, max: 39 }, resolution: 1 });
    const auto = fitModel('auto', data);
    expect(auto.choice?.reason).toMatch(/compared on a sample of 100,000 of the 260,000 customers/);
    expect(auto.customers).toBe(260_000);
    const chosen = auto.choice?.chosen;
    if (chosen === undefined) throw new Error('expected a choice');
    const direct = fitModel(chosen, data);
    expectRelativelyClose(paramsOf(auto), paramsOf(direct), 1e-9);
  });
});
