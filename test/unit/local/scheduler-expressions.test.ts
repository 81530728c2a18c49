import { describe, expect, it } from 'vitest';
import {
  atInstant,
  type CronExpression,
  nextCronOccurrence,
  parseScheduleExpression,
} from '../../../functions/local/scheduler-emulator/expressions.ts';
import {
  isValidTimeZone,
  offsetAt,
  resolveWallTime,
  wallTimeAt,
} from '../../../functions/local/scheduler-emulator/time-zones.ts';

const iso = (epochMs: number | undefined): string | undefined =>
  epochMs === undefined ? undefined : new Date(epochMs).toISOString();

function at(expression: string, timeZone: string): string | undefined {
  const parsed = parseScheduleExpression(expression);
  if (!parsed.ok || parsed.value.kind !== 'at') throw new Error(`not an at(): ${expression}`);
  return iso(atInstant(parsed.value, timeZone));
}

function cron(expression: string): CronExpression {
  const parsed = parseScheduleExpression(expression);
  if (!parsed.ok || parsed.value.kind !== 'cron') throw new Error(`not a cron(): ${expression}`);
  return parsed.value;
}

/** The next `count` occurrences strictly after the first, starting the search at `fromIso`. */
function occurrences(
  expression: string,
  fromIso: string,
  timeZone: string,
  count: number,
): (string | undefined)[] {
  const parsed = cron(expression);
  const found: (string | undefined)[] = [];
  let from = Date.parse(fromIso);
  for (let index = 0; index < count; index += 1) {
    const next = nextCronOccurrence(parsed, from, timeZone);
    found.push(iso(next));
    if (next === undefined) break;
    from = next + 1;
  }
  return found;
}

describe('at() in a time zone', () => {
  it('reads the wall time in UTC by default', () => {
    expect(at('at(2025-06-01T09:00:00)', 'UTC')).toBe('2025-06-01T09:00:00.000Z');
  });

  it('handles half-hour and quarter-hour offsets', () => {
    expect(at('at(2025-06-01T09:00:00)', 'Asia/Kolkata')).toBe('2025-06-01T03:30:00.000Z');
    // Chatham is +13:45 in its summer (January) and +12:45 in its winter (July).
    expect(at('at(2025-01-01T00:00:00)', 'Pacific/Chatham')).toBe('2024-12-31T10:15:00.000Z');
    expect(at('at(2025-07-01T12:00:00)', 'Pacific/Chatham')).toBe('2025-06-30T23:15:00.000Z');
  });

  it('uses the offset in force on the day, either side of a DST change', () => {
    expect(at('at(2025-03-08T09:00:00)', 'America/New_York')).toBe('2025-03-08T14:00:00.000Z');
    expect(at('at(2025-03-10T09:00:00)', 'America/New_York')).toBe('2025-03-10T13:00:00.000Z');
    expect(at('at(2025-03-29T09:00:00)', 'Europe/London')).toBe('2025-03-29T09:00:00.000Z');
    expect(at('at(2025-03-31T09:00:00)', 'Europe/London')).toBe('2025-03-31T08:00:00.000Z');
  });

  it('moves a time in the spring-forward gap forward by the gap', () => {
    // 02:30 does not exist on 9 March 2025 in New York; it becomes 03:30 EDT.
    expect(at('at(2025-03-09T02:30:00)', 'America/New_York')).toBe('2025-03-09T07:30:00.000Z');
    // 01:30 does not exist on 30 March 2025 in London; it becomes 02:30 BST.
    expect(at('at(2025-03-30T01:30:00)', 'Europe/London')).toBe('2025-03-30T01:30:00.000Z');
  });

  it('picks the earlier instant of a repeated time in the fall-back overlap', () => {
    expect(at('at(2025-11-02T01:30:00)', 'America/New_York')).toBe('2025-11-02T05:30:00.000Z');
    expect(at('at(2025-10-26T01:30:00)', 'Europe/London')).toBe('2025-10-26T00:30:00.000Z');
  });

  it('reports both instants of a repeated time and none for a skipped one', () => {
    const wall = { year: 2025, month: 11, day: 2, hour: 1, minute: 30, second: 0 };
    expect(resolveWallTime(wall, 'America/New_York')).toEqual({
      kind: 'overlap',
      earlier: Date.parse('2025-11-02T05:30:00Z'),
      later: Date.parse('2025-11-02T06:30:00Z'),
    });
    expect(resolveWallTime({ ...wall, month: 3, day: 9, hour: 2 }, 'America/New_York').kind).toBe('gap');
    expect(resolveWallTime({ ...wall, month: 6 }, 'America/New_York').kind).toBe('unique');
  });

  it('reads offsets and wall times back from instants', () => {
    expect(offsetAt(Date.parse('2025-01-15T00:00:00Z'), 'Asia/Kolkata')).toBe(19_800_000);
    expect(offsetAt(Date.parse('2025-01-15T00:00:00Z'), 'Pacific/Chatham')).toBe(49_500_000);
    expect(wallTimeAt(Date.parse('2025-07-01T12:00:00Z'), 'Europe/London')).toEqual({
      year: 2025,
      month: 7,
      day: 1,
      hour: 13,
      minute: 0,
      second: 0,
    });
  });

  it('knows valid and invalid zones', () => {
    expect(isValidTimeZone('America/New_York')).toBe(true);
    expect(isValidTimeZone('UTC')).toBe(true);
    expect(isValidTimeZone('Mars/Olympus_Mons')).toBe(false);
    expect(isValidTimeZone('')).toBe(false);
  });
});

