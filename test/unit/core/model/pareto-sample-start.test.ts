import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { asColumns, fitParetoNbd } from '../../../../functions/core/model/fit.ts';
import { parseTransactionsCsv, summariseTransactions } from '../../../../functions/core/model/index.ts';
import type { SummaryColumns } from '../../../../functions/core/model/summary-data.ts';

const DATA = '/work/shared/data/cdnow';

/**
 * CDNOW's 23,570 customers in days, as a plan's segmenter sees them four weeks after the last order
 * (`rekindle plan --cdnow`'s fifth fit), and the same customers twice (47,140 rows, 11,104 distinct):
 * the same mean likelihood, so the same optimum. A 10,000-row sample of the copies, fitted first as
 * a head start, runs off along the ridge where s and β grow together (s ≈ 15,000, β ≈ 8 million),
 * and the fit of all rows started there stayed on it: s = 15,702 instead of 0.92, and about 28 s of
 * the plan at 47,140 customers instead of half a second.
 */
describe('Pareto/NBD on a shop copied twice', () => {
  const transactions = parseTransactionsCsv(
    readFileSync(`${DATA}/cdnow_master_transactions.csv`, 'utf8'),
    'cdnow_master_transactions.csv',
  );
  const once = asColumns(
    summariseTransactions(transactions.transactions, { calibrationEnd: '1998-07-29', unit: 'days' })
      .customers,
  );
  const twice: SummaryColumns = {
    frequency: Float64Array.from([...once.frequency, ...once.frequency]),
    recency: Float64Array.from([...once.recency, ...once.recency]),
    T: Float64Array.from([...once.T, ...once.T]),
  };

  it('finds the optimum of the data once, not the ridge a sample ran to', () => {
    const single = fitParetoNbd(once, { standardErrors: false });
    const double = fitParetoNbd(twice, { standardErrors: false });
    if (single.model !== 'paretonbd' || double.model !== 'paretonbd') throw new Error('not fitted');
    expect(single.warnings).toEqual([]);
    expect(double.warnings).toEqual([]);
    expect(single.params.s).toBeLessThan(10);
    for (const key of ['r', 'alpha', 's', 'beta'] as const)
      expect(Math.abs(double.params[key] / single.params[key] - 1)).toBeLessThan(1e-6);
    expect(double.logLikelihood / single.logLikelihood).toBeCloseTo(2, 9);
  });
});
