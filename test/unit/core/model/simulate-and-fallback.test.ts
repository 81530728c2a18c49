import { describe, expect, it } from 'vitest';
import { fitModel, scoreCustomers, simulateBgNbd } from '../../../../functions/core/model/index.ts';

describe('simulateBgNbd', () => {
  it('is reproducible from its seed', () => {
    const one = simulateBgNbd({ customers: 1000, seed: 7 });
    const two = simulateBgNbd({ customers: 1000, seed: 7 });
    const other = simulateBgNbd({ customers: 1000, seed: 8 });
    expect(Array.from(one.frequency)).toEqual(Array.from(two.frequency));
    expect(Array.from(one.frequency)).not.toEqual(Array.from(other.frequency));
  });

  it('produces data from which BG/NBD recovers its parameters', () => {
    const params = { r: 0.5, alpha: 5, a: 0.8, b: 2.5 };
    const data = simulateBgNbd({
      customers: 50_000,
      seed: 3,
      params,
      T: { min: 26, max: 52 },
      resolution: 0,
    });
    const fit = fitModel('bgnbd', data);
    if (fit.model !== 'bgnbd') throw new Error(`expected BG/NBD, got ${fit.model}`);
    expect(fit.params.r).toBeCloseTo(params.r, 1);
    expect(fit.params.alpha / params.alpha).toBeGreaterThan(0.85);
    expect(fit.params.alpha / params.alpha).toBeLessThan(1.15);
    expect(fit.params.a / params.a).toBeGreaterThan(0.75);
    expect(fit.params.a / params.a).toBeLessThan(1.25);
    expect(fit.params.b / params.b).toBeGreaterThan(0.7);
    expect(fit.params.b / params.b).toBeLessThan(1.3);
  });
});

describe('thin data', () => {
  it('falls back to the RFM score with a warning instead of crashing', () => {
    const customers = [
      { customerId: 'a', frequency: 0, recency: 0, T: 10 },
      { customerId: 'b', frequency: 2, recency: 8, T: 10 },
      { customerId: 'c', frequency: 1, recency: 1, T: 30 },
    ];
    for (const kind of ['bgnbd', 'mbgnbd', 'paretonbd', 'auto'] as const) {
      const fit = fitModel(kind, customers);
      expect(fit.model).toBe('rfm');
      expect(fit.warnings.join(' ')).toMatch(/RFM/);
    }
    const scores = scoreCustomers(fitModel('auto', customers), customers, 10);
    // the recent repeat buyer ranks above the long-silent one
    expect(scores[1]?.pReturn ?? 0).toBeGreaterThan(scores[2]?.pReturn ?? 1);
    expect(scores[1]?.explanation).toMatch(/usually buys every/);
  });

  it('handles no customers at all', () => {
    const fit = fitModel('auto', []);
    expect(fit.model).toBe('rfm');
    expect(scoreCustomers(fit, [], 10)).toEqual([]);
  });
});
