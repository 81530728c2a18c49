import { allocate, lineCapacity, needsReference, readHeader, tableOf } from './csv-bytes.ts';
import {
  holdoutPurchases,
  holdoutWindow,
  ModelInputError,
  parseIsoDay,
  parseTransactionsCsv,
  type RejectedLine,
  summariseTransactions,
  unitDays,
} from './rfm.ts';
import type { SummaryTable } from './summary-csv.ts';
import { NumberIndex, type TimeUnit } from './summary-data.ts';

/** Options of {@link readTransactionsSummary}. */
export interface ReadTransactionsOptions {
  /** Last day of the calibration period (inclusive), YYYY-MM-DD. */
  readonly calibrationEnd: string;
  /** @default 'weeks' */
  readonly unit?: TimeUnit;
  /** Columns on SharedArrayBuffers, for a fit's worker threads. @default false */
  readonly shared?: boolean;
}

const NEWLINE = 0x0a;
const CR = 0x0d;
const COMMA = 0x2c;
const DOT = 0x2e;
const DASH = 0x2d;
const ZERO = 0x30;
const NINE = 0x39;
const MONTH_DAYS = [31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31];

/** Where field k of a line ends: before the next field's comma, or at the line's end. */
function fieldEnd(starts: Int32Array, k: number, lineEnd: number): number {
  return k + 1 < starts.length - 1 ? (starts[k + 1] ?? 0) - 1 : lineEnd;
}

/** Printable ASCII other than space: an id that starts and ends with one needs no trimming. */
function isEdge(byte: number | undefined): boolean {
  return byte !== undefined && byte > 0x20 && byte < 0x7f;
}

function digitsAt(bytes: Buffer, from: number, count: number): number {
  let value = 0;
  for (let i = from; i < from + count; i += 1) {
    const c = bytes[i] ?? 0;
    if (c < ZERO || c > NINE) return -1;
    value = value * 10 + (c - ZERO);
  }
  return value;
}

/** Days since 1970-01-01 of a YYYY-MM-DD field (years 1000–9999), or NaN for anything else. */
function isoDay(bytes: Buffer, from: number, to: number): number {
  if (to - from !== 10 || bytes[from + 4] !== DASH || bytes[from + 7] !== DASH) return Number.NaN;
  const year = digitsAt(bytes, from, 4);
  const month = digitsAt(bytes, from + 5, 2);
  const day = digitsAt(bytes, from + 8, 2);
  if (year < 1000 || month < 1 || month > 12 || day < 1) return Number.NaN;
  const leap = year % 4 === 0 && (year % 100 !== 0 || year % 400 === 0);
  if (day > (MONTH_DAYS[month - 1] ?? 0) + (month === 2 && leap ? 1 : 0)) return Number.NaN;
  // Days from the civil date (Hinnant's algorithm), as Date.UTC gives them.
  const y = month <= 2 ? year - 1 : year;
  const era = Math.floor(y / 400);
  const yearOfEra = y - era * 400;
  const dayOfYear = Math.floor((153 * (month + (month > 2 ? -3 : 9)) + 2) / 5) + day - 1;
  const dayOfEra = yearOfEra * 365 + Math.floor(yearOfEra / 4) - Math.floor(yearOfEra / 100) + dayOfYear;
  return era * 146_097 + dayOfEra - 719_468;
}

/** A plain non-negative decimal, as Number reads it; NaN for anything else (the reference judges it). */
function plainAmount(bytes: Buffer, from: number, to: number): number {
  let point = false;
  for (let i = from; i < to; i += 1) {
    const c = bytes[i] ?? 0;
    if (c === DOT && !point && i > from && i < to - 1) point = true;
    else if (c < ZERO || c > NINE) return Number.NaN;
  }
  return from < to ? Number(bytes.toString('latin1', from, to)) : Number.NaN;
}

/** A whole number written without leading zeros in at most 15 digits, so its text is String(value). */
function numberAt(bytes: Buffer, from: number, to: number): number {
  if (to <= from || to - from > 15 || (bytes[from] === ZERO && to - from > 1)) return Number.NaN;
  const value = digitsAt(bytes, from, to - from);
  return value < 0 ? Number.NaN : value;
}

function canonicalNumber(id: string): number {
  return /^(0|[1-9]\d{0,14})$/.test(id) ? Number(id) : Number.NaN;
}

/** Options of {@link readTransactionsHoldout}. */
export interface ReadHoldoutOptions extends ReadTransactionsOptions {
  /** Last day of the holdout period (inclusive), YYYY-MM-DD, after the calibration end. */
  readonly holdoutEnd: string;
}

/** The calibration summary with each of its customers' holdout purchases, in the same order. */
export interface HoldoutTable extends SummaryTable {
  /** Distinct purchase days in (calibration end, holdout end] of customer i. */
  readonly holdout: Int32Array;
}

