import type { CustomerStore } from '../../ports/customer-store.ts';
import { CustomerSchema, OrderSchema } from '../customers/model.ts';
import { parseRows, type RejectedRow } from './import-rows.ts';

export type ImportKind = 'customers' | 'orders';

export interface ImportReport {
  readonly file: string;
  readonly kind: ImportKind;
  readonly written: number;
  readonly rejected: readonly RejectedRow[];
}

/** The kind and format of an import, from its name: `.../customers*.csv`, `.../orders*.jsonl`. */
export function describeImport(name: string): { kind: ImportKind; format: 'csv' | 'jsonl' } | undefined {
  const base = name.split('/').at(-1)?.toLowerCase() ?? '';
  const format = base.endsWith('.csv') ? 'csv' : base.endsWith('.jsonl') ? 'jsonl' : undefined;
  const kind = base.startsWith('customers') ? 'customers' : base.startsWith('orders') ? 'orders' : undefined;
  return format === undefined || kind === undefined ? undefined : { kind, format };
}

/** Validates every row and writes the good ones; the same file twice writes the same items. */
export async function importText(
  text: string,
  source: { file: string; kind: ImportKind; format: 'csv' | 'jsonl' },
  store: CustomerStore,
): Promise<ImportReport> {
  if (source.kind === 'customers') {
    const { rows, rejected } = parseRows(text, source.format, CustomerSchema);
    await store.putCustomers(rows.map((row) => row.value));
    return { file: source.file, kind: source.kind, written: rows.length, rejected };
  }
  const { rows, rejected } = parseRows(text, source.format, OrderSchema);
  await store.putOrders(rows.map((row) => row.value));
  return { file: source.file, kind: source.kind, written: rows.length, rejected };
}
