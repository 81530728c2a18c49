import { isUtf8 } from 'node:buffer';
import type { RejectedLine } from './rfm.ts';
import type { SummaryTable } from './summary-csv.ts';

/** The bytes the fast CSV readers (summary-csv.ts, transactions-csv.ts) look for. */
export const NEWLINE = 0x0a;
export const CR = 0x0d;
export const COMMA = 0x2c;
export const DOT = 0x2e;
export const ZERO = 0x30;
export const NINE = 0x39;
const QUOTE = 0x22;

export function allocate(length: number, shared: boolean): Float64Array {
  return shared ? new Float64Array(new SharedArrayBuffer(length * 8)) : new Float64Array(length);
}

/** Rows the reference readers produced, as a table's columns. */
export function tableOf(
  customers: readonly { customerId: string; frequency: number; recency: number; T: number }[],
  rejected: RejectedLine[],
  shared: boolean,
): SummaryTable {
  const n = customers.length;
  const frequency = allocate(n, shared);
  const recency = allocate(n, shared);
  const T = allocate(n, shared);
  customers.forEach((customer, i) => {
    frequency[i] = customer.frequency;
    recency[i] = customer.recency;
    T[i] = customer.T;
  });
  return {
    columns: { frequency, recency, T },
    size: n,
    customerId: (index) => customers[index]?.customerId ?? '',
    rejected,
  };
}

/** Whether a CR stands alone (the old Mac line end) anywhere. */
function hasLoneCr(bytes: Buffer): boolean {
  for (let at = bytes.indexOf(CR); at >= 0; at = bytes.indexOf(CR, at + 1))
    if (bytes[at + 1] !== NEWLINE) return true;
  return false;
}

/**
 * Whether a whole file is left to the reference reader: bytes that are not UTF-8, quotes, U+FFFD
 * itself (the reference reader stops there as on bad bytes) or lone CR line ends.
 */
export function needsReference(bytes: Buffer): boolean {
  return (
    !isUtf8(bytes) || bytes.indexOf(QUOTE) >= 0 || bytes.indexOf('\uFFFD', 0, 'utf8') >= 0 || hasLoneCr(bytes)
  );
}

/** A file's header line: its text (after any BOM), trimmed column names, and where it ends. */
export interface CsvHeader {
  readonly text: string;
  readonly columns: readonly string[];
  readonly end: number;
  /** No column twice and none with a dot: the fast path's column lookup then matches the reference's. */
  readonly plain: boolean;
}

export function readHeader(bytes: Buffer): CsvHeader {
  const bom = bytes[0] === 0xef && bytes[1] === 0xbb && bytes[2] === 0xbf ? 3 : 0;
  let end = bytes.indexOf(NEWLINE, bom);
  if (end < 0) end = bytes.length;
  const text = bytes.toString('utf8', bom, bytes[end - 1] === CR ? end - 1 : end);
  const columns = text.split(',').map((column) => column.trim());
  const plain = new Set(columns).size === columns.length && columns.every((column) => !column.includes('.'));
  return { text, columns, end, plain };
}

/** How many lines the bytes can hold at most: one more than their newlines. */
export function lineCapacity(bytes: Buffer): number {
  let capacity = 1;
  for (let at = bytes.indexOf(NEWLINE); at >= 0; at = bytes.indexOf(NEWLINE, at + 1)) capacity += 1;
  return capacity;
}

/**
 * Records in `starts` where each field of the line [from, to) begins; whether the line has
 * exactly `fieldCount` fields.
 */
export function splitFields(
  bytes: Buffer,
  from: number,
  to: number,
  starts: Int32Array,
  fieldCount: number,
): boolean {
  let commas = 0;
  starts[0] = from;
  for (let i = from; i < to; i += 1) {
    if (bytes[i] === COMMA) {
      commas += 1;
      if (commas < fieldCount) starts[commas] = i + 1;
    }
  }
  return commas === fieldCount - 1;
}

/** Where field k of a line ends: before the next field's comma, or at the line's end. */
export function fieldEnd(starts: Int32Array, k: number, lineEnd: number): number {
  return k + 1 < starts.length - 1 ? (starts[k + 1] ?? 0) - 1 : lineEnd;
}

/** Printable ASCII other than space: an id that starts and ends with one needs no trimming. */
export function isEdge(byte: number | undefined): boolean {
  return byte !== undefined && byte > 0x20 && byte < 0x7f;
}
