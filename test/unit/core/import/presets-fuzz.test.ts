import { readFile } from 'node:fs/promises';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { OrderSchema } from '../../../../functions/core/customers/model.ts';
import { parseCsv } from '../../../../functions/core/import/csv.ts';
import { type ImportKind, importText } from '../../../../functions/core/import/import-file.ts';
import { MemorySink } from '../../../support/memory-import-sink.ts';
import { hostileString } from '../../fuzz/arbitraries.ts';

const fixture = (path: string) =>
  readFile(new URL(`../../../fixtures/platforms/${path}`, import.meta.url), 'utf8');
const quote = (cell: string) => `"${cell.replaceAll('"', '""')}"`;

interface Case {
  readonly path: string;
  readonly kind: ImportKind;
  /** The column whose consecutive runs make one record (line-item exports), if any. */
  readonly groupBy?: string;
}

const cases: readonly Case[] = [
  { path: 'shopify/orders_export.csv', kind: 'orders', groupBy: 'Name' },
  { path: 'shopify/customers_export.csv', kind: 'customers' },
  { path: 'stripe/payments.csv', kind: 'orders' },
  { path: 'stripe/payments.csv', kind: 'customers' },
  { path: 'woocommerce/orders-export.csv', kind: 'orders', groupBy: 'order_id' },
];

describe('platform presets under hostile cells', () => {
  for (const { path, kind, groupBy } of cases)
    it(`${path} as ${kind}: every record is written, rejected or skipped, and nothing throws`, async () => {
      const { records } = parseCsv(await fixture(path));
      const [header, ...rows] = records.map((record) => [...record.fields]);
      if (header === undefined) throw new Error(`${path} has no header`);
      const groupColumn = groupBy === undefined ? -1 : header.indexOf(groupBy);
      await fc.assert(
        fc.asyncProperty(
          fc.array(
            fc.tuple(
              fc.nat(rows.length - 1),
              fc.array(fc.tuple(fc.nat(header.length - 1), hostileString), { maxLength: 3 }),
            ),
            {
              minLength: 1,
              maxLength: 12,
            },
          ),
          async (picks) => {
            // Rows of the fixture, some cells replaced with hostile text.
            const data = picks.map(([row, changes]) => {
              const cells = [...(rows[row] ?? [])];
              for (const [column, text] of changes) cells[column] = text;
              return cells;
            });
            const text = [header, ...data].map((cells) => cells.map(quote).join(',')).join('\n');
            const sink = new MemorySink();
            const report = await importText(text, { file: path, kind, format: 'csv' }, sink);
            if (report.stopped !== undefined) return;
            let records = data.length;
            if (groupColumn >= 0)
              records = data.filter(
                (cells, i) =>
                  i === 0 ||
                  cells[groupColumn]?.trim() === '' ||
                  cells[groupColumn]?.trim() !== data[i - 1]?.[groupColumn]?.trim(),
              ).length;
            // Every cell is quoted, so hostile text never splits or merges records: each one is accounted for.
            expect(report.written + report.rejectedTotal + report.skippedTotal).toBe(records);
            for (const order of sink.orders.values()) expect(OrderSchema.safeParse(order).success).toBe(true);
          },
        ),
        { numRuns: 60 },
      );
    });
});