describe('parseScheduleExpression', () => {
  it.each([
    'at(2025-02-30T00:00:00)',
    'at(2025-01-01T24:00:00)',
    'at(2025-01-01 00:00:00)',
    'at(2025-1-1T00:00:00)',
    'rate(0 minutes)',
    'rate(5 weeks)',
    'rate(-1 hours)',
    'cron(0 9 * * * *)',
    'cron(0 9 ? * ? *)',
    'cron(60 9 * * ? *)',
    'cron(0 24 * * ? *)',
    'cron(0 9 * 13 ? *)',
    'cron(0 9 ? * 8 *)',
    'cron(0 9 * * ?)',
    'cron(0 9 * * ? 1969)',
    'every(5 minutes)',
    '',
  ])('rejects %s', (expression) => {
    const parsed = parseScheduleExpression(expression);
    expect(parsed.ok).toBe(false);
    if (!parsed.ok) expect(parsed.reason).toContain('Invalid Schedule Expression');
  });

  it('parses rates in each unit, singular or plural', () => {
    const intervals = ['rate(1 minute)', 'rate(15 minutes)', 'rate(2 hours)', 'rate(1 day)'].map((text) => {
      const parsed = parseScheduleExpression(text);
      return parsed.ok && parsed.value.kind === 'rate' ? parsed.value.intervalMs : undefined;
    });
    expect(intervals).toEqual([60_000, 900_000, 7_200_000, 86_400_000]);
  });

  it('parses names, ranges, lists and steps', () => {
    const parsed = cron('cron(0/20 8-10,17 ? JAN-MAR MON-FRI 2025-2026)');
    expect(parsed.minutes).toEqual([0, 20, 40]);
    expect(parsed.hours).toEqual([8, 9, 10, 17]);
    expect([...parsed.months].sort()).toEqual([1, 2, 3]);
    expect([...parsed.dayOfWeek.days].sort()).toEqual([2, 3, 4, 5, 6]);
    expect(parsed.years).toEqual(new Set([2025, 2026]));
  });
});

