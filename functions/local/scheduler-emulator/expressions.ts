import {
  resolveWallTime,
  utcAsWallTime,
  type WallTime,
  wallTimeAsUtc,
  wallTimeAt,
  wallTimeToInstant,
} from './time-zones.ts';

/** A parsed `at(...)`: a wall time, read in the schedule's time zone. */
export interface AtExpression {
  readonly kind: 'at';
  readonly wall: WallTime;
}

/** A parsed `rate(value unit)`: a fixed duration between invocations. */
export interface RateExpression {
  readonly kind: 'rate';
  readonly value: number;
  readonly unit: 'minute' | 'hour' | 'day';
  readonly intervalMs: number;
}

/** A day-of-month field: the plain days plus AWS's `L` (last day), `nW` (nearest weekday) and `LW`. */
export interface DayOfMonthField {
  readonly any: boolean;
  readonly days: ReadonlySet<number>;
  readonly last: boolean;
  readonly lastWeekday: boolean;
  readonly nearestWeekday: ReadonlySet<number>;
}

/** A day-of-week field (1 = Sunday … 7 = Saturday): plain days, `nL` (last n of month), `n#k` (k-th n). */
export interface DayOfWeekField {
  readonly any: boolean;
  readonly days: ReadonlySet<number>;
  readonly lastOfMonth: ReadonlySet<number>;
  readonly nth: ReadonlyArray<{ readonly weekday: number; readonly week: number }>;
}

/** A parsed six-field AWS `cron(minutes hours day-of-month month day-of-week year)`. */
export interface CronExpression {
  readonly kind: 'cron';
  readonly minutes: readonly number[];
  readonly hours: readonly number[];
  readonly dayOfMonth: DayOfMonthField;
  readonly months: ReadonlySet<number>;
  readonly dayOfWeek: DayOfWeekField;
  readonly years: ReadonlySet<number> | 'any';
}

export type ScheduleExpression = AtExpression | RateExpression | CronExpression;

/** Outcome of parsing: expected failures are values, so the server can map them to a ValidationException. */
export type ParseResult<T> =
  | { readonly ok: true; readonly value: T }
  | { readonly ok: false; readonly reason: string };

const MIN_YEAR = 1970;
const MAX_YEAR = 2199;
const MONTH_NAMES = ['JAN', 'FEB', 'MAR', 'APR', 'MAY', 'JUN', 'JUL', 'AUG', 'SEP', 'OCT', 'NOV', 'DEC'];
const DAY_NAMES = ['SUN', 'MON', 'TUE', 'WED', 'THU', 'FRI', 'SAT'];
const UNIT_MS = { minute: 60_000, hour: 3_600_000, day: 86_400_000 } as const;

class CronFieldError extends Error {
  override readonly name = 'CronFieldError';
}

const fail = <T>(reason: string): ParseResult<T> => ({ ok: false, reason });

/** Parses `at(...)`, `rate(...)` or `cron(...)` as EventBridge Scheduler accepts them. */
export function parseScheduleExpression(expression: string): ParseResult<ScheduleExpression> {
  const match = /^(at|rate|cron)\((.*)\)$/.exec(expression.trim());
  if (match === null) return fail(`Invalid Schedule Expression ${expression}.`);
  const [, kind, body = ''] = match;
  const result = kind === 'at' ? parseAt(body) : kind === 'rate' ? parseRate(body) : parseCron(body);
  return result.ok ? result : fail(`Invalid Schedule Expression ${expression}. ${result.reason}`);
}

function parseAt(body: string): ParseResult<AtExpression> {
  const match = /^(\d{4})-(\d{2})-(\d{2})T(\d{2}):(\d{2}):(\d{2})$/.exec(body);
  if (match === null) return fail('Expected at(yyyy-mm-ddThh:mm:ss).');
  const [year, month, day, hour, minute, second] = match.slice(1).map(Number);
  if (
    year === undefined ||
    month === undefined ||
    day === undefined ||
    hour === undefined ||
    minute === undefined ||
    second === undefined
  ) {
    return fail('Expected at(yyyy-mm-ddThh:mm:ss).');
  }
  const wall: WallTime = { year, month, day, hour, minute, second };
  // Round-tripping through Date rejects 2025-02-30 and 25:00 alike.
  const roundTrip = utcAsWallTime(wallTimeAsUtc(wall));
  const same =
    roundTrip.year === year &&
    roundTrip.month === month &&
    roundTrip.day === day &&
    roundTrip.hour === hour &&
    roundTrip.minute === minute &&
    roundTrip.second === second;
  return same ? { ok: true, value: { kind: 'at', wall } } : fail('The date or time does not exist.');
}

