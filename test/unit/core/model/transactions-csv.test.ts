import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import {
  holdoutPurchases,
  parseTransactionsCsv,
  summariseTransactions,
} from '../../../../functions/core/model/index.ts';
import { seededRandom } from '../../../../functions/core/model/simulate.ts';
import {
  readTransactionsHoldout,
  readTransactionsSummary,
} from '../../../../functions/core/model/transactions-csv.ts';
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

/** The zod path as `model evaluate` took it: the summary, then each customer's holdout count. */
function referenceHoldout(bytes: Buffer, fileName: string, holdoutEnd: string, calibrationEnd = END) {
  const parsed = parseTransactionsCsv(bytes.toString('utf8'), fileName);
  const summary = summariseTransactions(parsed.transactions, { calibrationEnd, unit: 'weeks', fileName });
  const counts = holdoutPurchases(parsed.transactions, { calibrationEnd, holdoutEnd });
  return {
    customers: summary.customers,
    rejected: [...parsed.rejected, ...summary.rejected],
    holdout: summary.customers.map((customer) => counts.get(customer.customerId) ?? 0),
  };
}

function fastHoldout(bytes: Buffer, fileName: string, holdoutEnd: string, calibrationEnd = END) {
  const table = readTransactionsHoldout(bytes, fileName, { calibrationEnd, holdoutEnd, unit: 'weeks' });
  return { ...tableRows(table), holdout: [...table.holdout] };
}

const HOLDOUT_ENDS = ['1997-10-01', '1997-10-15', '1998-06-30', '1997-12-31'];

const IDS = ['1', '2', '3', 'c4', ' 2', '3 ', '', 'José', '\u00a07', '02', '0', '1234567890123456'];
const DATES = [
  '1997-01-01',
  '1997-01-15',
  '1997-03-02',
  '1997-09-30',
  '1997-10-01',
  '1997-10-15',
  '1997-12-31',
  '1998-01-01',
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
      if (column === 'date') return random() < 0.6 ? pick(DATES.slice(0, 8)) : pick(DATES);
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

  it('counts holdout purchases per customer exactly as holdoutPurchases does, in one pass', () => {
    const random = seededRandom(27);
    for (let file = 0; file < 600; file += 1) {
      const bytes = randomFile(random);
      const holdoutEnd = HOLDOUT_ENDS[file % HOLDOUT_ENDS.length] ?? '1998-06-30';
      const expected = outcome(() => referenceHoldout(bytes, 'tx.csv', holdoutEnd));
      const actual = outcome(() => fastHoldout(bytes, 'tx.csv', holdoutEnd));
      expect(actual, `${holdoutEnd} ${JSON.stringify(bytes.toString('utf8'))}`).toEqual(expected);
    }
  });

  it('counts holdout purchases listed before a customer’s first calibration purchase', () => {
    const bytes = Buffer.from(
      'customer_id,date\nb,1997-11-02\na,1997-11-01\na,1997-11-01\nb,1997-01-05\na,1997-02-01\nb,1998-01-01\nc,1997-12-01\n',
    );
    const table = fastHoldout(bytes, 'tx.csv', '1997-12-31');
    expect(table.customers.map((customer) => customer.customerId)).toEqual(['b', 'a']);
    expect(table.holdout).toEqual([1, 1]);
    expect(table).toEqual(referenceHoldout(bytes, 'tx.csv', '1997-12-31'));
  });

  it('refuses a holdout end that is not after the calibration end, as holdoutPurchases does', () => {
    const bytes = Buffer.from('customer_id,date\n1,1997-01-01\n');
    for (const holdoutEnd of ['1997-09-30', '1997-02-30', 'soon'])
      expect(outcome(() => fastHoldout(bytes, 'tx.csv', holdoutEnd))).toEqual(
        outcome(() => referenceHoldout(bytes, 'tx.csv', holdoutEnd)),
      );
  });

  it('gives the CDNOW master transactions the summary and holdout counts of the reference path', () => {
    const bytes = readFileSync('/work/shared/data/cdnow/cdnow_master_transactions.csv');
    const actual = fastHoldout(bytes, 'cdnow.csv', '1998-06-30');
    expect(actual.customers).toHaveLength(23_570);
    expect(actual.holdout.reduce((sum, count) => sum + count, 0)).toBeGreaterThan(0);
    expect(actual).toEqual(referenceHoldout(bytes, 'cdnow.csv', '1998-06-30'));
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