describe('nextCronOccurrence', () => {
  it('fires daily at a fixed UTC time, including at the start instant', () => {
    expect(occurrences('cron(0 3 * * ? *)', '2025-01-01T03:00:00Z', 'UTC', 3)).toEqual([
      '2025-01-01T03:00:00.000Z',
      '2025-01-02T03:00:00.000Z',
      '2025-01-03T03:00:00.000Z',
    ]);
  });

  it('rounds a start with seconds up to the next whole minute', () => {
    expect(occurrences('cron(* * * * ? *)', '2025-01-01T03:00:10Z', 'UTC', 2)).toEqual([
      '2025-01-01T03:01:00.000Z',
      '2025-01-01T03:02:00.000Z',
    ]);
  });

  it('keeps the local time of day across DST in New York', () => {
    expect(occurrences('cron(0 9 * * ? *)', '2025-03-08T00:00:00Z', 'America/New_York', 3)).toEqual([
      '2025-03-08T14:00:00.000Z',
      '2025-03-09T13:00:00.000Z',
      '2025-03-10T13:00:00.000Z',
    ]);
  });

  it('skips a match in the spring-forward gap, as AWS does', () => {
    expect(occurrences('cron(30 2 * * ? *)', '2025-03-08T00:00:00Z', 'America/New_York', 2)).toEqual([
      '2025-03-08T07:30:00.000Z',
      '2025-03-10T06:30:00.000Z',
    ]);
  });

  it('fires once in the fall-back overlap, as AWS does', () => {
    expect(occurrences('cron(30 1 * * ? *)', '2025-11-01T00:00:00Z', 'America/New_York', 3)).toEqual([
      '2025-11-01T05:30:00.000Z',
      '2025-11-02T05:30:00.000Z',
      '2025-11-03T06:30:00.000Z',
    ]);
    expect(occurrences('cron(0/30 1 * * ? *)', '2025-10-26T00:00:00Z', 'Europe/London', 3)).toEqual([
      '2025-10-26T00:00:00.000Z',
      '2025-10-26T00:30:00.000Z',
      '2025-10-27T01:00:00.000Z',
    ]);
  });

  it('does not fire again when the search starts inside the repeated hour', () => {
    // 06:15Z is 01:15 EST, the second pass through 01:xx; 01:30 already fired at 05:30Z.
    expect(occurrences('cron(30 1 * * ? *)', '2025-11-02T06:15:00Z', 'America/New_York', 1)).toEqual([
      '2025-11-03T06:30:00.000Z',
    ]);
  });

  it('fires in zones with quarter-hour offsets', () => {
    expect(occurrences('cron(0 8 * * ? *)', '2025-01-01T00:00:00Z', 'Pacific/Chatham', 1)).toEqual([
      '2025-01-01T18:15:00.000Z',
    ]);
    expect(occurrences('cron(0 6 * * ? *)', '2025-01-01T00:00:00Z', 'Asia/Kolkata', 1)).toEqual([
      '2025-01-01T00:30:00.000Z',
    ]);
  });

  it('supports weekdays, L, W and #', () => {
    expect(occurrences('cron(0 9 ? * MON-FRI *)', '2025-01-03T10:00:00Z', 'UTC', 2)).toEqual([
      '2025-01-06T09:00:00.000Z',
      '2025-01-07T09:00:00.000Z',
    ]);
    expect(occurrences('cron(0 10 L * ? *)', '2025-01-01T00:00:00Z', 'UTC', 2)).toEqual([
      '2025-01-31T10:00:00.000Z',
      '2025-02-28T10:00:00.000Z',
    ]);
    // 15 February 2025 is a Saturday: the nearest weekday is Friday the 14th.
    expect(occurrences('cron(0 10 15W 2 ? *)', '2025-01-01T00:00:00Z', 'UTC', 1)).toEqual([
      '2025-02-14T10:00:00.000Z',
    ]);
    expect(occurrences('cron(0 10 ? * 6#3 *)', '2025-01-01T00:00:00Z', 'UTC', 1)).toEqual([
      '2025-01-17T10:00:00.000Z',
    ]);
    expect(occurrences('cron(0 10 ? * 2L *)', '2025-03-01T00:00:00Z', 'UTC', 1)).toEqual([
      '2025-03-31T10:00:00.000Z',
    ]);
  });

  it('honours the year field and ends when no year is left', () => {
    expect(occurrences('cron(0 0 1 1 ? 2030)', '2025-06-01T00:00:00Z', 'UTC', 2)).toEqual([
      '2030-01-01T00:00:00.000Z',
      undefined,
    ]);
  });
});
