import { createReadStream } from 'node:fs';
import { readFile, stat } from 'node:fs/promises';
import { StringDecoder } from 'node:string_decoder';
import { parseArgs } from 'node:util';
import type { Customer, Incident, Order } from '../../core/customers/model.ts';
import type { ImportKind, ImportReport } from '../../core/import/import-file.ts';
import type { ImportFormat } from '../../core/import/import-rows.ts';
import { presetNamed, presetNames } from '../../core/import/presets/index.ts';
import { parseMapping } from '../../core/import/presets/mapping.ts';
import type { Preset, PresetOptions } from '../../core/import/presets/preset.ts';
import { isTimeZone } from '../../core/time-zone.ts';
import type { ForgottenRegister } from '../../ports/privacy-store.ts';
import type { ImportSink } from '../../ports/segmentation-store.ts';
import { type Command, UsageError } from '../command.ts';
import type { Output } from '../output.ts';

const usage = [
  'rekindle import customers|orders|incidents FILE [--format FORMAT] [--map MAP.yaml] [--time-zone ZONE] [--config FILE] [--check] [--table NAME]',
  '  FORMAT: csv, jsonl or json (ours; from the file name by default), or a platform export:',
  '          shopify-customers, shopify-orders, stripe-payments, woocommerce-orders (recognised by header too)',
  '  --map MAP.yaml   any other CSV: which column holds which field, the date format (docs/integrations.md)',
  '  --time-zone ZONE the zone of dates written without one (WooCommerce CSV, a mapping);',
  '                   default: shop.fallbackTimeZone of --config (config/rekindle.yaml), else UTC',
  '  --check          offline: print what would be written and what rejected, write nothing (exit 1 if rejected)',
  '  table also from REKINDLE_TABLE',
].join('\n');
const kinds: readonly ImportKind[] = ['customers', 'orders', 'incidents'];
const listedRejections = 50;
const listedSkipped = 10;
const listedRows = 20;

/** The sink of `--check`: keeps a count and the first rows, writes nothing anywhere. */
export class CheckSink implements ImportSink {
  readonly rows: (Customer | Order | Incident)[] = [];
  async putCustomers(customers: readonly Customer[]): Promise<void> {
    this.#keep(customers);
  }
  async putOrders(orders: readonly Order[]): Promise<void> {
    this.#keep(orders);
  }
  async putIncidents(incidents: readonly Incident[]): Promise<void> {
    this.#keep(incidents);
  }
  #keep(rows: readonly (Customer | Order | Incident)[]): void {
    for (const row of rows) if (this.rows.length < listedRows) this.rows.push(row);
  }
}

/** Why a file could not be read, for people: "no such file", not a stack trace. */
export const unreadable = (error: unknown) =>
  error instanceof Error && 'code' in error && error.code === 'ENOENT'
    ? 'no such file'
    : error instanceof Error
      ? error.message
      : String(error);

/** The file format and layout the options name, or the usage error saying what is accepted. */
async function resolveLayout(
  kind: ImportKind,
  file: string,
  options: { format?: string | undefined; map?: string | undefined },
): Promise<{ format: ImportFormat; preset?: Preset } | { errors: readonly string[] }> {
  const fromName: ImportFormat | undefined = file.endsWith('.jsonl')
    ? 'jsonl'
    : file.endsWith('.json')
      ? 'json'
      : file.endsWith('.csv')
        ? 'csv'
        : undefined;
  if (options.map !== undefined) {
    if (
      (options.format !== undefined && options.format !== 'csv') ||
      fromName === 'json' ||
      fromName === 'jsonl'
    )
      throw new UsageError('--map reads a CSV file: leave out --format, or pass --format csv');
    const text = await readFile(options.map, 'utf8').catch((error: unknown) => {
      throw new UsageError(`cannot read the mapping file ${options.map}: ${unreadable(error)}`);
    });
    const mapping = parseMapping(text, kind, options.map);
    return mapping.ok ? { format: 'csv', preset: mapping.preset } : { errors: mapping.errors };
  }
  const format = options.format;
  if (format === undefined) {
    if (fromName === undefined)
      throw new UsageError('cannot tell the format from the file name: pass --format csv, jsonl or json');
    return { format: fromName };
  }
  if (format === 'csv' || format === 'jsonl' || format === 'json') return { format };
  const preset = presetNamed(format, kind);
  if (preset === undefined)
    throw new UsageError(
      `--format ${format} is not one of csv, jsonl, json${presetNames(kind)
        .map((name) => `, ${name}`)
        .join('')} for ${kind}`,
    );
  return {
    format: preset.csv === undefined ? (fromName === 'jsonl' ? 'jsonl' : 'json') : (fromName ?? 'csv'),
    preset,
  };
}

