import type { z } from 'zod';
import { type CsvRecord, CsvTokenizer, notUtf8, REPLACEMENT_CHARACTER } from './csv.ts';

/** A row that was refused, with where it was and why, so the sender of the file can fix it. */
export interface RejectedRow {
  readonly line: number;
  readonly reason: string;
}

export interface ParsedRows<T> {
  readonly rows: { line: number; value: T }[];
  readonly rejected: RejectedRow[];
}

/**
 * What one row became: a valid value, or a rejection with its reason. `stop` marks the end of what
 * can be read: the file is broken from `line` on (csv.ts), and no outcome follows.
 */
export type RowOutcome<T> =
  | { readonly ok: true; readonly line: number; readonly value: T }
  | { readonly ok: false; readonly line: number; readonly reason: string; readonly stop?: true };

export type ImportFormat = 'csv' | 'jsonl';

/** The zod issues of one row as one line: `field message; field message`. */
export function describeIssues(error: z.ZodError): string {
  return error.issues
    .map((issue) => `${issue.path.length > 0 ? issue.path.join('.') : 'row'} ${issue.message}`)
    .join('; ');
}

/**
 * A CSV row as the object its schema reads. A dotted column is a field of an object, as in JSON:
 * `resolutions.hi` sets `resolutions: { hi }`. An empty cell means "not given", so defaults apply.
 * fromEntries makes every column an own key, so a column named "__proto__" is refused as unknown
 * instead of vanishing.
 */
function csvCandidate(columns: readonly string[], fields: readonly string[]): Record<string, unknown> {
  const flat: [string, string][] = [];
  const nested = new Map<string, [string, string][]>();
  columns.forEach((column, i) => {
    const value = fields[i] ?? '';
    if (value === '') return;
    const dot = column.indexOf('.');
    if (dot < 0) flat.push([column, value]);
    else {
      const parent = column.slice(0, dot);
      const entries = nested.get(parent) ?? [];
      entries.push([column.slice(dot + 1), value]);
      nested.set(parent, entries);
    }
  });
  return Object.fromEntries([
    ...flat,
    ...[...nested].map(([parent, entries]) => [parent, Object.fromEntries(entries)] as const),
  ]);
}

/** A header naming a column twice, or both `a` and `a.b`: which value is meant is unclear. */
function headerFault(columns: readonly string[]): string | undefined {
  const seen = new Set<string>();
  for (const column of columns) {
    if (seen.has(column)) return `the header names column "${column}" twice`;
    seen.add(column);
  }
  const parent = columns.find(
    (column) => column.includes('.') && seen.has(column.slice(0, column.indexOf('.'))),
  );
  return parent === undefined
    ? undefined
    : `the header has both "${parent.slice(0, parent.indexOf('.'))}" and "${parent}"`;
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
  /** Why no row can be read (a column named twice); every row is refused with it. */
  #headerFault: string | undefined;
  #jsonTail = '';
  #jsonLine = 0;
  #stopReported = false;

  constructor(format: ImportFormat, schema: z.ZodType<T>) {
    this.#format = format;
    this.#schema = schema;
  }

  push(chunk: string): RowOutcome<T>[] {
    if (this.#format === 'csv')
      return this.#stopReported ? [] : this.#csvStopped(this.#csvRecords(this.#csv.push(chunk)));
    if (this.#stopReported) return [];
    const text = this.#jsonTail + chunk;
    const lines = text.split('\n');
    this.#jsonTail = lines.pop() ?? '';
    const outcomes: RowOutcome<T>[] = [];
    for (const raw of lines) {
      outcomes.push(...this.#jsonRow(raw));
      if (this.#stopReported) break;
    }
    return outcomes;
  }

  end(): RowOutcome<T>[] {
    if (this.#format === 'csv') {
      const stopped = this.#stopReported || this.#csv.fault !== undefined;
      const { records } = this.#csv.end();
      return stopped ? [] : this.#csvStopped(this.#csvRecords(records));
    }
    const tail = this.#jsonTail;
    this.#jsonTail = '';
    return this.#stopReported ? [] : this.#jsonRow(tail);
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
    if (raw.includes(REPLACEMENT_CHARACTER)) {
      this.#stopReported = true;
      return [{ ok: false, line, reason: notUtf8(line), stop: true }];
    }
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

  /** The outcomes, then the stop if the tokenizer stopped (reported once). */
  #csvStopped(outcomes: RowOutcome<T>[]): RowOutcome<T>[] {
    const fault = this.#csv.fault;
    if (fault !== undefined && !this.#stopReported) {
      this.#stopReported = true;
      outcomes.push({ ok: false, line: fault.line, reason: fault.reason, stop: true });
    }
    return outcomes;
  }

  #csvRecords(records: readonly CsvRecord[]): RowOutcome<T>[] {
    const outcomes: RowOutcome<T>[] = [];
    for (const record of records) {
      if (this.#columns === undefined) {
        this.#columns = record.fields.map((name) => name.trim());
        this.#headerFault =
          record.fault === undefined ? headerFault(this.#columns) : `the header's ${record.fault}`;
        continue;
      }
      const outcome = this.#csvRecord(this.#columns, record);
      // A row over several lines (quoted line breaks) is rejected for all of them: say which, and
      // what it may be (a quote left open that a later one closed cleanly swallowed the rows between).
      const { line, lastLine } = record;
      outcomes.push(
        outcome.ok || lastLine === line
          ? outcome
          : {
              ...outcome,
              reason: `${outcome.reason} (the row spans lines ${line}–${lastLine} through a quoted field: if those lines are rows, a closing quote is missing on line ${line})`,
            },
      );
    }
    return outcomes;
  }

  #csvRecord(columns: readonly string[], record: CsvRecord): RowOutcome<T> {
    const { line } = record;
    if (record.fault !== undefined) return { ok: false, line, reason: record.fault };
    if (record.fields.length !== columns.length)
      return {
        ok: false,
        line,
        reason: `has ${record.fields.length} fields, the header has ${columns.length}`,
      };
    if (this.#headerFault !== undefined) return { ok: false, line, reason: this.#headerFault };
    return this.#validate(line, csvCandidate(columns, record.fields));
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
