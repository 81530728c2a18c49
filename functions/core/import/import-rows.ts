import type { z } from 'zod';
import { type CsvRecord, CsvTokenizer, notUtf8, REPLACEMENT_CHARACTER } from './csv.ts';
import { arrayElementLines } from './json-array.ts';
import {
  type Cells,
  isRecord,
  missingColumns,
  type Preset,
  type PresetOptions,
  type PresetOutcome,
  type PresetRun,
} from './presets/preset.ts';

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
  | {
      readonly ok: false;
      readonly line: number;
      readonly reason: string;
      readonly stop?: true;
      /** A record that holds no row (a failed payment, a customer read already): not an error. */
      readonly skip?: true;
    };

/** CSV, JSON Lines, or a JSON array (as the WooCommerce REST API returns orders). */
export type ImportFormat = 'csv' | 'jsonl' | 'json';

/** A JSON array is parsed whole: files beyond this are refused (export JSON Lines or CSV instead). */
export const MAX_JSON_ARRAY_CHARS = 200_000_000;

export interface RowReaderOptions {
  /** The layout the file must have (`--format shopify-orders`, a mapping file). */
  readonly preset?: Preset;
  /** Layouts recognised by the CSV header or the first JSON object when none is named. */
  readonly candidates?: readonly Preset[];
  readonly presetOptions?: PresetOptions;
}

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
  readonly #options: RowReaderOptions;
  /** The preset reading this file, once the header or first object chose it. */
  #preset: Preset | undefined;
  #csvRun: PresetRun<Cells> | undefined;
  #jsonRun: PresetRun<Record<string, unknown>> | undefined;
  #jsonDecided = false;
  #jsonArray: string[] = [];
  #jsonArrayChars = 0;

  constructor(format: ImportFormat, schema: z.ZodType<T>, options: RowReaderOptions = {}) {
    this.#format = format;
    this.#schema = schema;
    this.#options = options;
    this.#preset = options.preset;
  }

  /** The preset the file is read with (named, or recognised), if any. */
  get preset(): Preset | undefined {
    return this.#preset;
  }

  push(chunk: string): RowOutcome<T>[] {
    if (this.#format === 'json') return this.#jsonArrayPush(chunk);
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
      if (stopped) return [];
      const outcomes = this.#csvStopped(this.#csvRecords(records));
      // A stop reported now ends the file: a group held back would span the broken part.
      if (this.#stopReported || this.#csvRun === undefined) return outcomes;
      return [...outcomes, ...this.#fromPreset(this.#csvRun.end())];
    }
    if (this.#format === 'json') return this.#jsonArrayEnd();
    const tail = this.#jsonTail;
    this.#jsonTail = '';
    if (this.#stopReported) return [];
    const outcomes = this.#jsonRow(tail);
    return this.#jsonRun === undefined || this.#stopReported
      ? outcomes
      : [...outcomes, ...this.#fromPreset(this.#jsonRun.end())];
  }

  /** Validates what a preset made of its records; its refusals and skips pass through. */
  #fromPreset(outcomes: readonly PresetOutcome[]): RowOutcome<T>[] {
    return outcomes.map((outcome) =>
      outcome.ok
        ? this.#validate(outcome.line, outcome.value)
        : outcome.skip === true
          ? { ok: false, line: outcome.line, reason: outcome.reason, skip: true }
          : { ok: false, line: outcome.line, reason: outcome.reason },
    );
  }

  #jsonArrayPush(chunk: string): RowOutcome<T>[] {
    if (this.#stopReported) return [];
    this.#jsonArrayChars += chunk.length;
    if (chunk.includes(REPLACEMENT_CHARACTER)) {
      this.#stopReported = true;
      const before = [...this.#jsonArray, chunk].join('');
      const line = before.slice(0, before.indexOf(REPLACEMENT_CHARACTER)).split('\n').length;
      return [{ ok: false, line, reason: notUtf8(line), stop: true }];
    }
    if (this.#jsonArrayChars > MAX_JSON_ARRAY_CHARS) {
      this.#stopReported = true;
      this.#jsonArray = [];
      return [
        {
          ok: false,
          line: 1,
          reason: `a JSON array longer than ${MAX_JSON_ARRAY_CHARS.toLocaleString('en')} characters is not read whole: save it as JSON Lines (one object a line)`,
          stop: true,
        },
      ];
    }
    this.#jsonArray.push(chunk);
    return [];
  }

  #jsonArrayEnd(): RowOutcome<T>[] {
    if (this.#stopReported) return [];
    const raw = this.#jsonArray.join('');
    this.#jsonArray = [];
    const text = raw.startsWith('\uFEFF') ? raw.slice(1) : raw;
    let parsed: unknown;
    try {
      parsed = JSON.parse(text);
    } catch (error: unknown) {
      this.#stopReported = true;
      const detail = error instanceof Error ? `: ${error.message}` : '';
      return [{ ok: false, line: 1, reason: `is not valid JSON${detail}`, stop: true }];
    }
    const elements = Array.isArray(parsed) ? parsed : [parsed];
    const lines = Array.isArray(parsed) ? arrayElementLines(text) : [1];
    const outcomes: RowOutcome<T>[] = [];
    elements.forEach((element, i) => {
      outcomes.push(...this.#jsonObject(lines[i] ?? 1, element));
    });
    if (this.#jsonRun !== undefined) outcomes.push(...this.#fromPreset(this.#jsonRun.end()));
    return outcomes;
  }

  /** One JSON object: through the preset the first object chose (or the one named), else our schema. */
  #jsonObject(line: number, candidate: unknown): RowOutcome<T>[] {
    if (!isRecord(candidate)) return [{ ok: false, line, reason: 'is not a JSON object' }];
    const object = candidate;
    if (!this.#jsonDecided) {
      this.#jsonDecided = true;
      const named = this.#options.preset;
      const preset =
        named ?? this.#options.candidates?.find((each) => each.json?.recognises(object) === true);
      if (preset !== undefined) {
        this.#preset = preset;
        if (preset.json !== undefined) this.#jsonRun = preset.json.start(this.#options.presetOptions ?? {});
      }
    }
    if (this.#preset !== undefined && this.#jsonRun === undefined)
      return [{ ok: false, line, reason: `the ${this.#preset.label} layout is CSV, not JSON` }];
    if (this.#jsonRun !== undefined) return this.#fromPreset(this.#jsonRun.push(line, object));
    return [this.#validate(line, object)];
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
    return this.#jsonObject(line, candidate);
  }

  /** The outcomes, then the stop if the tokenizer stopped (reported once). */
  #csvStopped(outcomes: RowOutcome<T>[]): RowOutcome<T>[] {
    const fault = this.#csv.fault;
    if (fault !== undefined && !this.#stopReported) {
      this.#stopReported = true;
      // An order a preset holds back began before the break: it is read from the rows before it.
      if (this.#csvRun !== undefined) outcomes.push(...this.#fromPreset(this.#csvRun.end()));
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
        this.#choosePreset(this.#columns);
        continue;
      }
      if (this.#csvRun !== undefined) {
        outcomes.push(...this.#csvPresetRecord(this.#columns, this.#csvRun, record));
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

  /** The named preset, or the first whose columns the header has; a named one the header lacks is a fault. */
  #choosePreset(columns: readonly string[]): void {
    const named = this.#options.preset;
    if (named !== undefined) {
      if (named.csv === undefined) {
        this.#headerFault = `the ${named.label} layout is JSON, not CSV`;
        return;
      }
      const missing = missingColumns(named, columns);
      if (missing.length > 0) {
        this.#headerFault = `the header is not a ${named.label}: it lacks ${missing.join(', ')}`;
        return;
      }
    }
    const preset =
      named ??
      this.#options.candidates?.find(
        (candidate) => candidate.csv !== undefined && missingColumns(candidate, columns).length === 0,
      );
    if (preset?.csv === undefined || this.#headerFault !== undefined) return;
    this.#preset = preset;
    this.#csvRun = preset.csv.start(columns, this.#options.presetOptions ?? {});
  }

  #csvPresetRecord(columns: readonly string[], run: PresetRun<Cells>, record: CsvRecord): RowOutcome<T>[] {
    const { line } = record;
    if (record.fault !== undefined) return [{ ok: false, line, reason: record.fault }];
    if (record.fields.length !== columns.length)
      return [
        { ok: false, line, reason: `has ${record.fields.length} fields, the header has ${columns.length}` },
      ];
    const at = new Map(columns.map((column, i) => [column, i]));
    const cells: Cells = (column) => {
      const i = at.get(column);
      return i === undefined ? '' : (record.fields[i] ?? '');
    };
    return this.#fromPreset(run.push(line, cells));
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
