/** A calendar date and time of day with no zone attached, as written in `at(...)` or matched by `cron(...)`. */
export interface WallTime {
  readonly year: number;
  readonly month: number; // 1-12
  readonly day: number;
  readonly hour: number;
  readonly minute: number;
  readonly second: number;
}

/**
 * How a wall time maps onto instants in a zone: once, twice (the repeated hour when clocks go
 * back) or never (the skipped hour when clocks go forward).
 */
export type WallTimeResolution =
  | { readonly kind: 'unique'; readonly instant: number }
  | { readonly kind: 'overlap'; readonly earlier: number; readonly later: number }
  | { readonly kind: 'gap'; readonly shiftedForward: number };

const DAY_MS = 86_400_000;
const formatters = new Map<string, Intl.DateTimeFormat>();

function formatterFor(timeZone: string): Intl.DateTimeFormat {
  let formatter = formatters.get(timeZone);
  if (formatter === undefined) {
    formatter = new Intl.DateTimeFormat('en-US', {
      timeZone,
      hourCycle: 'h23',
      year: 'numeric',
      month: 'numeric',
      day: 'numeric',
      hour: 'numeric',
      minute: 'numeric',
      second: 'numeric',
      era: 'short',
    });
    formatters.set(timeZone, formatter);
  }
  return formatter;
}

/** True when Intl knows the zone (IANA names such as `Asia/Kolkata`, plus `UTC`). */
export function isValidTimeZone(timeZone: string): boolean {
  if (timeZone.length === 0 || timeZone.length > 50) return false;
  try {
    formatterFor(timeZone);
    return true;
  } catch (error: unknown) {
    if (error instanceof RangeError) return false;
    throw error;
  }
}

/** The wall time shown by a clock in `timeZone` at `instant` (whole seconds). */
export function wallTimeAt(instant: number, timeZone: string): WallTime {
  const fields: Record<string, number> = {};
  let bce = false;
  for (const part of formatterFor(timeZone).formatToParts(new Date(instant))) {
    if (part.type === 'era') bce = part.value === 'BC' || part.value === 'B';
    else if (part.type !== 'literal') fields[part.type] = Number(part.value);
  }
  const year = fields.year ?? 1970;
  return {
    year: bce ? 1 - year : year,
    month: fields.month ?? 1,
    day: fields.day ?? 1,
    hour: fields.hour ?? 0,
    minute: fields.minute ?? 0,
    second: fields.second ?? 0,
  };
}

/** The wall time read as if it were UTC; the arithmetic base for offsets. */
export function wallTimeAsUtc(wall: WallTime): number {
  const date = new Date(0);
  date.setUTCFullYear(wall.year, wall.month - 1, wall.day);
  date.setUTCHours(wall.hour, wall.minute, wall.second, 0);
  return date.getTime();
}

/** The inverse of {@link wallTimeAsUtc}. */
export function utcAsWallTime(epochMs: number): WallTime {
  const date = new Date(epochMs);
  return {
    year: date.getUTCFullYear(),
    month: date.getUTCMonth() + 1,
    day: date.getUTCDate(),
    hour: date.getUTCHours(),
    minute: date.getUTCMinutes(),
    second: date.getUTCSeconds(),
  };
}

/** Offset of the zone from UTC at `instant`, in milliseconds (e.g. +05:30 → 19 800 000). */
export function offsetAt(instant: number, timeZone: string): number {
  const whole = Math.floor(instant / 1000) * 1000;
  return wallTimeAsUtc(wallTimeAt(whole, timeZone)) - whole;
}

/**
 * Every instant at which a clock in `timeZone` shows `wall`. The offsets a day either side bound
 * the candidates, which holds for any zone with at most one transition in 48 hours (all of them).
 */
export function resolveWallTime(wall: WallTime, timeZone: string): WallTimeResolution {
  const local = wallTimeAsUtc(wall);
  const offsetBefore = offsetAt(local - DAY_MS, timeZone);
  const offsetAfter = offsetAt(local + DAY_MS, timeZone);
  const instants = [...new Set([local - offsetBefore, local - offsetAfter])]
    .filter((instant) => offsetAt(instant, timeZone) === local - instant)
    .sort((a, b) => a - b);
  const [first, second] = instants;
  if (first !== undefined && second !== undefined) return { kind: 'overlap', earlier: first, later: second };
  if (first !== undefined) return { kind: 'unique', instant: first };
  // In a gap, reading the time with the offset in force before the jump moves it forward by the gap's length.
  return { kind: 'gap', shiftedForward: local - offsetBefore };
}

/**
 * The instant for a one-time schedule's wall time: the earlier of a repeated time, and a skipped
 * time moved forward by the length of the gap (02:30 on a spring-forward night in New York → 03:30 EDT).
 * This is the `compatible` disambiguation of Temporal and of most calendars.
 */
export function wallTimeToInstant(wall: WallTime, timeZone: string): number {
  const resolution = resolveWallTime(wall, timeZone);
  switch (resolution.kind) {
    case 'unique':
      return resolution.instant;
    case 'overlap':
      return resolution.earlier;
    case 'gap':
      return resolution.shiftedForward;
  }
}
