import * as z from 'zod';
import { parseRows } from '../import/import-rows.ts';
import type { CustomerSummary, TimeUnit } from './summary-data.ts';

/** A row that was refused, with its file, line (the header is line 1) and a reason a person can act on. */
export interface RejectedLine {
  readonly file: string;
  readonly line: number;
  readonly reason: string;
}

/** One purchase as the model needs it. */
export interface Transaction {
  readonly customerId: string;
  /** ISO calendar date, YYYY-MM-DD. */
  readonly date: string;
  readonly amount?: number;
  /** Source line, for error messages. */
  readonly line?: number;
}

/** The input file or argument as a whole is unusable (missing columns, bad calibration date). */
export class ModelInputError extends Error {
  override readonly name = 'ModelInputError';
}

const DAY_MS = 86_400_000;

/** Days since 1970-01-01 of an ISO date (YYYY-MM-DD), or undefined when it is not a real calendar date. */
export function parseIsoDay(text: string): number | undefined {
  const match = /^(\d{4})-(\d{2})-(\d{2})$/.exec(text.trim());
  if (match === null) return undefined;
  const year = Number(match[1]);
  const month = Number(match[2]);
  const day = Number(match[3]);
  const ms = Date.UTC(year, month - 1, day);
  const check = new Date(ms);
  // Date.UTC rolls 1997-02-30 over to March; a real date survives the round trip.
  if (check.getUTCFullYear() !== year || check.getUTCMonth() !== month - 1 || check.getUTCDate() !== day)
    return undefined;
  return ms / DAY_MS;
}

/** Length of one time unit in days. */
export function unitDays(unit: TimeUnit): number {
  return unit === 'weeks' ? 7 : 1;
}

const isoDate = z
  .string({ error: 'is missing' })
  .refine((text) => parseIsoDay(text) !== undefined, { error: 'is not a date of the form YYYY-MM-DD' });

const TransactionRowSchema = z.object({
  customer_id: z.string({ error: 'is missing' }).trim().min(1, { error: 'is missing' }),
  date: isoDate,
  amount: z.coerce
    .number({ error: 'is not a number' })
    .refine(Number.isFinite, { error: 'is not a number' })
    .refine((value) => value >= 0, { error: 'is negative' })
    .optional(),
});

const SummaryRowSchema = z
  .object({
    ID: z.string({ error: 'is missing' }).trim().min(1, { error: 'is missing' }),
    frequency: z.coerce
      .number({ error: 'is not a number' })
      .int({ error: 'is not a whole number' })
      .min(0, { error: 'is negative' }),
    recency: z.coerce
      .number({ error: 'is not a number' })
      .refine(Number.isFinite, { error: 'is not a number' })
      .refine((value) => value >= 0, { error: 'is negative' }),
    T: z.coerce
      .number({ error: 'is not a number' })
      .refine(Number.isFinite, { error: 'is not a number' })
      .refine((value) => value >= 0, { error: 'is negative' }),
  })
  .superRefine((row, context) => {
    if (row.recency > row.T + 1e-9)
      context.addIssue({ code: 'custom', path: ['recency'], message: 'is greater than T' });
    if (row.frequency === 0 && row.recency !== 0)
      context.addIssue({ code: 'custom', path: ['recency'], message: 'must be 0 when frequency is 0' });
  });

function requireColumns(text: string, fileName: string, required: readonly string[]): void {
  const firstLine = (text.startsWith('\uFEFF') ? text.slice(1) : text).split(/\r?\n/, 1)[0] ?? '';
  const columns = firstLine.split(',').map((column) => column.trim());
  const missing = required.filter((column) => !columns.includes(column));
  if (missing.length > 0)
    throw new ModelInputError(
      `${fileName}: the header must have the columns ${required.join(', ')}; missing ${missing.join(', ')}`,
    );
}

/**
 * Parses a transactions CSV (`customer_id,date[,amount]`, other columns ignored). Rows with a missing id,
 * an unparseable date or a negative amount are returned in `rejected` with their line; the rest are kept.
 */
export function parseTransactionsCsv(
  text: string,
  fileName: string,
): { transactions: Transaction[]; rejected: RejectedLine[] } {
  requireColumns(text, fileName, ['customer_id', 'date']);
  const { rows, rejected } = parseRows(text, 'csv', TransactionRowSchema);
  return {
    transactions: rows.map(({ line, value }) => ({
      customerId: value.customer_id,
      date: value.date.trim(),
      ...(value.amount === undefined ? {} : { amount: value.amount }),
      line,
    })),
    rejected: rejected.map((row) => ({ file: fileName, ...row })),
  };
}

/** Parses a summary CSV with the columns `ID,frequency,recency,T` (the lifetimes / CDNOW layout). */
export function parseSummaryCsv(
  text: string,
  fileName: string,
): { customers: CustomerSummary[]; rejected: RejectedLine[] } {
  requireColumns(text, fileName, ['ID', 'frequency', 'recency', 'T']);
  const { rows, rejected } = parseRows(text, 'csv', SummaryRowSchema);
  return {
    customers: rows.map(({ value }) => ({
      customerId: value.ID,
      frequency: value.frequency,
      recency: value.recency,
      T: value.T,
    })),
    rejected: rejected.map((row) => ({ file: fileName, ...row })),
  };
}

