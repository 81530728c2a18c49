import type { z } from 'zod';
import { CsvTokenizer } from './csv.ts';

/** A row that was refused, with where it was and why, so the sender of the file can fix it. */
export interface RejectedRow {
  readonly line: number;
  readonly reason: string;
}

export interface ParsedRows<T> {
  readonly rows: { line: number; value: T }[];
  readonly rejected: RejectedRow[];
}

/** What one row became: a valid value, or a rejection with its reason. */
export type RowOutcome<T> =
  | { readonly ok: true; readonly line: number; readonly value: T }
  | { readonly ok: false; readonly line: number; readonly reason: string };

export type ImportFormat = 'csv' | 'jsonl';

/** The zod issues of one row as one line: `field message; field message`. */
export function describeIssues(error: z.ZodError): string {
  return error.issues
    .map((issue) => `${issue.path.length > 0 ? issue.path.join('.') : 'row'} ${issue.message}`)
    .join('; ');
}

/**
 * Reads CSV (header row first) or JSON Lines incrementally and validates each row with `schema`:
 * push chunks as they arrive, then `end()`. Memory stays bounded by the longest record, so the
 * CLI, the S3 import and tests share this one validation path for files of any size.
 */
export class RowReader<T> {
  readonly #format: ImportFormat;
  readonly #schema: z.ZodType<T>;
  readonly #csv = new CsvTokenizer();
  #columns: string[] | undefined;
  #jsonTail = '';
  #jsonLine = 0;

  constructor(format: ImportFormat, schema: z.ZodType<T>) {
    this.#format = format;
    this.#schema = schema;
  }

  push(chunk: string): RowOutcome<T>[] {
    if (this.#format === 'csv') return this.#csvRecords(this.#csv.push(chunk));
    const text = this.#jsonTail + chunk;
    const lines = text.split('\n');
    this.#jsonTail = lines.pop() ?? '';
    return lines.flatMap((raw) => this.#jsonRow(raw));
  }

  end(): RowOutcome<T>[] {
    if (this.#format === 'csv') {
      const { records, faults } = this.#csv.end();
      const outcomes = this.#csvRecords(records);
      for (const fault of faults) outcomes.push({ ok: false, ...fault });
      return outcomes;
    }
    const tail = this.#jsonTail;
    this.#jsonTail = '';
    return this.#jsonRow(tail);
  }

  #validate(line: number, candidate: unknown): RowOutcome<T> {
    const result = this.#schema.safeParse(candidate);
    return result.success
      ? { ok: true, line, value: result.data }
      : { ok: false, line, reason: describeIssues(result.error) };
  }

  #jsonRow(raw: string): RowOutcome<T>[] {
    this.#jsonLine += 1;
    const line = this.#jsonLine;
    if (raw.trim() === '') return [];
    let candidate: unknown;
    try {
      candidate = JSON.parse(raw.startsWith('\uFEFF') ? raw.slice(1) : raw);
    } catch {
      return [{ ok: false, line, reason: 'is not valid JSON' }];
    }
    if (typeof candidate !== 'object' || candidate === null || Array.isArray(candidate))
      return [{ ok: false, line, reason: 'is not a JSON object' }];
    return [this.#validate(line, candidate)];
  }

  #csvRecords(records: readonly { line: number; fields: readonly string[] }[]): RowOutcome<T>[] {
    const outcomes: RowOutcome<T>[] = [];
    for (const record of records) {
      if (this.#columns === undefined) {
        this.#columns = record.fields.map((name) => name.trim());
        continue;
      }
      const columns = this.#columns;
      if (record.fields.length !== columns.length) {
        outcomes.push({
          ok: false,
          line: record.line,
          reason: `has ${record.fields.length} fields, the header has ${columns.length}`,
        });
        continue;
      }
      // An empty cell means "not given", so defaults apply. fromEntries makes every column an own
      // key, so a column named "__proto__" is refused as unknown instead of vanishing.
      const candidate = Object.fromEntries(
        columns.flatMap((column, i) => {
          const value = record.fields[i] ?? '';
          return value === '' ? [] : [[column, value]];
        }),
      );
      outcomes.push(this.#validate(record.line, candidate));
    }
    return outcomes;
  }
}

/**
 * Reads a whole CSV or JSON Lines text and validates each row with `schema`. Bad rows are returned
 * with their line and reason; good rows are never dropped because a neighbour was bad.
 */
export function parseRows<T>(text: string, format: ImportFormat, schema: z.ZodType<T>): ParsedRows<T> {
  const reader = new RowReader(format, schema);
  const rows: { line: number; value: T }[] = [];
  const rejected: RejectedRow[] = [];
  for (const outcome of [...reader.push(text), ...reader.end()]) {
    if (outcome.ok) rows.push({ line: outcome.line, value: outcome.value });
    else rejected.push({ line: outcome.line, reason: outcome.reason });
  }
  rejected.sort((a, b) => a.line - b.line);
  return { rows, rejected };
}
