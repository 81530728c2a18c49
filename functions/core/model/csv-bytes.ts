import { isUtf8 } from 'node:buffer';
import type { RejectedLine } from './rfm.ts';
import type { SummaryTable } from './summary-csv.ts';

/**
 * What the fast CSV readers (summary-csv.ts, transactions-csv.ts) share outside their per-byte loops.
 * Their loops keep their own byte constants and small helpers: called across modules (a getter each
 * time where the module is loaded as CommonJS) they made the readers two to four times slower.
 */
const NEWLINE = 0x0a;
const CR = 0x0d;
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
