import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { fitModel } from '../../../../functions/core/model/index.ts';
import { paretoNbdLogLikelihood, paretoNbdPAlive } from '../../../../functions/core/model/pareto-nbd.ts';
import { hyp2f1SeriesTerms } from '../../../../functions/core/model/special-functions.ts';
import { logIntegrate } from '../../../support/log-integrate.ts';

describe('logIntegrate', () => {
  it('integrates smooth functions to 1e-12', () => {
    expect(logIntegrate((t) => 2 * Math.log(t), 0, 5)).toBeCloseTo(Math.log(125 / 3), 12);
    expect(logIntegrate((t) => -t, 0, 3)).toBeCloseTo(Math.log(-Math.expm1(-3)), 12);
  });

  it('follows a boundary layer thousands of times narrower than the interval without overflow', () => {
    // ∫₀¹⁰⁰ e^(−5000 t + 3000) dt: the log-integrand spans 500,000.
    const exact = 3000 + Math.log(-Math.expm1(-500_000) / 5000);
    expect(logIntegrate((t) => 3000 - 5000 * t, 0, 100)).toBeCloseTo(exact, 10);
  });

  it('is -Infinity for an empty interval', () => {
    expect(logIntegrate((t) => t, 2, 2)).toBe(Number.NEGATIVE_INFINITY);
  });
});

describe('Pareto/NBD where the Gauss series would need millions of terms', () => {
  // Near-no-dropout data push the fit to s and β in the thousands and millions, where z = |α−β|/(β+y) → 1.
  const p = { r: 3.6, alpha: 240, s: 3000, beta: 1.5e6 };

  it('stays finite and agrees with a brute-force integral of the dropout term', () => {
    expect(hyp2f1SeriesTerms(p.r + 3, (p.beta - p.alpha) / (p.beta + 100))).toBeGreaterThan(1e5);
    const ll = paretoNbdLogLikelihood(p, 3, 100, 400);
    expect(Number.isFinite(ll)).toBe(true);
    // Midpoint rule on 200,000 panels of (α+τ)^−(r+x)(β+τ)^−(s+1), relative to its value at t_x.
    const m = p.r + 3;
    const n = p.s + 1;
    const panels = 200_000;
    const width = 300 / panels;
    let sum = 0;
    for (let k = 0; k < panels; k += 1) {
      const tau = 100 + (k + 0.5) * width;
      sum += Math.exp(
        -m * Math.log1p((tau - 100) / (p.alpha + 100)) - n * Math.log1p((tau - 100) / (p.beta + 100)),
      );
    }
    const logDead =
      Math.log(p.s) - m * Math.log(p.alpha + 100) - n * Math.log(p.beta + 100) + Math.log(sum * width);
    const logAlive = -m * Math.log(p.alpha + 400) - p.s * Math.log(p.beta + 400);
    const pAlive = 1 / (1 + Math.exp(logDead - logAlive));
    expect(paretoNbdPAlive(p, 3, 100, 400)).toBeCloseTo(pAlive, 9);
  });

  it('is continuous where it switches from the series to quadrature', () => {
    // x = 2, t_x = 10, r = α = s = 1: the series estimate (3z + 39)/(1 − z) reaches its budget of 4,000 at
    // z = 3961/4003, that is β = (1 + 10z)/(1 − z) ≈ 1037.
    const z = 3961 / 4003;
    const switchAt = (1 + 10 * z) / (1 - z);
    const at = (beta: number): number => paretoNbdLogLikelihood({ r: 1, alpha: 1, s: 1, beta }, 2, 10, 40);
    expect(hyp2f1SeriesTerms(3, (switchAt - 1e-9 - 1) / (switchAt - 1e-9 + 10))).toBeLessThan(4000);
    expect(hyp2f1SeriesTerms(3, (switchAt + 1e-9 - 1) / (switchAt + 1e-9 + 10))).toBeGreaterThan(4000);
    expect(at(switchAt + 1e-9)).toBeCloseTo(at(switchAt - 1e-9), 12);
  });

  it('fits 400 customers with almost no dropout, reporting the drift rather than hanging', () => {
    const rows = JSON.parse(readFileSync('test/fixtures/model/pareto-near-no-dropout.json', 'utf8'));
    const fit = fitModel('paretonbd', rows, {});
    expect(Number.isFinite(fit.logLikelihood)).toBe(true);
    expect(fit.logLikelihood).toBeGreaterThan(-8313);
    expect(fit.iterations).toBeLessThan(200);
  });
});
