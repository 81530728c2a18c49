import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { parseTransactionsCsv, summariseTransactions } from '../../../../functions/core/model/index.ts';
import { seededRandom } from '../../../../functions/core/model/simulate.ts';
import { readTransactionsSummary } from '../../../../functions/core/model/transactions-csv.ts';
import { fuzzedCsv, outcome, tableRows } from '../../../support/csv-fuzz.ts';

const END = '1997-09-30';

function reference(bytes: Buffer, fileName: string, calibrationEnd = END) {
  const parsed = parseTransactionsCsv(bytes.toString('utf8'), fileName);
  const summary = summariseTransactions(parsed.transactions, { calibrationEnd, unit: 'weeks', fileName });
  return { customers: summary.customers, rejected: [...parsed.rejected, ...summary.rejected] };
}

function fast(bytes: Buffer, fileName: string, calibrationEnd = END) {
  return tableRows(readTransactionsSummary(bytes, fileName, { calibrationEnd, unit: 'weeks' }));
}

const IDS = ['1', '2', '3', 'c4', ' 2', '3 ', '', 'José', '\u00a07', '02', '0', '1234567890123456'];
const DATES = [
  '1997-01-01',
  '1997-01-15',
  '1997-03-02',
  '1997-09-30',
  '1997-10-01',
  '1996-02-29',
  '1997-02-29',
  '1997-13-01',
  '0097-01-01',
  ' 1997-01-02',
  '1997-1-02',
  '19970102',
  '',
  '2000-02-29',
  '1900-02-29',
];
const AMOUNTS = ['', '10', '10.5', '0', '-1', '1e2', 'abc', ' 3', '.5', '12345678901234567.5'];
const HEADERS = [
  'customer_id,date,amount',
  'customer_id,date,amount',
  'customer_id,date',
  'amount,note,date,customer_id',
  ' customer_id , date',
  'customer_id,amount',
  'customer_id,date,date',
  'customer_id,date,date.x',
];

function randomFile(random: () => number): Buffer {
  return fuzzedCsv(random, {
    headers: HEADERS,
    maxRows: 40,
    emptyBelow: 0.04,
    blankBelow: 0.06,
    blank: '  ',
    cellCountDamage: 0.04,
    cell: (column, pick) => {
      if (column === 'customer_id') return random() < 0.7 ? pick(['1', '2', '3']) : pick(IDS);
      if (column === 'date') return random() < 0.6 ? pick(DATES.slice(0, 5)) : pick(DATES);
      if (column === 'amount') return pick(AMOUNTS);
      return 'note';
    },
  });
}

describe('readTransactionsSummary', () => {
  it('summarises and refuses exactly what the zod reader and summariseTransactions do', () => {
    const random = seededRandom(26);
    for (let file = 0; file < 600; file += 1) {
      const bytes = randomFile(random);
      const expected = outcome(() => reference(bytes, 'tx.csv'));
      const actual = outcome(() => fast(bytes, 'tx.csv'));
      expect(actual, JSON.stringify(bytes.toString('utf8'))).toEqual(expected);
    }
  });

  it('summarises the CDNOW transactions as the reference path does', () => {
    const bytes = readFileSync('/work/shared/data/cdnow/cdnow_sample_transactions.csv');
    const actual = fast(bytes, 'cdnow.csv');
    expect(actual.customers).toHaveLength(2357);
    expect(actual).toEqual(reference(bytes, 'cdnow.csv'));
  });

  it('refuses a calibration end that is not a date, as the reference does', () => {
    const bytes = Buffer.from('customer_id,date\n1,1997-01-01\n');
    expect(outcome(() => fast(bytes, 'tx.csv', '1997-02-30'))).toEqual(
      outcome(() => reference(bytes, 'tx.csv', '1997-02-30')),
    );
  });
});
