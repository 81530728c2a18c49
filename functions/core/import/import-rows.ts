import type { z } from 'zod';
import { parseCsv } from './csv.ts';

/** A row that was refused, with where it was and why, so the sender of the file can fix it. */
export interface RejectedRow {
  readonly line: number;
  readonly reason: string;
}

export interface ParsedRows<T> {
  readonly rows: { line: number; value: T }[];
  readonly rejected: RejectedRow[];
}

function describe(error: z.ZodError): string {
  return error.issues
    .map((issue) => `${issue.path.length > 0 ? issue.path.join('.') : 'row'} ${issue.message}`)
    .join('; ');
}

/**
 * Reads CSV (header row first) or JSON Lines text and validates each row with `schema`. Bad rows are
 * returned with their line and reason; good rows are never dropped because a neighbour was bad.
 */
export function parseRows<T>(text: string, format: 'csv' | 'jsonl', schema: z.ZodType<T>): ParsedRows<T> {
  const rows: { line: number; value: T }[] = [];
  const rejected: RejectedRow[] = [];
  const accept = (line: number, candidate: unknown) => {
    const result = schema.safeParse(candidate);
    if (result.success) rows.push({ line, value: result.data });
    else rejected.push({ line, reason: describe(result.error) });
  };
  if (format === 'jsonl') {
    text.split('\n').forEach((raw, index) => {
      if (raw.trim() === '') return;
      let candidate: unknown;
      try {
        candidate = JSON.parse(raw);
      } catch {
        rejected.push({ line: index + 1, reason: 'is not valid JSON' });
        return;
      }
      accept(index + 1, candidate);
    });
    return { rows, rejected };
  }
  const { records, faults } = parseCsv(text);
  rejected.push(...faults);
  const [header, ...body] = records;
  if (header === undefined) return { rows, rejected };
  const columns = header.fields.map((name) => name.trim());
  for (const record of body) {
    if (record.fields.length !== columns.length) {
      rejected.push({
        line: record.line,
        reason: `has ${record.fields.length} fields, the header has ${columns.length}`,
      });
      continue;
    }
    const candidate: Record<string, string> = {};
    columns.forEach((column, i) => {
      const value = record.fields[i] ?? '';
      // An empty cell means "not given", so defaults apply.
      if (value !== '') candidate[column] = value;
    });
    accept(record.line, candidate);
  }
  rejected.sort((a, b) => a.line - b.line);
  return { rows, rejected };
}