/**
 * The reference path: the zod reader, then the summary (and the holdout counts when asked for), for
 * files the fast path does not take on.
 */
function fromReference(
  bytes: Buffer,
  fileName: string,
  options: ReadTransactionsOptions,
  holdoutEnd: string | undefined,
): HoldoutTable {
  const parsed = parseTransactionsCsv(bytes.toString('utf8'), fileName);
  const summary = summariseTransactions(parsed.transactions, {
    calibrationEnd: options.calibrationEnd,
    unit: options.unit ?? 'weeks',
    fileName,
  });
  const table = tableOf(
    summary.customers,
    [...parsed.rejected, ...summary.rejected],
    options.shared ?? false,
  );
  const holdout = new Int32Array(summary.customers.length);
  if (holdoutEnd !== undefined) {
    const counts = holdoutPurchases(parsed.transactions, {
      calibrationEnd: options.calibrationEnd,
      holdoutEnd,
    });
    summary.customers.forEach((customer, i) => {
      holdout[i] = counts.get(customer.customerId) ?? 0;
    });
  }
  return { ...table, holdout };
}

/**
 * Reads a transactions CSV (`customer_id,date[,amount]`) from its bytes straight into the calibration
 * summary's columns, for files of millions of rows: what {@link parseTransactionsCsv} then
 * {@link summariseTransactions} give, the same customers in the same order and the same rejected
 * lines and messages. A row it cannot judge at a glance goes through that reference reader, and so
 * does a whole file with quotes, bytes that are not UTF-8, lone CR line ends or an unusual header.
 */
export function readTransactionsSummary(
  bytes: Buffer,
  fileName: string,
  options: ReadTransactionsOptions,
): SummaryTable {
  return readTransactions(bytes, fileName, options, undefined);
}

/**
 * {@link readTransactionsSummary} and, in the same pass, each customer's holdout purchases as
 * {@link holdoutPurchases} counts them (distinct days in (calibration end, holdout end]), without an
 * object per row. Throws {@link ModelInputError} for a holdout end that is not a date after the
 * calibration end, as holdoutPurchases does.
 */
export function readTransactionsHoldout(
  bytes: Buffer,
  fileName: string,
  options: ReadHoldoutOptions,
): HoldoutTable {
  return readTransactions(bytes, fileName, options, options.holdoutEnd);
}

function readTransactions(
  bytes: Buffer,
  fileName: string,
  options: ReadTransactionsOptions,
  holdoutEnd: string | undefined,
): HoldoutTable {
  const unit = unitDays(options.unit ?? 'weeks');
  const shared = options.shared ?? false;
  if (needsReference(bytes)) return fromReference(bytes, fileName, options, holdoutEnd);
  const header = readHeader(bytes);
  const idAt = header.columns.indexOf('customer_id');
  const dateAt = header.columns.indexOf('date');
  const amountAt = header.columns.indexOf('amount');
  if (!header.plain || idAt < 0 || dateAt < 0) return fromReference(bytes, fileName, options, holdoutEnd);
  const fieldCount = header.columns.length;
  const end = parseIsoDay(options.calibrationEnd);
  if (end === undefined)
    throw new ModelInputError(
      `calibration end "${options.calibrationEnd}" is not a date of the form YYYY-MM-DD`,
    );
  // Without a holdout, days after the calibration end are skipped before an id is looked up.
  const last = holdoutEnd === undefined ? end : holdoutWindow(options.calibrationEnd, holdoutEnd).end;

  const capacity = lineCapacity(bytes);
  // Purchases up to the last day: the customer's slot (in order of first purchase) and the day.
  const owner = new Int32Array(capacity);
  const days = new Int32Array(capacity);
  let purchases = 0;
  // Ids written as plain whole numbers (most shops' ids) are found by number, without a string.
  const numericIds = new NumberIndex();
  const customerOfNumber: number[] = [];
  const customerOf = new Map<string, number>();
  const ids: string[] = [];
  // The cohort: slots in order of their first calibration purchase (holdout purchases make slots too).
  const cohort: number[] = [];
  const inCohort: boolean[] = [];
  const rejected: RejectedLine[] = [];
  const starts = new Int32Array(fieldCount + 1);
  const record = (customer: number, day: number): void => {
    if (day <= end && inCohort[customer] === false) {
      inCohort[customer] = true;
      cohort.push(customer);
    }
    owner[purchases] = customer;
    days[purchases] = day;
    purchases += 1;
  };
  const newSlot = (id: string): number => {
    ids.push(id);
    inCohort.push(false);
    return ids.length - 1;
  };
  const addNumber = (id: number, day: number): void => {
    if (!(day <= last)) return;
    const k = numericIds.of(id);
    let customer = customerOfNumber[k];
    if (customer === undefined) {
      customer = newSlot(String(id));
      customerOfNumber[k] = customer;
    }
    record(customer, day);
  };
  const add = (id: string, day: number): void => {
    const number = canonicalNumber(id);
    if (!Number.isNaN(number)) {
      addNumber(number, day);
      return;
    }
    if (!(day <= last)) return;
    let customer = customerOf.get(id);
    if (customer === undefined) {
      customer = newSlot(id);
      customerOf.set(id, customer);
    }
    record(customer, day);
  };
  let line = 1;
  const viaReference = (from: number, to: number): void => {
    const one = parseTransactionsCsv(`${header.text}\n${bytes.toString('utf8', from, to)}`, fileName);
    for (const row of one.rejected) rejected.push({ ...row, line });
    for (const row of one.transactions) add(row.customerId.trim(), parseIsoDay(row.date) ?? Number.NaN);
  };

  let from = header.end + 1;
  while (from < bytes.length) {
    line += 1;
    let lineEnd = bytes.indexOf(NEWLINE, from);
    if (lineEnd < 0) lineEnd = bytes.length;
    const to = bytes[lineEnd - 1] === CR ? lineEnd - 1 : lineEnd;
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
        const day = isoDay(bytes, starts[dateAt] ?? 0, fieldEnd(starts, dateAt, to));
        const amountFrom = amountAt < 0 ? 0 : (starts[amountAt] ?? 0);
        const amountTo = amountAt < 0 ? 0 : fieldEnd(starts, amountAt, to);
        ok =
          idEnd > idStart &&
          isEdge(bytes[idStart]) &&
          isEdge(bytes[idEnd - 1]) &&
          !Number.isNaN(day) &&
          (amountTo === amountFrom || Number.isFinite(plainAmount(bytes, amountFrom, amountTo)));
        if (ok) {
          const number = numberAt(bytes, idStart, idEnd);
          if (Number.isNaN(number)) add(bytes.toString('utf8', idStart, idEnd), day);
          else addNumber(number, day);
        }
      }
      if (!ok) viaReference(from, to);
    }
    from = lineEnd + 1;
  }
  return summaryOf(
    { ids, cohort },
    owner.subarray(0, purchases),
    days.subarray(0, purchases),
    end,
    unit,
    rejected,
    shared,
  );
}