/** The file as UTF-8 text chunks, counting bytes read for the progress bar. */
async function* readChunks(file: string, onBytes: (bytes: number) => void): AsyncIterable<string> {
  const decoder = new StringDecoder('utf8');
  let bytes = 0;
  for await (const chunk of createReadStream(file, { highWaterMark: 256 * 1024 })) {
    const buffer = Buffer.isBuffer(chunk) ? chunk : Buffer.from(String(chunk));
    bytes += buffer.length;
    onBytes(bytes);
    yield decoder.write(buffer);
  }
  const rest = decoder.end();
  if (rest !== '') yield rest;
}

/** A progress bar on stderr: redrawn in place on a terminal, a line per 10% otherwise. */
function progressBar(out: Output, total: number, tty: boolean) {
  let lastTenth = -1;
  return (bytes: number, counts: { written: number; rejected: number }, done = false) => {
    const share = total === 0 ? 1 : Math.min(1, bytes / total);
    const text = `[${'#'.repeat(Math.round(share * 30)).padEnd(30, '.')}] ${Math.floor(share * 100)
      .toString()
      .padStart(
        3,
      )}%  ${counts.written.toLocaleString('en')} written, ${counts.rejected.toLocaleString('en')} rejected`;
    if (tty) {
      process.stderr.write(`\r${text}${done ? '\n' : ''}`);
      return;
    }
    const tenth = Math.floor(share * 10);
    if (tenth > lastTenth || done) {
      lastTenth = tenth;
      out.error(text);
    }
  };
}

/** A file to import and how it is laid out, before any time zone for dates written without one. */
export interface ImportSource {
  readonly kind: ImportKind;
  readonly file: string;
  readonly format: ImportFormat;
  readonly preset?: Preset;
}

/**
 * The file, checked to exist, with the format and layout the options name; the usage errors saying
 * what is accepted otherwise. `rekindle import` and `rekindle plan` read their files through it.
 */
export async function resolveSource(
  kind: ImportKind,
  file: string,
  options: { format?: string | undefined; map?: string | undefined },
): Promise<ImportSource | { errors: readonly string[] }> {
  await stat(file).catch((error: unknown) => {
    throw new UsageError(`cannot read ${file}: ${unreadable(error)}`);
  });
  const layout = await resolveLayout(kind, file, options);
  if ('errors' in layout) return layout;
  return {
    kind,
    file,
    format: layout.format,
    ...(layout.preset === undefined ? {} : { preset: layout.preset }),
  };
}

/** Streams FILE through the import validation into `sink`; shared by the command and its tests. */
export async function importFile(
  options: {
    kind: ImportKind;
    file: string;
    format: ImportFormat;
    /** The platform layout or mapping the file must have; without one, a platform header is recognised. */
    preset?: Preset;
    presetOptions?: PresetOptions;
    sink: ImportSink;
    /** People erased on request, whose rows are refused. */
    forgotten?: ForgottenRegister;
  },
  out: Output,
  tty = false,
): Promise<ImportReport> {
  const { importStream } = await import('../../core/import/import-file.ts');
  const { size } = await stat(options.file);
  const draw = progressBar(out, size, tty);
  let bytes = 0;
  const report = await importStream(
    readChunks(options.file, (read) => {
      bytes = read;
    }),
    {
      file: options.file,
      kind: options.kind,
      format: options.format,
      ...(options.preset === undefined ? {} : { preset: options.preset }),
      ...(options.presetOptions === undefined ? {} : { presetOptions: options.presetOptions }),
    },
    options.sink,
    {
      onProgress: ({ written, rejected }) => draw(bytes, { written, rejected }),
      ...(options.forgotten === undefined ? {} : { forgotten: options.forgotten }),
    },
  );
  draw(size, { written: report.written, rejected: report.rejectedTotal }, true);
  return report;
}

/** The closing summary: rows written, rows rejected with line numbers and reasons. */
export function printImportSummary(report: ImportReport, out: Output, check = false): void {
  if (report.layout !== undefined) out.line(`${report.file}: read as ${report.layout}`);
  for (const note of report.notes) out.line(`  note: ${note}`);
  out.line(
    `${report.file}: ${report.written.toLocaleString('en')} ${report.kind} rows ${check ? 'would be written' : 'written'}, ${report.rejectedTotal.toLocaleString('en')} rejected${report.skippedTotal > 0 ? `, ${report.skippedTotal.toLocaleString('en')} skipped (no ${report.kind} row in them)` : ''}`,
  );
  for (const row of report.skipped.slice(0, listedSkipped))
    out.line(`  line ${row.line}: skipped: ${row.reason}`);
  if (report.skippedTotal > listedSkipped)
    out.line(`  … and ${(report.skippedTotal - listedSkipped).toLocaleString('en')} more skipped`);
  for (const row of report.rejected.slice(0, listedRejections)) out.line(`  line ${row.line}: ${row.reason}`);
  if (report.rejectedTotal > listedRejections)
    out.line(`  … and ${(report.rejectedTotal - listedRejections).toLocaleString('en')} more`);
  if (report.stopped !== undefined) {
    const { line, reason } = report.stopped;
    out.line(`  stopped at line ${line}: ${reason}`);
    out.line(`  nothing from line ${line} on was imported: fix the file and import it again`);
  }
}

