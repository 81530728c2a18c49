import { createReadStream } from 'node:fs';
import { stat } from 'node:fs/promises';
import { StringDecoder } from 'node:string_decoder';
import { parseArgs } from 'node:util';
import type { ImportKind, ImportReport } from '../../core/import/import-file.ts';
import type { ImportFormat } from '../../core/import/import-rows.ts';
import type { ForgottenRegister } from '../../ports/privacy-store.ts';
import type { ImportSink } from '../../ports/segmentation-store.ts';
import { type Command, UsageError } from '../command.ts';
import type { Output } from '../output.ts';

const usage =
  'rekindle import customers|orders|incidents FILE [--table NAME] [--format csv|jsonl]  (table also from REKINDLE_TABLE)';
const kinds: readonly ImportKind[] = ['customers', 'orders', 'incidents'];
const listedRejections = 50;

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

/** Streams FILE through the import validation into `sink`; shared by the command and its tests. */
export async function importFile(
  options: {
    kind: ImportKind;
    file: string;
    format: ImportFormat;
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
    { file: options.file, kind: options.kind, format: options.format },
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
export function printImportSummary(report: ImportReport, out: Output): void {
  out.line(
    `${report.file}: ${report.written.toLocaleString('en')} ${report.kind} rows written, ${report.rejectedTotal.toLocaleString('en')} rejected`,
  );
  for (const row of report.rejected.slice(0, listedRejections)) out.line(`  line ${row.line}: ${row.reason}`);
  if (report.rejectedTotal > listedRejections)
    out.line(`  … and ${(report.rejectedTotal - listedRejections).toLocaleString('en')} more`);
  if (report.stopped !== undefined) {
    const { line, reason } = report.stopped;
    out.line(`  stopped at line ${line}: ${reason}`);
    out.line(`  nothing from line ${line} on was imported: fix the file and import it again`);
  }
}

/** `rekindle import`: a customers, orders or incidents file into the table, validated row by row. */
export const importCommand: Command = {
  name: 'import',
  summary: 'import customers, orders or incidents (CSV or JSONL) into the DynamoDB table',
  usage,
  async run(argv, out) {
    const { values, positionals } = parseArgs({
      args: [...argv],
      options: { table: { type: 'string' }, format: { type: 'string' } },
      allowPositionals: true,
      strict: true,
    });
    const [kindArg, file, ...extra] = positionals;
    const kind = kinds.find((candidate) => candidate === kindArg);
    if (kind === undefined) throw new UsageError(`the first argument must be one of ${kinds.join(', ')}`);
    if (file === undefined || extra.length > 0) throw new UsageError('expected exactly one FILE');
    const format =
      values.format ?? (file.endsWith('.jsonl') ? 'jsonl' : file.endsWith('.csv') ? 'csv' : undefined);
    if (format !== 'csv' && format !== 'jsonl')
      throw new UsageError('cannot tell the format from the file name: pass --format csv or --format jsonl');
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
      const report = await importFile(
        { kind, file, format, sink, forgotten },
        out,
        process.stderr.isTTY === true,
      );
      printImportSummary(report, out);
      return report.rejectedTotal > 0 || report.stopped !== undefined ? 1 : 0;
    } finally {
      client.destroy();
    }
  },
};