/** Each slot's purchases, sorted by slot, then each slot's days sorted (a counting sort by slot). */
function daysBySlot(
  slots: number,
  owner: Int32Array,
  days: Int32Array,
): { offsets: Int32Array; sorted: Int32Array } {
  const offsets = new Int32Array(slots + 1);
  for (const slot of owner) offsets[slot + 1] = (offsets[slot + 1] ?? 0) + 1;
  for (let k = 0; k < slots; k += 1) offsets[k + 1] = (offsets[k + 1] ?? 0) + (offsets[k] ?? 0);
  const cursor = offsets.slice(0, slots);
  const sorted = new Int32Array(days.length);
  owner.forEach((slot, i) => {
    const at = cursor[slot] ?? 0;
    sorted[at] = days[i] ?? 0;
    cursor[slot] = at + 1;
  });
  for (let k = 0; k < slots; k += 1) {
    const mine = sorted.subarray(offsets[k] ?? 0, offsets[k + 1] ?? 0);
    if (mine.length > 1) mine.sort();
  }
  return { offsets, sorted };
}

/**
 * x, t_x and T per cohort customer from their calibration days, and the distinct holdout days
 * (days after `end`) beside them; distinct days count once.
 */
function summaryOf(
  slots: { readonly ids: readonly string[]; readonly cohort: readonly number[] },
  owner: Int32Array,
  days: Int32Array,
  end: number,
  unit: number,
  rejected: RejectedLine[],
  shared: boolean,
): HoldoutTable {
  const { ids, cohort } = slots;
  const n = cohort.length;
  const { offsets, sorted } = daysBySlot(ids.length, owner, days);
  const frequency = allocate(n, shared);
  const recency = allocate(n, shared);
  const T = allocate(n, shared);
  const holdout = new Int32Array(n);
  for (let k = 0; k < n; k += 1) {
    const slot = cohort[k] ?? 0;
    const mine = sorted.subarray(offsets[slot] ?? 0, offsets[slot + 1] ?? 0);
    let distinct = 0;
    let after = 0;
    let lastDay = 0;
    for (let i = 0; i < mine.length; i += 1) {
      const day = mine[i] ?? 0;
      if (i > 0 && day === mine[i - 1]) continue;
      if (day > end) after += 1;
      else {
        distinct += 1;
        lastDay = day;
      }
    }
    const firstDay = mine[0] ?? 0;
    frequency[k] = distinct - 1;
    recency[k] = distinct === 1 ? 0 : (lastDay - firstDay) / unit;
    T[k] = (end - firstDay) / unit;
    holdout[k] = after;
  }
  return {
    columns: { frequency, recency, T },
    size: n,
    customerId: (i) => ids[cohort[i] ?? -1] ?? '',
    rejected,
    holdout,
  };
}
