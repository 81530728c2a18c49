import { zoneFormatter } from '../time-zone.ts';
/**
 * Wall time ↔ instant in an IANA zone with Intl only (no time-zone library). DST-safe: a wall time
 * repeated when clocks go back resolves to its earlier instant, one skipped when they go forward
 * moves forward by the length of the gap (Temporal's `compatible`, which is also what `at()` does).
 */

/** A local calendar time; month is 1–12. */
export interface WallTime {
  readonly year: number;
  readonly month: number;
  readonly day: number;
  readonly hour: number;
  readonly minute: number;
  readonly second: number;
}

/** The wall time `instant` shows in `timeZone`, from Intl: exact, and the slow part of this module. */
export function formattedWallTimeAt(instant: number, timeZone: string): WallTime {
  const parts: Record<string, number> = {};
  for (const part of zoneFormatter(timeZone).formatToParts(new Date(instant))) {
    if (part.type !== 'literal') parts[part.type] = Number(part.value);
  }
  return {
    year: parts.year ?? 1970,
    month: parts.month ?? 1,
    day: parts.day ?? 1,
    // Some engines print midnight as 24 even with h23.
    hour: (parts.hour ?? 0) % 24,
    minute: parts.minute ?? 0,
    second: parts.second ?? 0,
  };
}

const utcOf = (wall: WallTime) =>
  Date.UTC(wall.year, wall.month - 1, wall.day, wall.hour, wall.minute, wall.second);

const wholeSecond = (instant: number) => Math.floor(instant / 1000) * 1000;

const exactOffsetAt = (instant: number, timeZone: string) =>
  utcOf(formattedWallTimeAt(wholeSecond(instant), timeZone)) - wholeSecond(instant);

/**
 * Offsets by zone and quarter hour. Real transitions are instants far apart, so a quarter hour
 * whose first and last seconds share an offset has it throughout; one with a transition inside is
 * never cached. A send decides on a handful of instants close together, each read many times.
 */
const quarterHour = 900_000;
/**
 * By zone, then by quarter hour (a number: no key string per call); cleared when it holds
 * offsetCacheLimit offsets, as a long-lived Lambda container goes on.
 */
const offsetCache = new Map<string, Map<number, number>>();
let offsetCacheSize = 0;
const offsetCacheLimit = 50_000;

/** The zone's offset from UTC at `instant`, in milliseconds (+05:30 → 19 800 000). */
export function offsetAt(instant: number, timeZone: string): number {
  const slot = Math.floor(instant / quarterHour);
  let zoneCache = offsetCache.get(timeZone);
  const cached = zoneCache?.get(slot);
  if (cached !== undefined) return cached;
  const first = exactOffsetAt(slot * quarterHour, timeZone);
  const last = exactOffsetAt(slot * quarterHour + quarterHour - 1000, timeZone);
  if (first !== last) return exactOffsetAt(instant, timeZone);
  if (offsetCacheSize >= offsetCacheLimit) {
    offsetCache.clear();
    offsetCacheSize = 0;
    zoneCache = undefined;
  }
  if (zoneCache === undefined) {
    zoneCache = new Map();
    offsetCache.set(timeZone, zoneCache);
  }
  zoneCache.set(slot, first);
  offsetCacheSize += 1;
  return first;
}

/** The wall time `instant` shows in `timeZone` (seconds truncated, as a clock shows them). */
export function wallTimeAt(instant: number, timeZone: string): WallTime {
  return utcFieldsOf(wholeSecond(instant) + offsetAt(instant, timeZone));
}

/** The calendar fields of an epoch time read as UTC. */
function utcFieldsOf(epochMs: number): WallTime {
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

/** Normalises overflowing fields (hour 24, day 32) into a real calendar time. */
export function normaliseWall(wall: WallTime): WallTime {
  return utcFieldsOf(utcOf(wall));
}

/** The instant at which `timeZone` shows `wall`; repeated times take the earlier, skipped ones move forward. */
export function instantOf(input: WallTime, timeZone: string): number {
  const wall = normaliseWall(input);
  const naive = utcOf(wall);
  // The two offsets around any transition: a day either side covers every zone's change.
  const before = offsetAt(naive - 86_400_000, timeZone);
  const after = offsetAt(naive + 86_400_000, timeZone);
  // Of the two candidates, the earlier that shows `wall` (no array: this runs per instant).
  const byBefore = naive - before;
  const byAfter = naive - after;
  const beforeShows = utcOf(wallTimeAt(byBefore, timeZone)) === naive;
  const afterShows = utcOf(wallTimeAt(byAfter, timeZone)) === naive;
  if (beforeShows && afterShows) return Math.min(byBefore, byAfter);
  if (beforeShows) return byBefore;
  if (afterShows) return byAfter;
  // Skipped (clocks went forward): the offset before the gap puts it as far past the gap's start.
  return naive - before;
}

/** Day of the week of a local date: 0 = Sunday … 6 = Saturday. */
export function weekdayOf(wall: Pick<WallTime, 'year' | 'month' | 'day'>): number {
  return new Date(Date.UTC(wall.year, wall.month - 1, wall.day)).getUTCDay();
}