/** Options of {@link summariseTransactions}. */
export interface SummariseOptions {
  /** Last day of the calibration period (inclusive), YYYY-MM-DD. */
  readonly calibrationEnd: string;
  /** @default 'weeks' */
  readonly unit?: TimeUnit;
  /** File name used in rejected rows. @default 'transactions' */
  readonly fileName?: string;
}

/** What {@link summariseTransactions} returns. */
export interface SummariseResult {
  readonly customers: CustomerSummary[];
  readonly rejected: RejectedLine[];
  /** Customers whose first purchase is after the calibration end: not part of the cohort. */
  readonly excludedAfterCalibration: number;
}

function parseDayOrThrow(text: string, what: string): number {
  const day = parseIsoDay(text);
  if (day === undefined) throw new ModelInputError(`${what} "${text}" is not a date of the form YYYY-MM-DD`);
  return day;
}

function rejectReason(row: Transaction): string | undefined {
  if (row.customerId.trim() === '') return 'customer_id is missing';
  if (parseIsoDay(row.date) === undefined) return `date "${row.date}" is not a date of the form YYYY-MM-DD`;
  if (row.amount !== undefined && !(row.amount >= 0))
    return `amount ${row.amount} is negative or not a number`;
  return undefined;
}

/**
 * The RFM summary of the calibration period, in the convention of the CDNOW data: x = number of distinct
 * purchase days after the first one, t_x = time from the first to the last purchase day, T = time from
 * the first purchase day to the calibration end, in `unit`. Purchases after the calibration end are
 * ignored here (they are the holdout); invalid rows are rejected with their line, never dropped silently.
 */
export function summariseTransactions(
  rows: readonly Transaction[],
  options: SummariseOptions,
): SummariseResult {
  const end = parseDayOrThrow(options.calibrationEnd, 'calibration end');
  const unit = unitDays(options.unit ?? 'weeks');
  const fileName = options.fileName ?? 'transactions';
  const days = new Map<string, Set<number>>();
  const rejected: RejectedLine[] = [];
  const seenAfter = new Set<string>();
  rows.forEach((row, index) => {
    const reason = rejectReason(row);
    if (reason !== undefined) {
      rejected.push({ file: fileName, line: row.line ?? index + 2, reason });
      return;
    }
    const day = parseIsoDay(row.date) ?? 0;
    const id = row.customerId.trim();
    if (day > end) {
      seenAfter.add(id);
      return;
    }
    let set = days.get(id);
    if (set === undefined) {
      set = new Set();
      days.set(id, set);
    }
    set.add(day);
  });
  const customers: CustomerSummary[] = [];
  for (const [customerId, set] of days) {
    let first = Number.POSITIVE_INFINITY;
    let last = Number.NEGATIVE_INFINITY;
    for (const day of set) {
      if (day < first) first = day;
      if (day > last) last = day;
    }
    const frequency = set.size - 1;
    customers.push({
      customerId,
      frequency,
      recency: frequency === 0 ? 0 : (last - first) / unit,
      T: (end - first) / unit,
    });
  }
  let excludedAfterCalibration = 0;
  for (const id of seenAfter) if (!days.has(id)) excludedAfterCalibration += 1;
  return { customers, rejected, excludedAfterCalibration };
}

/**
 * Number of distinct purchase days per customer in the holdout period (calibration end, holdout end].
 * Customers without holdout purchases are absent (read them as 0).
 */
export function holdoutPurchases(
  rows: readonly Transaction[],
  options: { readonly calibrationEnd: string; readonly holdoutEnd: string },
): Map<string, number> {
  const { start, end } = holdoutWindow(options.calibrationEnd, options.holdoutEnd);
  const days = new Map<string, Set<number>>();
  for (const row of rows) {
    if (rejectReason(row) !== undefined) continue;
    const day = parseIsoDay(row.date) ?? 0;
    if (day <= start || day > end) continue;
    const id = row.customerId.trim();
    let set = days.get(id);
    if (set === undefined) {
      set = new Set();
      days.set(id, set);
    }
    set.add(day);
  }
  return new Map([...days].map(([id, set]) => [id, set.size]));
}

/**
 * The holdout period (start, end] in days since 1970-01-01; throws {@link ModelInputError} when either
 * date is not a date or the holdout does not end after the calibration end.
 */
export function holdoutWindow(calibrationEnd: string, holdoutEnd: string): { start: number; end: number } {
  const start = parseDayOrThrow(calibrationEnd, 'calibration end');
  const end = parseDayOrThrow(holdoutEnd, 'holdout end');
  if (end <= start) throw new ModelInputError('the holdout end must be after the calibration end');
  return { start, end };
}

/** Length of the holdout period in `unit`. */
export function holdoutLength(calibrationEnd: string, holdoutEnd: string, unit: TimeUnit): number {
  return (
    (parseDayOrThrow(holdoutEnd, 'holdout end') - parseDayOrThrow(calibrationEnd, 'calibration end')) /
    unitDays(unit)
  );
}
