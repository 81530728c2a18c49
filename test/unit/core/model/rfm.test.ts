import { describe, expect, it } from 'vitest';
import {
  holdoutPurchases,
  ModelInputError,
  parseIsoDay,
  parseSummaryCsv,
  parseTransactionsCsv,
  summariseTransactions,
} from '../../../../functions/core/model/index.ts';

describe('parseTransactionsCsv', () => {
  it('rejects bad rows with their line numbers and keeps the good ones', () => {
    const text = [
      'customer_id,date,amount',
      'a,2024-01-01,10',
      ',2024-01-02,5',
      'b,2024-02-30,5',
      'c,yesterday,5',
      'd,2024-01-03,-4',
      'e,2024-01-04,abc',
      'f,2024-01-05,',
      'g,2024-01-06,1,extra',
    ].join('\n');
    const { transactions, rejected } = parseTransactionsCsv(text, 'orders.csv');
    expect(transactions.map((row) => row.customerId)).toEqual(['a', 'f']);
    expect(rejected.map((row) => [row.file, row.line])).toEqual([
      ['orders.csv', 3],
      ['orders.csv', 4],
      ['orders.csv', 5],
      ['orders.csv', 6],
      ['orders.csv', 7],
      ['orders.csv', 9],
    ]);
    expect(rejected[0]?.reason).toMatch(/customer_id is missing/);
    expect(rejected[1]?.reason).toMatch(/date/);
    expect(rejected[3]?.reason).toMatch(/amount is negative/);
    expect(rejected[4]?.reason).toMatch(/amount is not a number/);
  });

  it('refuses a file without the required columns as a whole', () => {
    expect(() => parseTransactionsCsv('id,when\n1,2024-01-01\n', 'x.csv')).toThrow(ModelInputError);
  });
});

describe('parseSummaryCsv', () => {
  it('rejects negative, fractional, inconsistent rows with their line numbers', () => {
    const text =
      'ID,frequency,recency,T\n1,2,30.43,38.86\n2,-1,0,10\n3,1.5,2,10\n4,2,12,10\n5,0,3,10\n6,1,1,x\n';
    const { customers, rejected } = parseSummaryCsv(text, 's.csv');
    expect(customers).toEqual([{ customerId: '1', frequency: 2, recency: 30.43, T: 38.86 }]);
    expect(rejected.map((row) => row.line)).toEqual([3, 4, 5, 6, 7]);
    expect(rejected[2]?.reason).toMatch(/recency is greater than T/);
  });
});

describe('summariseTransactions', () => {
  const rows = [
    { customerId: 'a', date: '1997-01-01' },
    { customerId: 'a', date: '1997-01-01' },
    { customerId: 'a', date: '1997-01-15' },
    { customerId: 'a', date: '1997-02-12' },
    { customerId: 'a', date: '1997-04-01' },
    { customerId: 'b', date: '1997-03-04' },
    { customerId: 'c', date: '1997-05-01' },
    { customerId: 'd', date: 'nope', line: 42 },
  ];

  it('counts repeat purchase days, in weeks and in days', () => {
    const weeks = summariseTransactions(rows, { calibrationEnd: '1997-03-04', unit: 'weeks' });
    expect(weeks.customers).toEqual([
      { customerId: 'a', frequency: 2, recency: 6, T: 62 / 7 },
      { customerId: 'b', frequency: 0, recency: 0, T: 0 },
    ]);
    expect(weeks.excludedAfterCalibration).toBe(1);
    expect(weeks.rejected).toEqual([
      { file: 'transactions', line: 42, reason: expect.stringMatching(/date/) },
    ]);
    const days = summariseTransactions(rows, { calibrationEnd: '1997-03-04', unit: 'days' });
    expect(days.customers[0]).toEqual({ customerId: 'a', frequency: 2, recency: 42, T: 62 });
  });

  it('counts holdout purchase days after the calibration end', () => {
    const holdout = holdoutPurchases(rows, { calibrationEnd: '1997-03-04', holdoutEnd: '1997-12-31' });
    expect(Object.fromEntries(holdout)).toEqual({ a: 1, c: 1 });
  });

  it('refuses an invalid calibration end', () => {
    expect(() => summariseTransactions(rows, { calibrationEnd: '1997-13-01' })).toThrow(ModelInputError);
    expect(parseIsoDay('1970-01-02')).toBe(1);
  });
});