/**
 * The config's `shop.fallbackTimeZone`, the zone of dates written without one when `--time-zone`
 * is not given (the S3 import reads the same field); undefined (UTC) without a readable config.
 */
async function fallbackTimeZone(file: string | undefined, out: Output): Promise<string | undefined> {
  const path = file ?? 'config/rekindle.yaml';
  let text: string;
  try {
    text = await readFile(path, 'utf8');
  } catch (error: unknown) {
    if (file !== undefined) throw new UsageError(`cannot read --config ${file}: ${unreadable(error)}`);
    return undefined;
  }
  const { parseConfig } = await import('../../core/config/load.ts');
  const parsed = parseConfig(text, path);
  if (parsed.ok) return parsed.config.shop.fallbackTimeZone;
  out.error(`${path} is invalid (see rekindle validate): dates without a zone are read in UTC`);
  return undefined;
}

/** `rekindle import`: a customers, orders or incidents file into the table, validated row by row. */
export const importCommand: Command = {
  name: 'import',
  summary:
    'import customers, orders or incidents (CSV, JSONL, JSON, or a Shopify, Stripe or WooCommerce export) into the table; --check offline',
  usage,
  async run(argv, out) {
    const { values, positionals } = parseArgs({
      args: [...argv],
      options: {
        table: { type: 'string' },
        format: { type: 'string' },
        map: { type: 'string' },
        'time-zone': { type: 'string' },
        config: { type: 'string' },
        check: { type: 'boolean', default: false },
      },
      allowPositionals: true,
      strict: true,
    });
    const [kindArg, file, ...extra] = positionals;
    const kind = kinds.find((candidate) => candidate === kindArg);
    if (kind === undefined) throw new UsageError(`the first argument must be one of ${kinds.join(', ')}`);
    if (file === undefined || extra.length > 0) throw new UsageError('expected exactly one FILE');
    const timeZone = values['time-zone'];
    if (timeZone !== undefined && !isTimeZone(timeZone))
      throw new UsageError(`--time-zone ${timeZone} is not an IANA time zone such as Europe/London`);
    const resolved = await resolveSource(kind, file, { format: values.format, map: values.map });
    if ('errors' in resolved) {
      for (const error of resolved.errors) out.error(error);
      return 2;
    }
    const zone = timeZone ?? (await fallbackTimeZone(values.config, out));
    const presetOptions: PresetOptions = zone === undefined ? {} : { timeZone: zone };
    const source = { ...resolved, presetOptions };
    if (values.check) return checkFile(source, out);
    const table = values.table ?? process.env.REKINDLE_TABLE;
    if (table === undefined || table === '') throw new UsageError('pass --table NAME or set REKINDLE_TABLE');
    // Loaded on use: the SDK is heavy and other commands never need it.
    const [{ DynamoDBClient }, { DynamoSegmentationStore }, { DynamoForgottenRegister }] = await Promise.all([
      import('@aws-sdk/client-dynamodb'),
      import('../../adapters/dynamo/segmentation-store.ts'),
      import('../../adapters/dynamo/privacy-store.ts'),
    ]);
    // The endpoint comes from AWS_ENDPOINT_URL_DYNAMODB when set, as everywhere else.
    const client = new DynamoDBClient({});
    try {
      const sink = new DynamoSegmentationStore(client, table);
      const forgotten = new DynamoForgottenRegister(client, table);
      const report = await importFile({ ...source, sink, forgotten }, out, process.stderr.isTTY === true);
      printImportSummary(report, out);
      return report.rejectedTotal > 0 || report.stopped !== undefined ? 1 : 0;
    } finally {
      client.destroy();
    }
  },
};

/**
 * `--check`: the whole import offline (no AWS, no table): what would be written, the first rows as
 * they would be stored, what is rejected with line and reason. Exit 1 if anything is rejected.
 * People erased on request are not known offline: the real import may still refuse their rows.
 */
export async function checkFile(
  source: ImportSource & { presetOptions?: PresetOptions },
  out: Output,
): Promise<number> {
  const sink = new CheckSink();
  // No progress bar: its "written" would read as if something had been.
  const quiet: Output = {
    line: (text) => out.line(text),
    error: () => undefined,
    json: (value) => out.json(value),
  };
  const report = await importFile({ ...source, sink }, quiet, false);
  printImportSummary(report, out, true);
  if (sink.rows.length > 0) {
    out.line(
      sink.rows.length === report.written
        ? 'rows as they would be written:'
        : `the first ${sink.rows.length} rows as they would be written:`,
    );
    for (const row of sink.rows) out.line(`  ${JSON.stringify(row)}`);
  }
  out.line(
    'checked offline: nothing was written (people erased on request are checked only by the import itself)',
  );
  return report.rejectedTotal > 0 || report.stopped !== undefined ? 1 : 0;
}
