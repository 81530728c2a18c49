import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { importCommand } from '../../../../functions/cli/commands/import.ts';
import { MemoryOutput } from '../../../../functions/cli/output.ts';

const fixtures = new URL('../../../fixtures/platforms/', import.meta.url).pathname;
let dir = '';
beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'rekindle-import-check-'));
});
afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

async function run(...argv: string[]) {
  const out = new MemoryOutput();
  // No table and no AWS: --check must not need either.
  const previous = process.env.REKINDLE_TABLE;
  delete process.env.REKINDLE_TABLE;
  try {
    const code = await importCommand.run(argv, out);
    return { code, text: out.lines.join('\n'), errors: out.errors.join('\n') };
  } finally {
    if (previous !== undefined) process.env.REKINDLE_TABLE = previous;
  }
}

describe('rekindle import --check', () => {
  it('prints what a real-layout file would write, offline, and exits 0', async () => {
    const { code, text } = await run('orders', `${fixtures}stripe/payments.csv`, '--check');
    expect(code).toBe(0);
    expect(text).toContain('read as Stripe payments export');
    expect(text).toContain('4 orders rows would be written, 0 rejected, 1 skipped');
    expect(text).toContain('line 5: skipped: payment ch_3PabcA4 is Failed, not a purchase');
    expect(text).toContain('"orderId":"ch_3PabcA3","customerId":"cus_QabcDEF123"');
    expect(text).toContain('nothing was written');
  });

  it('lists each rejected row with its line and reason and exits 1', async () => {
    const file = join(dir, 'orders.csv');
    await writeFile(
      file,
      'orderId,customerId,placedAt,amount,status,currency\no1,c1,2026-03-01,10,paid,EUR\no2,c1,yesterday,10,paid,EUR\no3,c2,2026-03-02,5,lost,EUR\n',
    );
    const { code, text } = await run('orders', file, '--check');
    expect(code).toBe(1);
    expect(text).toContain('1 orders rows would be written, 2 rejected');
    expect(text).toMatch(/line 3: placedAt expected a date/);
    expect(text).toMatch(/line 4: status expected paid, refunded/);
  });

  it('reads the customers of a payments export when --format names it', async () => {
    const { code, text } = await run(
      'customers',
      `${fixtures}stripe/payments.csv`,
      '--format',
      'stripe-payments',
      '--check',
    );
    expect(code).toBe(0);
    expect(text).toContain('3 customers rows would be written');
  });

  it('refuses a format that is not one for the kind', async () => {
    await expect(
      run('incidents', `${fixtures}stripe/payments.csv`, '--format', 'shopify-orders', '--check'),
    ).rejects.toThrow(/is not one of csv, jsonl, json for incidents/);
  });
});

describe('rekindle import --map', () => {
  it('imports any CSV through a mapping file: columns, date format and zone, values', async () => {
    const file = join(dir, 'shop.csv');
    await writeFile(
      file,
      'Order No,E-mail,Date,Grand Total,Currency,State\nA-1,Kim@Example.com,02/03/2026 10:15,"1,020.50",eur,Complete\nA-2,kim@example.com,31/03/2026 09:00,12.00,EUR,Cancelled\n',
    );
    const map = join(dir, 'map.yaml');
    await writeFile(
      map,
      [
        'columns:',
        '  Order No: orderId',
        '  E-mail: customerId',
        '  Date: placedAt',
        '  Grand Total: amount',
        '  Currency: currency',
        '  State: status',
        'dateFormat: DD/MM/YYYY HH:mm',
        'timeZone: Europe/London',
        'values:',
        '  status: { Complete: paid, Cancelled: cancelled }',
        '',
      ].join('\n'),
    );
    const { code, text } = await run('orders', file, '--map', map, '--check');
    expect(code).toBe(0);
    expect(text).toContain('2 orders rows would be written, 0 rejected');
    expect(text).toContain(
      '{"orderId":"A-1","customerId":"Kim@Example.com","placedAt":"2026-03-02T10:15:00.000Z","amount":1020.5,"status":"paid","currency":"EUR"}',
    );
    // 31 March is summer time in London: 09:00 BST is 08:00 UTC.
    expect(text).toContain(
      '"orderId":"A-2","customerId":"kim@example.com","placedAt":"2026-03-31T08:00:00.000Z"',
    );
  });

  it('names the mapping file line of each mistake and writes nothing', async () => {
    const map = join(dir, 'bad-map.yaml');
    await writeFile(
      map,
      [
        'columns:',
        '  Order No: orderId',
        '  Date: placed',
        'dateFormat: DD/MM',
        'timeZone: Mars/Base',
        '',
      ].join('\n'),
    );
    const { code, errors } = await run('orders', join(dir, 'shop.csv'), '--map', map, '--check');
    expect(code).toBe(2);
    expect(errors).toContain(`${map}:3: columns.Date expected one of the orders fields`);
    expect(errors).toContain(`${map}:4: dateFormat the date format "DD/MM" has no year`);
    expect(errors).toContain(`${map}:5: timeZone is not an IANA time zone`);
    expect(errors).toContain(`${map}:2: columns no column is mapped to customerId`);
  });
});

describe('rekindle import, files that are not there', () => {
  it('says which file cannot be read instead of a stack trace', async () => {
    await expect(run('orders', join(dir, 'missing.csv'), '--check')).rejects.toThrow(
      /cannot read .*missing\.csv: no such file/,
    );
    await expect(
      run('orders', `${fixtures}stripe/payments.csv`, '--map', join(dir, 'missing.yaml'), '--check'),
    ).rejects.toThrow(/cannot read the mapping file .*missing\.yaml: no such file/);
  });
});

describe('rekindle import, dates written without a zone', () => {
  it("reads WooCommerce's order_date in the config's shop.fallbackTimeZone unless --time-zone says otherwise", async () => {
    const config = join(dir, 'kolkata.yaml');
    const text = (await readFile('config/rekindle.yaml', 'utf8')).replace(
      /^(\s+)fallbackTimeZone: .*$/m,
      '$1fallbackTimeZone: Asia/Kolkata',
    );
    await writeFile(config, text);
    const file = `${fixtures}woocommerce/orders-export.csv`;
    const fromConfig = await run('orders', file, '--config', config, '--check');
    expect(fromConfig.text).toContain('read in Asia/Kolkata');
    // 2026-03-02 10:14:09 in Kolkata (+05:30).
    expect(fromConfig.text).toContain('"placedAt":"2026-03-02T04:44:09.000Z"');
    const given = await run('orders', file, '--config', config, '--time-zone', 'America/New_York', '--check');
    expect(given.text).toContain('"placedAt":"2026-03-02T15:14:09.000Z"');
    await expect(run('orders', file, '--config', join(dir, 'none.yaml'), '--check')).rejects.toThrow(
      /cannot read --config/,
    );
  });
});
