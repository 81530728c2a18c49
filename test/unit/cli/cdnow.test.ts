import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { cdnowCommand } from '../../../functions/cli/commands/cdnow.ts';
import { MemoryOutput } from '../../../functions/cli/output.ts';
import { importText } from '../../../functions/core/import/import-file.ts';
import { ShopDataSink } from '../../../functions/core/planning/shop-data.ts';

let dir: string;
beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), 'rekindle-cdnow-'));
});
afterEach(async () => {
  await rm(dir, { recursive: true, force: true });
});

describe('rekindle cdnow', () => {
  it('writes customers and orders the import accepts, one order per transaction, and names bad lines', async () => {
    const file = join(dir, 'transactions.csv');
    await writeFile(
      file,
      'customer_id,date,cds,amount\n1,1997-01-01,1,11.77\n2,1997-01-12,1,12.00\n2,1997-01-12,5,77.00\nx,1997-01-13,1,3\n',
    );
    const out = new MemoryOutput();

    const code = await cdnowCommand.run([file, '--out', join(dir, 'shop')], out);

    expect(code).toBe(1);
    expect(out.errors[0]).toBe(`${file}:5  customer_id "x" is not a number`);
    const customers = await readFile(join(dir, 'shop', 'customers.csv'), 'utf8');
    const orders = await readFile(join(dir, 'shop', 'orders.csv'), 'utf8');
    expect(orders.trim().split('\n')).toEqual([
      'orderId,customerId,placedAt,amount,currency',
      '1-1,1,1997-01-01,11.77,USD',
      '2-1,2,1997-01-12,12.00,USD',
      '2-2,2,1997-01-12,77.00,USD',
    ]);
    const sink = new ShopDataSink();
    const read = await importText(
      customers,
      { file: 'customers.csv', kind: 'customers', format: 'csv' },
      sink,
    );
    const readOrders = await importText(orders, { file: 'orders.csv', kind: 'orders', format: 'csv' }, sink);
    expect([read.written, read.rejectedTotal, readOrders.written, readOrders.rejectedTotal]).toEqual([
      2, 0, 3, 0,
    ]);
    expect(sink.data().customers[0]).toMatchObject({
      customerId: '1',
      email: 'customer-1@example.com',
      timeZone: 'America/New_York',
    });
  });
});
