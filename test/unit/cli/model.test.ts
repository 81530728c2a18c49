import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { main } from '../../../functions/cli/main.ts';
import { MemoryOutput } from '../../../functions/cli/output.ts';

const DATA = '/work/shared/data/cdnow';
const SUMMARY = `${DATA}/cdnow_summary.csv`;
const TRANSACTIONS = `${DATA}/cdnow_sample_transactions.csv`;
const dir = mkdtempSync(join(tmpdir(), 'rekindle-model-'));

async function run(...argv: string[]): Promise<{ code: number; out: MemoryOutput }> {
  const out = new MemoryOutput();
  const code = await main(argv, out);
  return { code, out };
}

function parseJsonLine(out: MemoryOutput): Record<string, unknown> {
  const parsed: unknown = JSON.parse(out.lines[0] ?? 'null');
  if (typeof parsed !== 'object' || parsed === null) throw new Error('expected a JSON object');
  return Object.fromEntries(Object.entries(parsed));
}

describe('rekindle model fit', () => {
  it('prints the published BG/NBD fit of the CDNOW summary as one JSON object', async () => {
    const { code, out } = await run('model', 'fit', '--summary', SUMMARY, '--model', 'bgnbd', '--json');
    expect(code).toBe(0);
    expect(out.lines).toHaveLength(1);
    const result = parseJsonLine(out);
    expect(result).toMatchObject({ model: 'bgnbd', customers: 2357, converged: true });
    expect(result.params).toEqual({
      r: expect.closeTo(0.243, 3),
      alpha: expect.closeTo(4.414, 2),
      a: expect.closeTo(0.793, 3),
      b: expect.closeTo(2.426, 2),
    });
    expect(result.logLikelihood).toBeCloseTo(-9582.4, 1);
    expect(typeof result.iterations).toBe('number');
    expect(typeof result.seconds).toBe('number');
  });

  it('fits Pareto/NBD from transactions with r, alpha, s, beta', async () => {
    const { code, out } = await run(
      'model',
      'fit',
      '--transactions',
      TRANSACTIONS,
      '--calibration-end',
      '1997-09-30',
      '--model',
      'paretonbd',
      '--json',
    );
    expect(code).toBe(0);
    const result = parseJsonLine(out);
    expect(Object.keys(result.params ?? {})).toEqual(['r', 'alpha', 's', 'beta']);
    expect(result.logLikelihood).toBeCloseTo(-9595.0, 0);
  });

  it('explains the auto choice in text mode', async () => {
    const { code, out } = await run('model', 'fit', '--summary', SUMMARY);
    expect(code).toBe(0);
    expect(out.lines.join('\n')).toMatch(/chosen by likelihood: .*log-likelihood/);
  });

  it('reports each bad row with file:line, fits the good rows and exits 1', async () => {
    const file = join(dir, 'bad.csv');
    const good = readFileSync(TRANSACTIONS, 'utf8').trimEnd();
    writeFileSync(file, `${good}\n,1997-01-05,1,3.00\n9999,1997-02-31,1,3.00\n9998,1997-01-05,1,-3.00\n`);
    const { code, out } = await run(
      'model',
      'fit',
      '--transactions',
      file,
      '--calibration-end',
      '1997-09-30',
      '--model',
      'bgnbd',
      '--json',
    );
    expect(code).toBe(1);
    expect(out.errors.slice(0, 3)).toEqual([
      `${file}:6921  customer_id is missing`,
      expect.stringMatching(new RegExp(`^${file}:6922 .*date`)),
      expect.stringMatching(new RegExp(`^${file}:6923 .*amount is negative`)),
    ]);
    expect(parseJsonLine(out)).toMatchObject({ model: 'bgnbd', customers: 2357 });
  });

  it('refuses bad usage with exit code 2', async () => {
    expect((await run('model', 'fit')).code).toBe(2);
    expect((await run('model', 'fit', '--summary', SUMMARY, '--model', 'nope')).code).toBe(2);
    expect((await run('model', 'fit', '--transactions', TRANSACTIONS)).code).toBe(2);
  });
});

describe('rekindle model score', () => {
  it('writes one CSV row per customer with the scores and an explanation', async () => {
    const file = join(dir, 'scores.csv');
    const { code } = await run(
      'model',
      'score',
      '--summary',
      SUMMARY,
      '--model',
      'bgnbd',
      '--horizon',
      '39',
      '--out',
      file,
    );
    expect(code).toBe(0);
    const lines = readFileSync(file, 'utf8').trimEnd().split('\n');
    expect(lines[0]).toBe('customerId,frequency,recency,T,pAlive,expectedPurchases,pReturn,explanation');
    expect(lines).toHaveLength(2358);
    const first = lines[1]?.split(',') ?? [];
    expect(first[0]).toBe('1');
    expect(Number(first[5])).toBeCloseTo(1.226, 3);
  });

  it('writes JSON Lines', async () => {
    const file = join(dir, 'scores.jsonl');
    const { code } = await run('model', 'score', '--summary', SUMMARY, '--horizon', '10', '--out', file);
    expect(code).toBe(0);
    const lines = readFileSync(file, 'utf8').trimEnd().split('\n');
    expect(lines).toHaveLength(2357);
    expect(JSON.parse(lines[2] ?? '{}')).toMatchObject({ customerId: '3', frequency: 0 });
  });

  it('says which output file it cannot write, with exit code 2', async () => {
    const target = join(dir, 'missing-folder', 'scores.csv');
    const { code, out } = await run(
      'model',
      'score',
      '--summary',
      SUMMARY,
      '--horizon',
      '5',
      '--out',
      target,
    );
    expect(code).toBe(2);
    expect(out.errors.join('\n')).toContain(`cannot write ${target}`);
  });

  it('needs a positive horizon and a .csv or .jsonl output', async () => {
    expect((await run('model', 'score', '--summary', SUMMARY, '--out', join(dir, 'x.csv'))).code).toBe(2);
    expect((await run('model', 'score', '--summary', SUMMARY, '--horizon', '5', '--out', 'x.txt')).code).toBe(
      2,
    );
  });
});

describe('rekindle model evaluate', () => {
  it('compares expected and actual holdout purchases per model and draws the chart', async () => {
    const plot = join(dir, 'holdout.svg');
    const { code, out } = await run(
      'model',
      'evaluate',
      '--transactions',
      TRANSACTIONS,
      '--calibration-end',
      '1997-09-30',
      '--holdout-end',
      '1998-06-30',
      '--plot',
      plot,
      '--json',
    );
    expect(code).toBe(0);
    const result = parseJsonLine(out);
    expect(result.holdoutLength).toBeCloseTo(39, 6);
    const models = Array.isArray(result.models) ? result.models : [];
    expect(models).toHaveLength(3);
    for (const model of models) {
      expect(model).toMatchObject({ totalActual: 1882 });
      // every model explains the holdout to within 20% in total (MBG/NBD is the lowest, about 16% under)
      expect(Math.abs(model.totalExpected / 1882 - 1)).toBeLessThan(0.2);
    }
    expect(result.choice).toMatchObject({ by: 'holdout' });
    expect(readFileSync(plot, 'utf8')).toMatch(/^<svg[\s\S]*actual[\s\S]*paretonbd[\s\S]*<\/svg>\n$/);
  });
});
