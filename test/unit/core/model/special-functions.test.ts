import { describe, expect, it } from 'vitest';
import {
  digamma,
  gaussLegendre01,
  lgamma,
  logAddExp,
  logHyp2f1,
  logSubExp,
} from '../../../../functions/core/model/special-functions.ts';

describe('lgamma and digamma', () => {
  it('match known values', () => {
    expect(lgamma(1)).toBeCloseTo(0, 14);
    expect(lgamma(0.5)).toBeCloseTo(Math.log(Math.sqrt(Math.PI)), 13);
    expect(lgamma(10)).toBeCloseTo(Math.log(362880), 12);
    expect(lgamma(1000)).toBeCloseTo(5905.220423209181, 8);
    expect(digamma(1)).toBeCloseTo(-0.5772156649015329, 13);
    expect(digamma(0.5)).toBeCloseTo(-1.9635100260214235, 12);
    expect(digamma(100)).toBeCloseTo(4.600161852738087, 12);
  });
});

describe('log-space sums', () => {
  it('add and subtract without overflow', () => {
    expect(logAddExp(1000, 1000)).toBeCloseTo(1000 + Math.LN2, 12);
    expect(logAddExp(Number.NEGATIVE_INFINITY, 3)).toBe(3);
    expect(logSubExp(1000, 1000 - Math.LN2)).toBeCloseTo(1000 - Math.LN2, 12);
    expect(logSubExp(2, 2)).toBe(Number.NEGATIVE_INFINITY);
  });
});

describe('logHyp2f1', () => {
  it('agrees with closed forms', () => {
    const z = 0.7;
    expect(logHyp2f1(1, 1, 2, z)).toBeCloseTo(Math.log(-Math.log(1 - z) / z), 12);
    expect(logHyp2f1(2.5, 3, 3, z)).toBeCloseTo(-2.5 * Math.log(1 - z), 11);
    expect(logHyp2f1(0.5, 1, 1.5, 0.25)).toBeCloseTo(Math.log(Math.atanh(0.5) / 0.5), 12);
  });

  it('stays finite for parameters in the hundreds (x = 500)', () => {
    const value = logHyp2f1(501, 500, 502, 0.9);
    expect(Number.isFinite(value)).toBe(true);
    // 2F1(a, b; b; z) = (1 − z)^−a even when the sum itself would overflow a double
    expect(logHyp2f1(800, 700, 700, 0.9)).toBeCloseTo(-800 * Math.log(0.1), 8);
  });
});

describe('gaussLegendre01', () => {
  it('integrates polynomials up to degree 2n − 1 exactly', () => {
    const { nodes, weights } = gaussLegendre01(8);
    let sum = 0;
    nodes.forEach((node, i) => {
      sum += (weights[i] ?? 0) * node ** 15;
    });
    expect(sum).toBeCloseTo(1 / 16, 14);
  });
});
