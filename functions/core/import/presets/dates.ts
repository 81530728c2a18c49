import { isTimeZone, zoneFormatter } from '../../time-zone.ts';

/**
 * Dates as the platforms write them, read exactly: a pattern of tokens (`YYYY-MM-DD HH:mm:ss Z`)
 * with the zone from the text (`Z`), or else from a named IANA time zone. No guessing between
 * day-first and month-first: the pattern says which.
 */

const tokens = {
  YYYY: { re: '(\\d{4})', part: 'year' },
  MM: { re: '(\\d{2})', part: 'month' },
  M: { re: '(\\d{1,2})', part: 'month' },
  DD: { re: '(\\d{2})', part: 'day' },
  D: { re: '(\\d{1,2})', part: 'day' },
  HH: { re: '(\\d{2})', part: 'hour' },
  H: { re: '(\\d{1,2})', part: 'hour' },
  mm: { re: '(\\d{2})', part: 'minute' },
  ss: { re: '(\\d{2})', part: 'second' },
  Z: { re: '(Z|[+-]\\d{2}:?\\d{2})', part: 'offset' },
} as const;
type Part = (typeof tokens)[keyof typeof tokens]['part'];
const tokenList = new Map<string, { re: string; part: Part }>(Object.entries(tokens));
const tokenPattern = /YYYY|MM|M|DD|D|HH|H|mm|ss|Z/g;

/** A compiled date pattern: `read(text)` gives the instant as ISO 8601 (UTC) or why not. */
export interface DatePattern {
  readonly pattern: string;
  readonly hasZone: boolean;
  read(text: string, timeZone?: string): { ok: true; iso: string } | { ok: false; reason: string };
}

/** Why a pattern cannot be used, or the compiled pattern; `iso` reads any ISO 8601 date or date-time. */
export function datePattern(pattern: string): DatePattern | string {
  if (pattern === 'iso') return isoPattern;
  const parts: Part[] = [];
  let source = '';
  let last = 0;
  for (const match of pattern.matchAll(tokenPattern)) {
    source += escapeRegExp(pattern.slice(last, match.index));
    const token = tokenList.get(match[0]);
    if (token === undefined) continue;
    source += token.re;
    parts.push(token.part);
    last = match.index + match[0].length;
  }
  source += escapeRegExp(pattern.slice(last));
  for (const needed of ['year', 'month', 'day'] as const)
    if (!parts.includes(needed)) return `the date format "${pattern}" has no ${needed} (use YYYY, MM and DD)`;
  if (new Set(parts).size !== parts.length) return `the date format "${pattern}" names a part twice`;
  const re = new RegExp(`^${source}$`);
  const hasZone = parts.includes('offset');
  return {
    pattern,
    hasZone,
    read(text, timeZone) {
      const match = re.exec(text.trim());
      if (match === null) return { ok: false, reason: `"${text}" is not a date in the format ${pattern}` };
      const value = (part: Part) => {
        const at = parts.indexOf(part);
        return at < 0 ? undefined : match[at + 1];
      };
      return instant(
        {
          year: Number(value('year')),
          month: Number(value('month')),
          day: Number(value('day')),
          hour: Number(value('hour') ?? 0),
          minute: Number(value('minute') ?? 0),
          second: Number(value('second') ?? 0),
        },
        value('offset'),
        timeZone,
        text,
      );
    },
  };
}

const isoPattern: DatePattern = {
  pattern: 'iso',
  hasZone: true,
  read(text) {
    const trimmed = text.trim();
    const match =
      /^(\d{4})-(\d{2})-(\d{2})(?:[T ](\d{2}):(\d{2})(?::(\d{2})(?:\.\d+)?)?(Z|[+-]\d{2}:?\d{2})?)?$/.exec(
        trimmed,
      );
    if (match === null) return { ok: false, reason: `"${text}" is not an ISO 8601 date or date-time` };
    const [, y, mo, d, h, mi, s, offset] = match;
    if (h !== undefined && offset === undefined)
      return { ok: false, reason: `"${text}" has a time but no zone (add Z or an offset such as +02:00)` };
    const fractional = /\.(\d+)/.exec(trimmed.slice(19))?.[1];
    const result = instant(
      {
        year: +(y ?? 0),
        month: +(mo ?? 0),
        day: +(d ?? 0),
        hour: +(h ?? 0),
        minute: +(mi ?? 0),
        second: +(s ?? 0),
      },
      offset ?? 'Z',
      undefined,
      text,
    );
    if (!result.ok || fractional === undefined) return result;
    const ms = Number(`0.${fractional}`) * 1000;
    return { ok: true, iso: new Date(Date.parse(result.iso) + Math.floor(ms)).toISOString() };
  },
};

const escapeRegExp = (text: string) => text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');

interface WallTime {
  readonly year: number;
  readonly month: number;
  readonly day: number;
  readonly hour: number;
  readonly minute: number;
  readonly second: number;
}

function instant(
  wall: WallTime,
  offset: string | undefined,
  timeZone: string | undefined,
  text: string,
): { ok: true; iso: string } | { ok: false; reason: string } {
  const { year, month, day, hour, minute, second } = wall;
  const daysInMonth = new Date(Date.UTC(year, month, 0)).getUTCDate();
  if (month < 1 || month > 12 || day < 1 || day > daysInMonth || hour > 23 || minute > 59 || second > 59)
    return { ok: false, reason: `"${text}" is not a real date or time` };
  const asUtc = Date.UTC(year, month - 1, day, hour, minute, second);
  if (offset !== undefined) {
    if (offset === 'Z') return { ok: true, iso: new Date(asUtc).toISOString() };
    const sign = offset.startsWith('-') ? -1 : 1;
    const digits = offset.slice(1).replace(':', '');
    const minutes = Number(digits.slice(0, 2)) * 60 + Number(digits.slice(2));
    if (minutes > 18 * 60) return { ok: false, reason: `"${text}" has an offset beyond ±18:00` };
    return { ok: true, iso: new Date(asUtc - sign * minutes * 60_000).toISOString() };
  }
  if (timeZone === undefined)
    return { ok: false, reason: `"${text}" names no zone, and no time zone was given for it` };
  if (!isTimeZone(timeZone)) return { ok: false, reason: `"${timeZone}" is not an IANA time zone` };
  return { ok: true, iso: new Date(wallTimeIn(asUtc, timeZone)).toISOString() };
}

/** The offset of `timeZone` from UTC at `at`, in ms (Intl knows the zone's rules and history). */
function offsetAt(at: number, timeZone: string): number {
  const parts = zoneFormatter(timeZone).formatToParts(new Date(at));
  const get = (type: Intl.DateTimeFormatPartTypes) => Number(parts.find((part) => part.type === type)?.value);
  const wall = Date.UTC(get('year'), get('month') - 1, get('day'), get('hour'), get('minute'), get('second'));
  return wall - Math.floor(at / 1000) * 1000;
}

/** The instant a wall-clock time (given as if UTC) names in `timeZone`; in a gap or overlap, the earlier offset's. */
function wallTimeIn(wallAsUtc: number, timeZone: string): number {
  const first = wallAsUtc - offsetAt(wallAsUtc, timeZone);
  const second = wallAsUtc - offsetAt(first, timeZone);
  return second;
}
