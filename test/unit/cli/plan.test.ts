import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { UsageError } from '../../../functions/cli/command.ts';
import { planCommand } from '../../../functions/cli/commands/plan.ts';
import { MemoryOutput } from '../../../functions/cli/output.ts';
import { isHeldOut } from '../../../functions/core/domain/enrolment.ts';
import { writeLapsedShop } from '../../support/lapsed-shop.ts';

let dir: string;
beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), 'rekindle-plan-'));
});
afterEach(async () => {
  await rm(dir, { recursive: true, force: true });
});

/** Twelve customers whose last order was 200 days before 2 March 2026: all lapsed in the shipped config. */
function shopFiles(extraCustomerRows: readonly string[] = []) {
  return writeLapsedShop(dir, extraCustomerRows);
}

/** The plan's arguments for these files from 2 March 2026, then `extra`. */
const planArgs = (files: { customers: string; orders: string }, ...extra: string[]) => [
  '--customers',
  files.customers,
  '--orders',
  files.orders,
  '--start',
  '2026-03-02',
  ...extra,
];

const lapsedHeldOut = (ids: readonly string[]) =>
  ids.filter((id) => isHeldOut(id, 'gentle-winback', 10)).length;

describe('rekindle plan', () => {
  it('prints segments, emails per day, deferrals, the comparison and a timeline for the files the import reads', async () => {
    const files = await shopFiles();
    const out = new MemoryOutput();

    const code = await planCommand.run(planArgs(files, '--days', '14', '--customer', 'c1'), out);

    expect(code).toBe(0);
    const text = out.lines.join('\n');
    expect(text).toContain('Plan for 14 days from 2026-03-02 (Europe/London)');
    expect(text).toContain('  lapsed: 12 (100.0%) → gentle-winback (10% held out)');
    const heldOut = lapsedHeldOut(files.ids);
    expect(text).toContain(`    day 1: ${12 - heldOut} enrolled, ${heldOut} held out`);
    expect(text).toContain('Deferrals by cause');
    expect(text).toContain('What the caps and windows change:');
    expect(text).toContain('  customer c1 (times in Europe/London)');
    expect(out.errors).toEqual([]);
  });

  it('writes the plan as JSON with the counts and as an HTML page with charts', async () => {
    const files = await shopFiles();
    const out = new MemoryOutput();
    const html = join(dir, 'plan.html');

    expect(await planCommand.run(planArgs(files, '--json'), out)).toBe(0);
    const report = JSON.parse(out.lines.join(''));
    const heldOut = lapsedHeldOut(files.ids);
    expect(report.totals.enrolled).toBe(12 - heldOut);
    expect(report.totals.heldOut).toBe(heldOut);
    expect(report.days).toHaveLength(30);

    expect(await planCommand.run(planArgs(files, '--html', html), new MemoryOutput())).toBe(0);
    const page = await readFile(html, 'utf8');
    expect(page).toContain('<svg class="rk-chart" role="img"');
    expect(page).toContain('Emails per day');
  });

  it('lists rejected rows and unknown customers as one line each, and exits 1', async () => {
    const files = await shopFiles(['bad1,not-an-email,Bo,en,Europe/London,granted']);
    const out = new MemoryOutput();

    const code = await planCommand.run(planArgs(files, '--days', '3', '--customer', 'nobody'), out);

    expect(code).toBe(1);
    expect(out.errors).toContainEqual(expect.stringMatching(/customers\.csv:14 {2}.*email/));
    expect(out.errors).toContain('customer nobody is not in the customers file');
    expect(out.errors.every((line) => !line.includes('\n    at '))).toBe(true);
  });

  it('refuses a missing orders file and a bad --days as usage errors', async () => {
    const { customers } = await shopFiles();
    await expect(planCommand.run(['--customers', customers], new MemoryOutput())).rejects.toThrow(UsageError);
    await expect(
      planCommand.run(['--customers', customers, '--orders', join(dir, 'none.csv')], new MemoryOutput()),
    ).rejects.toThrow(/cannot read .*none\.csv: no such file/);
    await expect(planCommand.run(['--cdnow', 'x.csv', '--days', '0'], new MemoryOutput())).rejects.toThrow(
      /--days must be a whole number/,
    );
  });

  it("reads CDNOW's transactions through the converter", async () => {
    const file = join(dir, 'cdnow.csv');
    await writeFile(
      file,
      'customer_id,date,cds,amount\n1,1997-01-01,1,11.77\n2,1997-01-12,1,12.00\n2,1997-01-12,5,77.00\n',
    );
    const out = new MemoryOutput();

    expect(await planCommand.run(['--cdnow', file, '--days', '2', '--json'], out)).toBe(0);
    const report = JSON.parse(out.lines.join(''));
    expect(report).toMatchObject({ customers: 2, orders: 3 });
    expect(report.days[0].date).toBe('1997-01-13');
  });
});
