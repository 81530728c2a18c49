import { mkdir, readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { type Command, UsageError } from '../command.ts';

const usage = 'rekindle cdnow FILE --out DIR';

/**
 * `rekindle cdnow`: CDNOW's transactions (`customer_id,date,cds,amount`) as customers.csv and
 * orders.csv in the import's layout, for `rekindle import`, `plan` and `segment` (see
 * functions/core/import/cdnow.ts for what is assumed: example.com addresses, en-US, New York).
 */
export const cdnowCommand: Command = {
  name: 'cdnow',
  summary: "convert CDNOW's transactions into the import's customers.csv and orders.csv",
  usage,
  async run(argv, out) {
    const { values, positionals } = parseArgs({
      args: [...argv],
      options: { out: { type: 'string' } },
      allowPositionals: true,
      strict: true,
    });
    const [file, ...extra] = positionals;
    if (file === undefined || extra.length > 0) throw new UsageError('expected exactly one FILE');
    if (values.out === undefined)
      throw new UsageError('pass --out DIR, the folder to write the two files to');
    const text = await readFile(file, 'utf8').catch((error: unknown) => {
      const missing = error instanceof Error && 'code' in error && error.code === 'ENOENT';
      throw new UsageError(`cannot read ${file}: ${missing ? 'no such file' : String(error)}`);
    });
    const { convertCdnow } = await import('../../core/import/cdnow.ts');
    const converted = convertCdnow(text);
    for (const row of converted.rejected.slice(0, 20)) out.error(`${file}:${row.line}  ${row.reason}`);
    if (converted.customers === 0) {
      out.error(`${file}: no transactions to convert`);
      return 1;
    }
    await mkdir(values.out, { recursive: true });
    const customers = join(values.out, 'customers.csv');
    const orders = join(values.out, 'orders.csv');
    await writeFile(customers, converted.customersCsv, 'utf8');
    await writeFile(orders, converted.ordersCsv, 'utf8');
    out.line(`${customers}: ${converted.customers.toLocaleString('en')} customers`);
    out.line(`${orders}: ${converted.orders.toLocaleString('en')} orders`);
    if (converted.rejected.length > 0)
      out.error(`${converted.rejected.length.toLocaleString('en')} lines rejected (first ones listed above)`);
    return converted.rejected.length > 0 ? 1 : 0;
  },
};
