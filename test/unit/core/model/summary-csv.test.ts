import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { parseSummaryCsv } from '../../../../functions/core/model/index.ts';
import { seededRandom } from '../../../../functions/core/model/simulate.ts';
import { readSummaryCsv } from '../../../../functions/core/model/summary-csv.ts';
import { fuzzedCsv, outcome, tableRows } from '../../../support/csv-fuzz.ts';

function fast(bytes: Buffer, fileName: string) {
  return tableRows(readSummaryCsv(bytes, fileName));
}

const IDS = ['c1', 'c-2', 'José', ' c3', 'c4 ', '', '\u00a0c5', 'a b', '__proto__', 'x\u2028'];
const NUMBERS = [
  '0',
  '0',
  '1',
  '3',
  '12',
  '1.5',
  '2.25',
  '30.285714285714285',
  '38.857142857142854',
  '12345678901234567',
  '007.50',
  '1.0',
  '1e1',
  '-1',
  '-0',
  '',
  ' 2',
  '2 ',
  '.5',
  '5.',
  '1..2',
  'NaN',
  'Infinity',
  '0x10',
  '1_000',
  `1${'0'.repeat(400)}`,
  '999999999999999',
  '9999999999999999',
];
const HEADERS = [
  'ID,frequency,recency,T',
  'ID,frequency,recency,T',
  'T,recency,frequency,ID,extra',
  ' ID , frequency,recency,T',
  'ID,frequency,recency',
  'ID,frequency,recency,T,T',
  'ID,frequency,recency,T,T.x',
  '',
];

/** A summary file drawn from the pools above, with the line ends, blank lines and damage real files have. */
function randomFile(random: () => number): Buffer {
  return fuzzedCsv(random, {
    headers: HEADERS,
    maxRows: 30,
    emptyBelow: 0.05,
    blankBelow: 0.08,
    blank: '   ',
    cellCountDamage: 0.05,
    cell: (column, pick) => {
      if (column === 'ID') return pick(IDS);
      if (column === 'frequency') return random() < 0.6 ? pick(['0', '1', '2', '7']) : pick(NUMBERS);
      return random() < 0.6 ? pick(['0', '3', '10.5', '39', '27.142857142857142']) : pick(NUMBERS);
    },
    replace: ['c1', 'c\uFFFD'],
  });
}

describe('readSummaryCsv', () => {
  it('accepts and refuses exactly what the zod reader does, with the same lines and messages', () => {
    const random = seededRandom(25);
    for (let file = 0; file < 600; file += 1) {
      const bytes = randomFile(random);
      const expected = outcome(() => parseSummaryCsv(bytes.toString('utf8'), 'summary.csv'));
      const actual = outcome(() => fast(bytes, 'summary.csv'));
      expect(actual, JSON.stringify(bytes.toString('utf8'))).toEqual(expected);
    }
  });

  it('reads the CDNOW summary as the zod reader does', () => {
    const bytes = readFileSync('/work/shared/data/cdnow/cdnow_summary.csv');
    const actual = fast(bytes, 'cdnow_summary.csv');
    expect(actual.customers).toHaveLength(2357);
    expect(actual).toEqual(parseSummaryCsv(bytes.toString('utf8'), 'cdnow_summary.csv'));
  });

  it('reports each bad row with its line and keeps the good ones', () => {
    const text = 'ID,frequency,recency,T\na,1,2,3\nb,-1,0,3\n\nc,2,5,4\nd,0,0,9\n';
    const table = readSummaryCsv(Buffer.from(text), 's.csv');
    expect(table.size).toBe(2);
    expect(table.customerId(1)).toBe('d');
    expect(table.rejected).toEqual([
      { file: 's.csv', line: 3, reason: 'frequency is negative' },
      { file: 's.csv', line: 5, reason: 'recency is greater than T' },
    ]);
  });

  it('puts the columns on shared memory when asked, for worker threads', () => {
    const table = readSummaryCsv(Buffer.from('ID,frequency,recency,T\na,1,2,3\n'), 's.csv', { shared: true });
    expect(table.columns.T.buffer).toBeInstanceOf(SharedArrayBuffer);
    expect(Array.from(table.columns.T)).toEqual([3]);
  });
});
