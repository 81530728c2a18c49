import type { z } from 'zod';
import type { ForgottenRegister } from '../../ports/privacy-store.ts';
import type { ImportSink } from '../../ports/segmentation-store.ts';
import {
  type Customer,
  CustomerSchema,
  type Incident,
  IncidentSchema,
  type Order,
  OrderSchema,
} from '../customers/model.ts';
import { TAG_VALUE_MAX, tagValueFits } from '../domain/message-tags.ts';
import { type ImportFormat, type RejectedRow, RowReader } from './import-rows.ts';
import { presetsFor } from './presets/index.ts';
import type { Preset, PresetOptions } from './presets/preset.ts';

export type ImportKind = 'customers' | 'orders' | 'incidents';
export const importKinds: readonly ImportKind[] = ['customers', 'orders', 'incidents'];

export interface ImportReport {
  readonly file: string;
  readonly kind: ImportKind;
  readonly written: number;
  /** Every rejected row, in line order, up to `maxRejectedListed`; `rejectedTotal` counts them all. */
  readonly rejected: readonly RejectedRow[];
  readonly rejectedTotal: number;
  /**
   * Records that hold no row and are no error (a failed payment, a customer already read from an
   * earlier order), listed like `rejected`; they do not fail the import.
   */
  readonly skipped: readonly RejectedRow[];
  readonly skippedTotal: number;
  /** The platform layout the file was read as (named or recognised by its header), if any. */
  readonly layout?: string;
  /** What the import assumed for this layout: keys, defaults for what the platform lacks. */
  readonly notes: readonly string[];
  /**
   * Set when the file is broken from `line` on (an unterminated quote, text that is not UTF-8):
   * the rows before it are written or rejected as reported, and nothing from `line` on was imported.
   * Fix the file and import it again; rows already written are simply written again.
   */
  readonly stopped?: { readonly line: number; readonly reason: string };
}

export interface ImportSource {
  readonly file: string;
  readonly kind: ImportKind;
  readonly format: ImportFormat;
  /**
   * The layout the file must have (a platform preset, a mapping file). Without one, a CSV header
   * or first JSON object in a platform's layout is recognised; anything else is read as ours.
   */
  readonly preset?: Preset;
  /** Options of the layout: the zone of dates written without one. */
  readonly presetOptions?: PresetOptions;
}

export interface ImportOptions {
  /** Rows per write; the adapter splits them into DynamoDB batches of 25. @default 500 */
  readonly batchSize?: number;
  /** Called after each chunk with the characters consumed so far and the running counts. */
  readonly onProgress?: (progress: { chars: number; written: number; rejected: number }) => void;
  /** A report lists at most this many rejected rows (a bad export can have millions). @default 10000 */
  readonly maxRejectedListed?: number;
  /**
   * People erased on request: their rows are rejected, never written again. Every import that
   * writes passes it; only an offline check of a file has none.
   */
  readonly forgotten?: ForgottenRegister;
}

const erasedReason = 'this person was erased on request (rekindle forget): not imported';

/** The kind and format of an import, from its name: `.../customers*.csv`, `.../incidents*.jsonl`. */
export function describeImport(name: string): { kind: ImportKind; format: ImportFormat } | undefined {
  const base = name.split('/').at(-1)?.toLowerCase() ?? '';
  const format = base.endsWith('.csv')
    ? 'csv'
    : base.endsWith('.jsonl')
      ? 'jsonl'
      : base.endsWith('.json')
        ? 'json'
        : undefined;
  const kind = importKinds.find((candidate) => base.startsWith(candidate));
  return format === undefined || kind === undefined ? undefined : { kind, format };
}

/** Why a customer id that cannot travel in an SES message tag (message-tags.ts) is refused. */
const customerIdTooLong = `customerId is too long to send: it must encode to at most ${TAG_VALUE_MAX} characters, where letters, digits and "-" count 1, other ASCII characters 3 and others 6 to 12 (at most 85 characters of any ASCII)`;

interface KindSpec<T> {
  readonly schema: z.ZodType<T>;
  readonly id: (row: T) => string;
  readonly idName: string;
  /** The customer the row is about; its id travels in SES message tags, so it must fit one. */
  readonly customerId: (row: T) => string;
  /** The row's address, for rows that carry one (customers). */
  readonly email?: (row: T) => string;
  readonly write: (sink: ImportSink, rows: readonly T[]) => Promise<void>;
}

const specs: { customers: KindSpec<Customer>; orders: KindSpec<Order>; incidents: KindSpec<Incident> } = {
  customers: {
    schema: CustomerSchema,
    id: (row) => row.customerId,
    idName: 'customerId',
    customerId: (row) => row.customerId,
    email: (row) => row.email,
    write: (sink, rows) => sink.putCustomers(rows),
  },
  orders: {
    schema: OrderSchema,
    id: (row) => row.orderId,
    idName: 'orderId',
    customerId: (row) => row.customerId,
    write: (sink, rows) => sink.putOrders(rows),
  },
  incidents: {
    schema: IncidentSchema,
    id: (row) => row.incidentId,
    idName: 'incidentId',
    customerId: (row) => row.customerId,
    write: (sink, rows) => sink.putIncidents(rows),
  },
};