function parseRate(body: string): ParseResult<RateExpression> {
  const match = /^([1-9]\d*) (minute|minutes|hour|hours|day|days)$/.exec(body.trim());
  if (match === null)
    return fail('Expected rate(value unit) with a positive integer and minute(s), hour(s) or day(s).');
  const value = Number(match[1]);
  const unit = match[2]?.startsWith('minute') ? 'minute' : match[2]?.startsWith('hour') ? 'hour' : 'day';
  return { ok: true, value: { kind: 'rate', value, unit, intervalMs: value * UNIT_MS[unit] } };
}

function parseCron(body: string): ParseResult<CronExpression> {
  const fields = body.trim().split(/\s+/);
  if (fields.length !== 6)
    return fail('A cron expression has six fields: minutes hours day-of-month month day-of-week year.');
  const [minutes = '', hours = '', dayOfMonth = '', month = '', dayOfWeek = '', year = ''] = fields;
  // AWS requires exactly one of the two day fields to be `?`.
  if ((dayOfMonth === '?') === (dayOfWeek === '?')) {
    return fail('Exactly one of day-of-month and day-of-week must be ?.');
  }
  try {
    return {
      ok: true,
      value: {
        kind: 'cron',
        minutes: [...parseList(minutes, 0, 59, [])].sort((a, b) => a - b),
        hours: [...parseList(hours, 0, 23, [])].sort((a, b) => a - b),
        dayOfMonth: parseDayOfMonth(dayOfMonth),
        months: parseList(month, 1, 12, MONTH_NAMES),
        dayOfWeek: parseDayOfWeek(dayOfWeek),
        years: year === '*' ? 'any' : parseList(year, MIN_YEAR, MAX_YEAR, []),
      },
    };
  } catch (error: unknown) {
    if (error instanceof CronFieldError) return fail(error.message);
    throw error;
  }
}

function parseValue(text: string, min: number, max: number, names: readonly string[]): number {
  const named = names.indexOf(text.toUpperCase());
  const value = named >= 0 ? named + min : /^\d+$/.test(text) ? Number(text) : Number.NaN;
  if (!Number.isInteger(value) || value < min || value > max) {
    throw new CronFieldError(`'${text}' is not a value between ${min} and ${max}.`);
  }
  return value;
}

/** Parses `*`, `a`, `a-b`, `a/n`, `*\/n`, `a-b/n` and comma lists of them; ranges may wrap (FRI-MON). */
function parseList(field: string, min: number, max: number, names: readonly string[]): Set<number> {
  const values = new Set<number>();
  for (const item of field.split(',')) {
    const [range = '', stepText, extra] = item.split('/');
    if (extra !== undefined) throw new CronFieldError(`'${item}' has more than one step.`);
    const step = stepText === undefined ? 1 : parseValue(stepText, 1, max - min + 1, []);
    let start: number;
    let end: number;
    if (range === '*') {
      start = min;
      end = max;
    } else if (range.includes('-')) {
      const [from = '', to = '', more] = range.split('-');
      if (more !== undefined) throw new CronFieldError(`'${item}' is not a range.`);
      start = parseValue(from, min, max, names);
      end = parseValue(to, min, max, names);
    } else {
      start = parseValue(range, min, max, names);
      end = stepText === undefined ? start : max;
    }
    const span = end >= start ? end - start : max - min + 1 - (start - end);
    for (let offset = 0; offset <= span; offset += step) {
      values.add(((start - min + offset) % (max - min + 1)) + min);
    }
  }
  return values;
}

function parseDayOfMonth(field: string): DayOfMonthField {
  const empty = {
    any: false,
    days: new Set<number>(),
    last: false,
    lastWeekday: false,
    nearestWeekday: new Set<number>(),
  };
  if (field === '?') return empty;
  if (field === '*') return { ...empty, any: true };
  if (field === 'L') return { ...empty, last: true };
  if (field === 'LW') return { ...empty, lastWeekday: true };
  const weekday = /^(\d+)W$/.exec(field);
  if (weekday !== null)
    return { ...empty, nearestWeekday: new Set([parseValue(weekday[1] ?? '', 1, 31, [])]) };
  return { ...empty, days: parseList(field, 1, 31, []) };
}

