import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { liftCommand, readExperimentCsv } from '../../../functions/cli/commands/lift.ts';
import { MemoryOutput } from '../../../functions/cli/output.ts';

let dir: string;
beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), 'rekindle-lift-'));
});
afterEach(async () => {
  await rm(dir, { recursive: true, force: true });
});

/** 400 customers, a quarter held out; the emailed return twice as often. */
function experiment(extra: readonly string[] = []): string {
  const rows = ['Group,Returned,Revenue,Covariate'];
  for (let index = 0; index < 400; index += 1) {
    const treated = index % 4 !== 0;
    const returned = treated ? index % 5 === 0 : index % 40 === 0;
    rows.push(
      [
        treated ? 'treated' : 'control',
        returned ? 'yes' : 'no',
        returned ? '25.50' : '',
        (index % 7) / 3,
      ].join(','),
    );
  }
  return [...rows, ...extra].join('\n');
}

describe('rekindle lift FILE.csv', () => {
  it('reads group, returned, revenue and covariate in any order and case, rejecting each bad row with its line', () => {
    const read = readExperimentCsv(
      experiment(['held out,2,5,1', 'treated,1,-1,1', 'treated,1,5,x', 'nobody,1,5,1']),
    );
    if (!read.ok) throw new Error(read.reason);
    expect(read.units).toHaveLength(400);
    expect(read.rejected).toEqual([
      { line: 402, reason: 'returned: expected 1/0, true/false or yes/no, got "2"' },
      { line: 403, reason: 'revenue: expected an amount of 0 or more, got "-1"' },
      { line: 404, reason: 'covariate: expected a number, got "x"' },
      { line: 405, reason: 'group: expected treated or holdout (or control), got "nobody"' },
    ]);
  });

  it('names the missing columns of the header', () => {
    expect(readExperimentCsv('customer,bought\n1,1')).toEqual({
      ok: false,
      reason:
        'line 1: the header needs the columns group and returned (and may have revenue and covariate); it has customer, bought',
    });
  });

  it('prints the lifts with intervals, the adjusted ones and the customers an effect needs; exit 0 on a clean file', async () => {
    const file = join(dir, 'experiment.csv');
    await writeFile(file, experiment());
    const out = new MemoryOutput();
    expect(await liftCommand.run([file], out)).toBe(0);
    const text = out.lines.join('\n');
    expect(text).toContain('400 customers: 300 emailed, 100 held out');
    expect(text).toMatch(/return rate +20\.0% +10\.0% +lift \+10\.0 pts \(\+\d\.\d pts to \+\d+\.\d pts\)/);
    expect(text).toContain('adjusted by the covariate');
    expect(text).toMatch(/customers needed in all .*: [\d,]+ for \+1\.0 pts/);
  });

  it('answers JSON with --json, and a one-line error for an unreadable file', async () => {
    const file = join(dir, 'experiment.csv');
    await writeFile(file, experiment());
    const out = new MemoryOutput();
    await liftCommand.run([file, '--json'], out);
    expect(JSON.parse(out.lines[0] ?? '{}')).toMatchObject({ analysis: { treated: { customers: 300 } } });
    const missing = new MemoryOutput();
    expect(await liftCommand.run([join(dir, 'nope.csv')], missing)).toBe(1);
    expect(missing.errors[0]).toMatch(/nope\.csv: cannot read it/);
  });
});
