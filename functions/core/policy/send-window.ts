import { instantOf, type WallTime, wallTimeAt } from './zoned-time.ts';

export const weekdays = ['sun', 'mon', 'tue', 'wed', 'thu', 'fri', 'sat'] as const;
export type Weekday = (typeof weekdays)[number];

/** When emails may go, in the recipient's local time: `[from, to)` on the listed days. */
export interface SendWindow {
  readonly days: readonly Weekday[];
  /** Minutes after local midnight, inclusive. */
  readonly fromMinute: number;
  /** Minutes after local midnight, exclusive; at most 1440. */
  readonly toMinute: number;
}

const at = (day: Pick<WallTime, 'year' | 'month' | 'day'>, minuteOfDay: number): WallTime => ({
  year: day.year,
  month: day.month,
  day: day.day,
  hour: Math.floor(minuteOfDay / 60),
  minute: minuteOfDay % 60,
  second: 0,
});

/**
 * The first instant at or after `from` that lies in `window` in `timeZone`. With `endMarginMs`,
 * an instant in the last `endMarginMs` of a window is not offered (a schedule's flexible window
 * could otherwise carry it past the end), unless the window is shorter than the margin.
 */
export function nextWindowInstant(
  from: number,
  window: SendWindow,
  timeZone: string,
  endMarginMs = 0,
): number {
  // The listed weekdays as bits (0 = Sunday): no Set per call, this runs for every step decided.
  let days = 0;
  for (const day of window.days) {
    const index = weekdays.indexOf(day);
    if (index >= 0) days |= 1 << index;
  }
  const today = wallTimeAt(from, timeZone);
  // Eight days always reach a listed weekday, whatever DST did to the first.
  for (let offset = 0; offset <= 8; offset += 1) {
    const date = new Date(Date.UTC(today.year, today.month - 1, today.day + offset));
    if ((days & (1 << date.getUTCDay())) === 0) continue;
    const day = { year: date.getUTCFullYear(), month: date.getUTCMonth() + 1, day: date.getUTCDate() };
    const start = instantOf(at(day, window.fromMinute), timeZone);
    const end = instantOf(at(day, window.toMinute), timeZone);
    if (end <= start) continue;
    const latest = Math.max(end - endMarginMs, start + 1);
    const candidate = Math.max(from, start);
    if (candidate < latest) return candidate;
  }
  throw new RangeError(`send window ${JSON.stringify(window)} has no opening in ${timeZone}`);
}

/** True when `instant` lies in the window in `timeZone`. */
export function isInWindow(instant: number, window: SendWindow, timeZone: string): boolean {
  return nextWindowInstant(instant, window, timeZone) === instant;
}