function parseDayOfWeek(field: string): DayOfWeekField {
  const empty = { any: false, days: new Set<number>(), lastOfMonth: new Set<number>(), nth: [] };
  if (field === '?') return empty;
  if (field === '*') return { ...empty, any: true };
  const last = /^(\w+)L$/.exec(field);
  if (last !== null) return { ...empty, lastOfMonth: new Set([parseValue(last[1] ?? '', 1, 7, DAY_NAMES)]) };
  const nth = /^(\w+)#([1-5])$/.exec(field);
  if (nth !== null) {
    return { ...empty, nth: [{ weekday: parseValue(nth[1] ?? '', 1, 7, DAY_NAMES), week: Number(nth[2]) }] };
  }
  if (field === 'L') return { ...empty, days: new Set([7]) };
  return { ...empty, days: parseList(field, 1, 7, DAY_NAMES) };
}

function daysInMonth(year: number, month: number): number {
  return utcAsWallTime(wallTimeAsUtc({ year, month: month + 1, day: 0, hour: 0, minute: 0, second: 0 })).day;
}

/** 1 = Sunday … 7 = Saturday, as AWS cron counts. */
function weekdayOf(year: number, month: number, day: number): number {
  return new Date(wallTimeAsUtc({ year, month, day, hour: 0, minute: 0, second: 0 })).getUTCDay() + 1;
}

function dayMatches(cron: CronExpression, year: number, month: number, day: number): boolean {
  const dom = cron.dayOfMonth;
  const dow = cron.dayOfWeek;
  const length = daysInMonth(year, month);
  const weekday = weekdayOf(year, month, day);
  if (dom.any || dow.any) return true;
  if (dom.days.has(day) || (dom.last && day === length)) return true;
  if (dom.lastWeekday || dom.nearestWeekday.size > 0) {
    const isWeekday = weekday >= 2 && weekday <= 6;
    if (dom.lastWeekday && isWeekday && lastWeekdayOf(year, month, length) === day) return true;
    for (const target of dom.nearestWeekday) {
      if (isWeekday && nearestWeekday(year, month, Math.min(target, length), length) === day) return true;
    }
  }
  if (dow.days.has(weekday)) return true;
  if (dow.lastOfMonth.has(weekday) && day + 7 > length) return true;
  return dow.nth.some(({ weekday: wanted, week }) => wanted === weekday && Math.ceil(day / 7) === week);
}

function lastWeekdayOf(year: number, month: number, length: number): number {
  let day = length;
  while (weekdayOf(year, month, day) === 1 || weekdayOf(year, month, day) === 7) day -= 1;
  return day;
}

/** Quartz/AWS `W`: the weekday nearest the given day, never leaving the month. */
function nearestWeekday(year: number, month: number, day: number, length: number): number {
  const weekday = weekdayOf(year, month, day);
  if (weekday === 7) return day === 1 ? 3 : day - 1;
  if (weekday === 1) return day === length ? day - 2 : day + 1;
  return day;
}

/**
 * The first instant at or after `from` whose wall time in `timeZone` matches `cron`. A match that
 * falls into a skipped hour is skipped and one in a repeated hour fires once (its earlier instant),
 * which is what AWS documents for EventBridge Scheduler. `undefined` when nothing matches before 2200.
 */
export function nextCronOccurrence(cron: CronExpression, from: number, timeZone: string): number | undefined {
  const start = wallTimeAt(Math.ceil(from / 60_000) * 60_000, timeZone);
  let year = start.year;
  let month = start.month;
  let day = start.day;
  let first = true;
  while (year <= MAX_YEAR) {
    if (cron.years !== 'any' && !cron.years.has(year)) {
      [year, month, day, first] = [year + 1, 1, 1, false];
      continue;
    }
    if (!cron.months.has(month)) {
      [year, month, day, first] = month === 12 ? [year + 1, 1, 1, false] : [year, month + 1, 1, false];
      continue;
    }
    if (day > daysInMonth(year, month)) {
      [year, month, day, first] = month === 12 ? [year + 1, 1, 1, false] : [year, month + 1, 1, false];
      continue;
    }
    if (dayMatches(cron, year, month, day)) {
      for (const hour of cron.hours) {
        if (first && hour < start.hour) continue;
        for (const minute of cron.minutes) {
          if (first && hour === start.hour && minute < start.minute) continue;
          const resolution = resolveWallTime({ year, month, day, hour, minute, second: 0 }, timeZone);
          const instant =
            resolution.kind === 'unique'
              ? resolution.instant
              : resolution.kind === 'overlap'
                ? resolution.earlier
                : undefined;
          if (instant !== undefined && instant >= from) return instant;
        }
      }
    }
    [day, first] = [day + 1, false];
  }
  return undefined;
}

/** When one-time `at(...)` fires: its wall time read in `timeZone` (see {@link wallTimeToInstant}). */
export function atInstant(at: AtExpression, timeZone: string): number {
  return wallTimeToInstant(at.wall, timeZone);
}
