import { allocate, lineCapacity, needsReference, readHeader, tableOf } from './csv-bytes.ts';
import { parseSummaryCsv, type RejectedLine } from './rfm.ts';
import type { SummaryColumns } from './summary-data.ts';

/** A summary file read into columns: the customers' ids are decoded only when asked for. */
export interface SummaryTable {
  readonly columns: SummaryColumns;
  readonly size: number;
  customerId(index: number): string;
  readonly rejected: RejectedLine[];
}

/** Options of {@link readSummaryCsv}. */
export interface ReadSummaryOptions {
  /** Columns on SharedArrayBuffers, so a fit's worker threads read them without a copy. @default false */
  readonly shared?: boolean;
}

const NEWLINE = 0x0a;
const CR = 0x0d;
const COMMA = 0x2c;
const DOT = 0x2e;
const ZERO = 0x30;
const NINE = 0x39;
const REQUIRED = ['ID', 'frequency', 'recency', 'T'] as const;
/** Digits a mantissa may have for M / 10^k to be exact (M < 2^53, 10^k exact): then it is Number(text). */
const EXACT_DIGITS = 15;
const POWERS_OF_TEN = Array.from({ length: 23 }, (_, k) => 10 ** k);

/** The reference reader's result as a table: for files the fast path does not take on. */
function fromReference(bytes: Buffer, fileName: string, shared: boolean): SummaryTable {
  const { customers, rejected } = parseSummaryCsv(bytes.toString('utf8'), fileName);
  return tableOf(customers, rejected, shared);
}

/** Where field k of a line ends: before the next field's comma, or at the line's end. */
function fieldEnd(starts: Int32Array, k: number, lineEnd: number): number {
  return k + 1 < starts.length - 1 ? (starts[k + 1] ?? 0) - 1 : lineEnd;
}

/** Printable ASCII other than space: an id that starts and ends with one needs no trimming. */
function isEdge(byte: number | undefined): boolean {
  return byte !== undefined && byte > 0x20 && byte < 0x7f;
}

/**
 * The value of a plain decimal (digits, optionally a point and digits) in [from, to), exactly as
 * Number(text) reads it; NaN for anything else (signs, exponents, spaces, empty), which the caller
 * hands to the reference reader.
 */
function plainDecimal(bytes: Buffer, from: number, to: number, wholeOnly: boolean): number {
  if (from >= to) return Number.NaN;
  let mantissa = 0;
  let digits = 0;
  let point = -1;
  for (let i = from; i < to; i += 1) {
    const c = bytes[i] ?? 0;
    if (c >= ZERO && c <= NINE) {
      mantissa = mantissa * 10 + (c - ZERO);
      digits += 1;
    } else if (c === DOT && point < 0 && !wholeOnly && i > from && i < to - 1) point = i;
    else return Number.NaN;
  }
  if (digits <= EXACT_DIGITS) {
    const scale = point < 0 ? 0 : to - point - 1;
    return scale === 0 ? mantissa : mantissa / (POWERS_OF_TEN[scale] ?? Number.NaN);
  }
  if (wholeOnly) return Number.NaN;
  // Longer mantissas (17-digit floats from Python): Number itself, on text already checked to be plain.
  return Number(bytes.toString('latin1', from, to));
}

/**
 * Reads a summary CSV (`ID,frequency,recency,T`, the lifetimes / CDNOW layout) straight from its bytes
 * into columns, for files of millions of rows: one pass over the bytes, numbers parsed in place, ids
 * decoded only when asked for. It accepts and refuses exactly what {@link parseSummaryCsv} does, with
 * the same messages and lines: a row it cannot take at a glance (a sign, an exponent, a missing cell,
 * recency past T…) is read by that reference reader, and so is a whole file with quotes, bytes that
 * are not UTF-8, lone CR line ends or an unusual header.
 */
export function readSummaryCsv(
  bytes: Buffer,
  fileName: string,
  options: ReadSummaryOptions = {},
): SummaryTable {
  const shared = options.shared ?? false;
  if (needsReference(bytes)) return fromReference(bytes, fileName, shared);
  const header = readHeader(bytes);
  const positions = REQUIRED.map((column) => header.columns.indexOf(column));
  if (!header.plain || positions.some((position) => position < 0))
    return fromReference(bytes, fileName, shared);
  const [idAt = 0, frequencyAt = 0, recencyAt = 0, TAt = 0] = positions;
  const fieldCount = header.columns.length;
  const capacity = lineCapacity(bytes);
  const frequency = allocate(capacity, shared);
  const recency = allocate(capacity, shared);
  const T = allocate(capacity, shared);
  const idFrom = new Int32Array(capacity);
  const idTo = new Int32Array(capacity);
  const slowIds = new Map<number, string>();
  const rejected: RejectedLine[] = [];
  const starts = new Int32Array(fieldCount + 1);
  let size = 0;
  let line = 1;

  /** A row the fast path will not judge: the reference reader reads it after the header. */
  const viaReference = (from: number, to: number): void => {
    const one = parseSummaryCsv(`${header.text}\n${bytes.toString('utf8', from, to)}`, fileName);
    for (const row of one.rejected) rejected.push({ ...row, line });
    for (const customer of one.customers) {
      frequency[size] = customer.frequency;
      recency[size] = customer.recency;
      T[size] = customer.T;
      slowIds.set(size, customer.customerId);
      size += 1;
    }
  };

  let from = header.end + 1;
  while (from < bytes.length) {
    line += 1;
    let end = bytes.indexOf(NEWLINE, from);
    if (end < 0) end = bytes.length;
    const to = bytes[end - 1] === CR ? end - 1 : end;
    if (to > from) {
      // The comma scan stays inline: as a call it halved the reader's speed on 1M rows.
      let commas = 0;
      starts[0] = from;
      for (let i = from; i < to; i += 1) {
        if (bytes[i] === COMMA) {
          commas += 1;
          if (commas < fieldCount) starts[commas] = i + 1;
        }
      }
      let ok = commas === fieldCount - 1;
      if (ok) {
        const idStart = starts[idAt] ?? 0;
        const idEnd = fieldEnd(starts, idAt, to);
        const x = plainDecimal(bytes, starts[frequencyAt] ?? 0, fieldEnd(starts, frequencyAt, to), true);
        const tx = plainDecimal(bytes, starts[recencyAt] ?? 0, fieldEnd(starts, recencyAt, to), false);
        const t = plainDecimal(bytes, starts[TAt] ?? 0, fieldEnd(starts, TAt, to), false);
        ok =
          idEnd > idStart &&
          isEdge(bytes[idStart]) &&
          isEdge(bytes[idEnd - 1]) &&
          Number.isFinite(tx) &&
          Number.isFinite(t) &&
          x >= 0 &&
          !(tx > t + 1e-9) &&
          (x !== 0 || tx === 0);
        if (ok) {
          frequency[size] = x;
          recency[size] = tx;
          T[size] = t;
          idFrom[size] = idStart;
          idTo[size] = idEnd;
          size += 1;
        }
      }
      if (!ok) viaReference(from, to);
    }
    from = end + 1;
  }
  return {
    columns: {
      frequency: frequency.subarray(0, size),
      recency: recency.subarray(0, size),
      T: T.subarray(0, size),
    },
    size,
    customerId: (index) => slowIds.get(index) ?? bytes.toString('utf8', idFrom[index] ?? 0, idTo[index] ?? 0),
    rejected,
  };
}
