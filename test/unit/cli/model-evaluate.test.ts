import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { main } from '../../../functions/cli/main.ts';
import { MemoryOutput } from '../../../functions/cli/output.ts';
import {
  chooseModel,
  compareHoldout,
  fitModel,
  holdoutLength,
  holdoutPurchases,
  MODEL_KINDS,
  type ModelKind,
  parseTransactionsCsv,
  summariseTransactions,
  toColumns,
} from '../../../functions/core/model/index.ts';

const DATA = '/work/shared/data/cdnow';
const dir = mkdtempSync(join(tmpdir(), 'rekindle-evaluate-'));

async function run(...argv: string[]): Promise<{ code: number; out: MemoryOutput }> {
  const out = new MemoryOutput();
  const code = await main(argv, out);
  return { code, out };
}

/**
 * What `model evaluate --json` printed before it read the file's bytes in one pass: every transaction
 * through the zod reader, the summary, the holdout counts per customer id, then the same fits.
 */
function zodPathEvaluation(
  file: string,
  calibrationEnd: string,
  holdoutEnd: string,
  kind: ModelKind | 'auto',
) {
  const parsed = parseTransactionsCsv(readFileSync(file, 'utf8'), file);
  const summary = summariseTransactions(parsed.transactions, {
    calibrationEnd,
    unit: 'weeks',
    fileName: file,
  });
  const actual = holdoutPurchases(parsed.transactions, { calibrationEnd, holdoutEnd });
  const horizon = holdoutLength(calibrationEnd, holdoutEnd, 'weeks');
  const columns = toColumns(summary.customers);
  const fits = (kind === 'auto' ? MODEL_KINDS : [kind]).map((model) => fitModel(model, columns));
  const comparisons = fits.map((fit) => compareHoldout(fit, summary.customers, actual, horizon));
  const oneTime = columns.frequency.filter((x) => x === 0).length / summary.customers.length;
  const rmses = comparisons.map((comparison) => comparison.rmse);
  const choice = kind === 'auto' ? chooseModel(fits, oneTime, rmses).choice : undefined;
  return {
    rejected: [...parsed.rejected, ...summary.rejected].map(
      (row) => `${row.file}:${row.line}  ${row.reason}`,
    ),
    customers: summary.customers.length,
    holdoutLength: horizon,
    models: comparisons.map((comparison, i) => ({
      ...comparison,
      params: fits[i]?.params,
      logLikelihood: fits[i]?.logLikelihood,
      iterations: fits[i]?.iterations,
    })),
    choice,
  };
}

/** The command's JSON without the fits' seconds (the only field that may differ run to run). */
function commandEvaluation(out: MemoryOutput) {
  const result = JSON.parse(out.lines[0] ?? 'null');
  return {
    rejected: out.errors.filter((line) => /:\d+ {2}/.test(line)),
    customers: result.customers,
    holdoutLength: result.holdoutLength,
    models: result.models.map(({ fit, ...comparison }: { fit: Record<string, unknown> }) => ({
      ...comparison,
      params: fit.params,
      logLikelihood: fit.logLikelihood,
      iterations: fit.iterations,
    })),
    choice: result.choice,
  };
}

// Unsorted, with bad rows, CRLF, a holdout purchase before the customer's first calibration
// purchase, a customer seen only in the holdout and ids that only match once trimmed.
const MESSY = [
  'customer_id,date,amount',
  'b,1997-11-02,5',
  'a,1997-02-01,3',
  'c,1997-12-01,1',
  'a,1997-11-01,4',
  ' a ,1997-11-01,4',
  'b,1997-01-05,abc',
  'b,1997-01-05,2',
  'b,1997-03-05,2',
  ',1997-01-05,2',
  'd,1997-02-30,2',
  'e,1997-04-01,-1',
  'e,1997-04-01,1',
  'e,1997-05-01,1',
  'e,1997-06-11,1',
  'e,1998-01-01,1',
  'e,1998-07-01,1',
  '7,1997-03-01,1',
  '7,1997-08-01,1',
  '07,1997-10-10,1',
  '7,1997-10-10,1',
  '7,1997-10-10,1',
  '',
].join('\r\n');

describe('rekindle model evaluate reads the transactions in one pass', () => {
  const cases: [string, string, string, string, ModelKind | 'auto'][] = [
    [
      'the CDNOW master transactions',
      `${DATA}/cdnow_master_transactions.csv`,
      '1997-09-30',
      '1998-06-30',
      'auto',
    ],
    [
      'the CDNOW sample, a short holdout',
      `${DATA}/cdnow_sample_transactions.csv`,
      '1997-09-30',
      '1997-12-31',
      'bgnbd',
    ],
    ['a messy file', join(dir, 'messy.csv'), '1997-09-30', '1997-12-31', 'bgnbd'],
  ];
  writeFileSync(join(dir, 'messy.csv'), MESSY);

  it.each(cases)(
    'prints for %s what the zod path printed',
    async (_, file, calibrationEnd, holdoutEnd, kind) => {
      const { code, out } = await run(
        'model',
        'evaluate',
        '--transactions',
        file,
        '--calibration-end',
        calibrationEnd,
        '--holdout-end',
        holdoutEnd,
        '--model',
        kind,
        '--json',
      );
      const expected = zodPathEvaluation(file, calibrationEnd, holdoutEnd, kind);
      expect(code).toBe(expected.rejected.length > 0 ? 1 : 0);
      expect(commandEvaluation(out)).toEqual(expected);
    },
  );

  it('prints the rejected rows before refusing a holdout end that is not after the calibration end', async () => {
    const { code, out } = await run(
      'model',
      'evaluate',
      '--transactions',
      join(dir, 'messy.csv'),
      '--calibration-end',
      '1997-09-30',
      '--holdout-end',
      '1997-09-30',
    );
    expect(code).toBe(2);
    expect(out.lines).toEqual([]);
    expect(out.errors.slice(0, -1)).toEqual([
      ...zodPathEvaluation(join(dir, 'messy.csv'), '1997-09-30', '1997-12-31', 'bgnbd').rejected,
      '4 rows rejected; the rest were used',
    ]);
    expect(out.errors.at(-1)).toMatch(
      /^rekindle model evaluate: the holdout end must be after the calibration end\n/,
    );
  });
});