/**
 * Streams `chunks` through the row validator and writes good rows in batches as it goes, so rows are
 * never all held at once. Bad rows are reported with line and reason and skipped; a second row with
 * an id seen earlier in the file is refused (which one would be meant is unclear). That check keeps
 * every distinct id of the file with its line, so memory grows with the number of ids: about 50
 * bytes plus the id's length each (measured: ≈ 65 B for 9-character ids, ≈ 90 B for UUIDs). A file
 * of 5 million UUIDs needs ≈ 0.5 GB for it on top of the handler's ≈ 80 MB, which the import-file
 * function's 1,024 MB still holds; split bigger files or raise that function's memory.
 * Every write is a put keyed by the row's id, so importing the same file twice changes nothing.
 */
export async function importStream(
  chunks: AsyncIterable<string> | Iterable<string>,
  source: ImportSource,
  sink: ImportSink,
  options: ImportOptions = {},
): Promise<ImportReport> {
  switch (source.kind) {
    case 'customers':
      return run(specs.customers, chunks, source, sink, options);
    case 'orders':
      return run(specs.orders, chunks, source, sink, options);
    case 'incidents':
      return run(specs.incidents, chunks, source, sink, options);
  }
}

async function run<T>(
  spec: KindSpec<T>,
  chunks: AsyncIterable<string> | Iterable<string>,
  source: ImportSource,
  sink: ImportSink,
  options: ImportOptions,
): Promise<ImportReport> {
  const batchSize = options.batchSize ?? 500;
  const maxListed = options.maxRejectedListed ?? 10_000;
  const reader = new RowReader(source.format, spec.schema, {
    ...(source.preset === undefined ? {} : { preset: source.preset }),
    candidates: presetsFor(source.kind),
    ...(source.presetOptions === undefined ? {} : { presetOptions: source.presetOptions }),
  });
  // One entry per distinct id for the whole file: the part of the import's memory that grows with it.
  const firstLineOf = new Map<string, number>();
  const rejected: RejectedRow[] = [];
  let rejectedTotal = 0;
  const skipped: RejectedRow[] = [];
  let skippedTotal = 0;
  let written = 0;
  let chars = 0;
  let batch: { row: T; line: number }[] = [];
  const reject = (row: RejectedRow) => {
    rejectedTotal += 1;
    if (rejected.length < maxListed) rejected.push(row);
  };
  const flush = async () => {
    if (batch.length === 0) return;
    let entries = batch;
    batch = [];
    if (options.forgotten !== undefined) {
      const gone = await options.forgotten.forgotten({
        customerIds: entries.map((entry) => spec.customerId(entry.row)),
        emails: spec.email === undefined ? [] : entries.map((entry) => spec.email?.(entry.row) ?? ''),
      });
      if (gone.customerIds.size + gone.emails.size > 0) {
        const erased = (entry: { row: T }) =>
          gone.customerIds.has(spec.customerId(entry.row)) || gone.emails.has(spec.email?.(entry.row) ?? '');
        for (const entry of entries) if (erased(entry)) reject({ line: entry.line, reason: erasedReason });
        entries = entries.filter((entry) => !erased(entry));
      }
    }
    await spec.write(
      sink,
      entries.map((entry) => entry.row),
    );
    written += entries.length;
  };
  let stopped: ImportReport['stopped'];
  const take = async (outcomes: ReturnType<RowReader<T>['push']>) => {
    for (const outcome of outcomes) {
      if (!outcome.ok && outcome.stop === true) {
        stopped = { line: outcome.line, reason: outcome.reason };
        return;
      }
      if (!outcome.ok && outcome.skip === true) {
        skippedTotal += 1;
        if (skipped.length < maxListed) skipped.push({ line: outcome.line, reason: outcome.reason });
        continue;
      }
      if (!outcome.ok) {
        reject({ line: outcome.line, reason: outcome.reason });
        continue;
      }
      if (!tagValueFits(spec.customerId(outcome.value))) {
        reject({ line: outcome.line, reason: customerIdTooLong });
        continue;
      }
      const id = spec.id(outcome.value);
      const first = firstLineOf.get(id);
      if (first !== undefined) {
        reject({ line: outcome.line, reason: `${spec.idName} "${id}" already appeared on line ${first}` });
        continue;
      }
      firstLineOf.set(id, outcome.line);
      batch.push({ row: outcome.value, line: outcome.line });
      if (batch.length >= batchSize) await flush();
    }
  };
  for await (const chunk of chunks) {
    chars += chunk.length;
    await take(reader.push(chunk));
    options.onProgress?.({ chars, written, rejected: rejectedTotal });
    if (stopped !== undefined) break;
  }
  if (stopped === undefined) await take(reader.end());
  await flush();
  options.onProgress?.({ chars, written, rejected: rejectedTotal });
  rejected.sort((a, b) => a.line - b.line);
  const layout = reader.preset;
  return {
    file: source.file,
    kind: source.kind,
    written,
    rejected,
    rejectedTotal,
    skipped,
    skippedTotal,
    ...(layout === undefined ? {} : { layout: layout.label }),
    notes: layout === undefined ? [] : layout.notes(source.presetOptions ?? {}),
    ...(stopped === undefined ? {} : { stopped }),
  };
}

/** Imports a whole text; see importStream. */
export function importText(
  text: string,
  source: ImportSource,
  sink: ImportSink,
  options: ImportOptions = {},
): Promise<ImportReport> {
  return importStream([text], source, sink, options);
}
