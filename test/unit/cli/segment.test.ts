import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { segmentCommand } from '../../../functions/cli/commands/segment.ts';
import { MemoryOutput } from '../../../functions/cli/output.ts';

let dir: string;
beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), 'rekindle-segment-'));
});
afterEach(async () => {
  await rm(dir, { recursive: true, force: true });
});

/** Five lapsed customers (last order 200 days before 2 March 2026) and two recent ones. */
async function importFiles() {
  const customers = join(dir, 'customers.csv');
  const orders = join(dir, 'orders.csv');
  const lapsed = ['a1', 'a2', 'a3', 'a4', 'a5'];
  const recent = ['b1', 'b2'];
  await writeFile(
    customers,
    [
      'customerId,email,consent',
      ...[...lapsed, ...recent].map((id) => `${id},${id}@example.com,granted`),
    ].join('\n'),
  );
  await writeFile(
    orders,
    [
      'orderId,customerId,placedAt,amount',
      ...lapsed.map((id) => `${id}-1,${id},2025-08-14,30`),
      ...recent.map((id) => `${id}-1,${id},2026-02-20,30`),
    ].join('\n'),
  );
  return { customers, orders };
}

describe('rekindle segment', () => {
  it("segments the import's orders and customers files as the daily segmenter would", async () => {
    const { customers, orders } = await importFiles();
    const out = new MemoryOutput();

    const code = await segmentCommand.run(
      ['--orders', orders, '--customers', customers, '--as-of', '2026-03-02', '--examples', '1'],
      out,
    );

    expect(code).toBe(0);
    expect(out.lines).toContain('lapsed: 5 (71.4%) → gentle-winback (10% held out)');
    expect(out.lines).toContain('no segment: 2 (28.6%)');
    expect(out.lines.join('\n')).toMatch(/• a1: .*matched daysSinceLastOrder 200 \(≥ 120\)/);
  });

  it('names the option for an import orders file given as --transactions, in one line', async () => {
    const { orders } = await importFiles();
    const out = new MemoryOutput();

    const code = await segmentCommand.run(['--transactions', orders, '--calibration-end', '2026-03-01'], out);

    expect(code).toBe(2);
    expect(out.errors).toEqual([
      `${orders} has the columns of an import orders file (orderId, customerId, placedAt): pass it as --orders ${orders}`,
    ]);
  });

  it('reports a transactions file without its columns in one line, not a ModelInputError stack trace', async () => {
    const file = join(dir, 'summary.csv');
    await writeFile(file, 'ID,frequency,recency,T\n1,2,30.43,38.86\n');
    const out = new MemoryOutput();

    const code = await segmentCommand.run(['--transactions', file, '--calibration-end', '1997-09-30'], out);

    expect(code).toBe(1);
    expect(out.errors).toEqual([
      `${file}: the header must have the columns customer_id, date; missing customer_id, date`,
    ]);
  });
});
