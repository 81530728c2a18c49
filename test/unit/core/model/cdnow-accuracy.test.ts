import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import {
  type CustomerSummary,
  fitModel,
  parseSummaryCsv,
  parseTransactionsCsv,
  scoreCustomers,
  summariseTransactions,
} from '../../../../functions/core/model/index.ts';

const DATA = '/work/shared/data/cdnow';
const summary = parseSummaryCsv(readFileSync(`${DATA}/cdnow_summary.csv`, 'utf8'), 'cdnow_summary.csv');
const transactions = parseTransactionsCsv(
  readFileSync(`${DATA}/cdnow_sample_transactions.csv`, 'utf8'),
  'cdnow_sample_transactions.csv',
);
const fromTransactions = summariseTransactions(transactions.transactions, {
  calibrationEnd: '1997-09-30',
  unit: 'weeks',
});

/** Relative closeness: `digits` significant figures. */
function expectClose(actual: number, expected: number, digits = 3): void {
  expect(Math.abs(actual - expected) / Math.abs(expected)).toBeLessThan(0.5 * 10 ** (1 - digits));
}

const customer1: CustomerSummary = { customerId: '1', frequency: 2, recency: 30.43, T: 38.86 };

describe('CDNOW inputs', () => {
  it('reads all 2,357 customers from both files without rejecting a row', () => {
    expect(summary.customers).toHaveLength(2357);
    expect(summary.rejected).toEqual([]);
    expect(transactions.rejected).toEqual([]);
    expect(fromTransactions.customers).toHaveLength(2357);
  });

  it('summarises customer 1 as x = 2, t_x = 30.43, T = 38.86 weeks (the README convention)', () => {
    const one = fromTransactions.customers.find((customer) => customer.customerId === '1');
    expect(one?.frequency).toBe(2);
    expect(one?.recency).toBeCloseTo(30.43, 2);
    expect(one?.T).toBeCloseTo(38.86, 2);
  });

  it('matches the published summary file for every customer', () => {
    const byId = new Map(fromTransactions.customers.map((customer) => [customer.customerId, customer]));
    for (const customer of summary.customers) {
      const mine = byId.get(customer.customerId);
      expect(mine?.frequency).toBe(customer.frequency);
      expect(Math.abs((mine?.recency ?? -1) - customer.recency)).toBeLessThan(0.006);
      expect(Math.abs((mine?.T ?? -1) - customer.T)).toBeLessThan(0.006);
    }
  });
});

describe('BG/NBD on CDNOW (Fader, Hardie & Lee 2005)', () => {
  for (const [source, customers] of [
    ['summary file', summary.customers],
    ['transaction file', fromTransactions.customers],
  ] as const) {
    it(`reproduces r 0.243, alpha 4.414, a 0.793, b 2.426, LL -9582.4 from the ${source}`, () => {
      const fit = fitModel('bgnbd', customers);
      if (fit.model !== 'bgnbd') throw new Error(`expected a BG/NBD fit, got ${fit.model}`);
      expect(fit.converged).toBe(true);
      expectClose(fit.params.r, 0.243);
      expectClose(fit.params.alpha, 4.414);
      expectClose(fit.params.a, 0.793);
      expectClose(fit.params.b, 2.426);
      expect(fit.logLikelihood).toBeCloseTo(-9582.4, 1);
      expect(fit.customers).toBe(2357);
    });
  }

  it('gives customer 1 (x 2, t_x 30.43, T 38.86) 1.226 expected purchases in the next 39 weeks', () => {
    const fit = fitModel('bgnbd', summary.customers);
    const [score] = scoreCustomers(fit, [customer1], 39);
    expect(score?.expectedPurchases).toBeCloseTo(1.226, 3);
  });

  it('reports standard errors close to lifetimes’ (r 0.0126, alpha 0.378, a 0.186, b 0.705)', () => {
    const fit = fitModel('bgnbd', summary.customers);
    if (fit.model !== 'bgnbd' || fit.standardErrors === null) throw new Error('expected standard errors');
    expectClose(fit.standardErrors.r, 0.0126, 2);
    expectClose(fit.standardErrors.alpha, 0.378, 2);
    expectClose(fit.standardErrors.a, 0.186, 2);
    expectClose(fit.standardErrors.b, 0.705, 2);
  });

  it('gives every one-time buyer P(alive) = 1 (the flaw that MBG/NBD and Pareto/NBD fix)', () => {
    const fit = fitModel('bgnbd', summary.customers);
    const scores = scoreCustomers(fit, summary.customers, 39);
    const oneTime = scores.filter((score) => score.frequency === 0);
    expect(oneTime.length).toBe(1411);
    expect(oneTime.every((score) => score.pAlive === 1)).toBe(true);
  });
});

describe('MBG/NBD on CDNOW', () => {
  it('converges to r 0.525, alpha 6.183, a 0.891, b 1.614, LL -9582.1 (see docs/models.md)', () => {
    const fit = fitModel('mbgnbd', summary.customers);
    if (fit.model !== 'mbgnbd') throw new Error(`expected an MBG/NBD fit, got ${fit.model}`);
    expect(fit.converged).toBe(true);
    expectClose(fit.params.r, 0.525);
    expectClose(fit.params.alpha, 6.183);
    expectClose(fit.params.a, 0.891);
    expectClose(fit.params.b, 1.614);
    expect(fit.logLikelihood).toBeCloseTo(-9582.13, 1);
  });

  it('ranks one-time buyers: P(alive) below 1 and falling with T', () => {
    const fit = fitModel('mbgnbd', summary.customers);
    const [early, late] = scoreCustomers(
      fit,
      [
        { customerId: 'early', frequency: 0, recency: 0, T: 38 },
        { customerId: 'late', frequency: 0, recency: 0, T: 28 },
      ],
      39,
    );
    expect(early?.pAlive).toBeLessThan(1);
    expect(early?.pAlive ?? 1).toBeLessThan(late?.pAlive ?? 0);
  });
});

describe('Pareto/NBD on CDNOW (Fader & Hardie’s notes)', () => {
  it('reproduces r 0.553, alpha 10.58, s 0.606, beta 11.67, LL -9595.0', () => {
    const fit = fitModel('paretonbd', summary.customers);
    if (fit.model !== 'paretonbd') throw new Error(`expected a Pareto/NBD fit, got ${fit.model}`);
    expect(fit.converged).toBe(true);
    expectClose(fit.params.r, 0.553);
    expectClose(fit.params.alpha, 10.58);
    expectClose(fit.params.s, 0.606);
    expectClose(fit.params.beta, 11.67);
    expect(fit.logLikelihood).toBeCloseTo(-9595.0, 1);
  });
});

describe('auto', () => {
  it('picks by likelihood, says why, and never leaves one-time buyers to BG/NBD', () => {
    const fit = fitModel('auto', summary.customers);
    expect(fit.model).not.toBe('bgnbd');
    expect(fit.choice?.by).toBe('likelihood');
    expect(fit.choice?.candidates.map((candidate) => candidate.model)).toEqual([
      'bgnbd',
      'mbgnbd',
      'paretonbd',
    ]);
    expect(fit.choice?.reason).toMatch(/log-likelihood/);
  });
});
