import { describe, expect, it } from 'vitest';
import {
  isInWindow,
  nextWindowInstant,
  type SendWindow,
} from '../../../../functions/core/policy/send-window.ts';
import { instantOf, offsetAt, wallTimeAt } from '../../../../functions/core/policy/zoned-time.ts';

const weekdays: SendWindow = {
  days: ['mon', 'tue', 'wed', 'thu', 'fri'],
  fromMinute: 9 * 60,
  toMinute: 18 * 60,
};
const everyDay: SendWindow = {
  days: ['mon', 'tue', 'wed', 'thu', 'fri', 'sat', 'sun'],
  fromMinute: 9 * 60,
  toMinute: 18 * 60,
};
const iso = (text: string) => Date.parse(text);

describe('zoned time', () => {
  it('knows half- and three-quarter-hour offsets', () => {
    expect(offsetAt(iso('2026-01-15T00:00:00Z'), 'Asia/Kolkata')).toBe(5.5 * 3_600_000);
    // Chatham: +13:45 in the southern summer, +12:45 in winter.
    expect(offsetAt(iso('2026-01-15T00:00:00Z'), 'Pacific/Chatham')).toBe(13.75 * 3_600_000);
    expect(offsetAt(iso('2026-07-15T00:00:00Z'), 'Pacific/Chatham')).toBe(12.75 * 3_600_000);
  });

  it('maps a wall time back to its instant', () => {
    const wall = { year: 2026, month: 3, day: 2, hour: 9, minute: 0, second: 0 };
    expect(new Date(instantOf(wall, 'Asia/Kolkata')).toISOString()).toBe('2026-03-02T03:30:00.000Z');
    expect(wallTimeAt(instantOf(wall, 'Pacific/Chatham'), 'Pacific/Chatham')).toEqual(wall);
  });

  it('moves a time skipped by spring-forward past the gap, and takes the earlier of a repeated one', () => {
    const skipped = { year: 2026, month: 3, day: 8, hour: 2, minute: 30, second: 0 };
    expect(new Date(instantOf(skipped, 'America/New_York')).toISOString()).toBe('2026-03-08T07:30:00.000Z');
    const repeated = { year: 2026, month: 11, day: 1, hour: 1, minute: 30, second: 0 };
    expect(new Date(instantOf(repeated, 'America/New_York')).toISOString()).toBe('2026-11-01T05:30:00.000Z');
  });
});

describe('nextWindowInstant', () => {
  it('keeps an instant inside the window and treats the closing time as outside', () => {
    const inside = iso('2026-03-02T12:00:00Z'); // Monday 12:00 London
    expect(nextWindowInstant(inside, weekdays, 'Europe/London')).toBe(inside);
    expect(isInWindow(iso('2026-03-02T09:00:00Z'), weekdays, 'Europe/London')).toBe(true);
    expect(isInWindow(iso('2026-03-02T17:59:59Z'), weekdays, 'Europe/London')).toBe(true);
    expect(isInWindow(iso('2026-03-02T18:00:00Z'), weekdays, 'Europe/London')).toBe(false);
    expect(isInWindow(iso('2026-03-02T08:59:59Z'), weekdays, 'Europe/London')).toBe(false);
  });

  it('moves a Friday evening to Monday morning in the recipient zone', () => {
    const fridayEvening = iso('2026-03-06T19:00:00Z');
    expect(new Date(nextWindowInstant(fridayEvening, weekdays, 'Europe/London')).toISOString()).toBe(
      '2026-03-09T09:00:00.000Z',
    );
  });

  it('opens at 09:00 local in Asia/Kolkata (+05:30) and Pacific/Chatham (+13:45)', () => {
    const sundayUtc = iso('2026-03-01T12:00:00Z'); // Sunday 17:30 in Kolkata
    expect(new Date(nextWindowInstant(sundayUtc, weekdays, 'Asia/Kolkata')).toISOString()).toBe(
      '2026-03-02T03:30:00.000Z',
    );
    // Sunday 12:00Z is Monday 01:45 in Chatham: later that Monday at 09:00 local.
    expect(new Date(nextWindowInstant(sundayUtc, weekdays, 'Pacific/Chatham')).toISOString()).toBe(
      '2026-03-01T19:15:00.000Z',
    );
  });

  it('follows the clock change: 09:00 local is an hour earlier in UTC after spring-forward', () => {
    const beforeChange = iso('2026-03-28T18:00:00Z'); // Saturday evening, London still on GMT
    expect(new Date(nextWindowInstant(beforeChange, everyDay, 'Europe/London')).toISOString()).toBe(
      '2026-03-29T08:00:00.000Z',
    );
    const beforeFallBack = iso('2026-10-24T18:00:00Z');
    expect(new Date(nextWindowInstant(beforeFallBack, everyDay, 'Europe/London')).toISOString()).toBe(
      '2026-10-25T09:00:00.000Z',
    );
  });

  it('opens after the gap when the window starts inside a skipped hour', () => {
    const night: SendWindow = { days: everyDay.days, fromMinute: 2 * 60 + 30, toMinute: 5 * 60 };
    const saturday = iso('2026-03-07T12:00:00Z');
    // New York skips 02:00–03:00 on 8 March 2026: the window opens at 03:30 EDT.
    expect(
      new Date(nextWindowInstant(iso('2026-03-08T06:00:00Z'), night, 'America/New_York')).toISOString(),
    ).toBe('2026-03-08T07:30:00.000Z');
    expect(nextWindowInstant(saturday, night, 'America/New_York')).toBe(iso('2026-03-08T07:30:00Z'));
  });

  it('leaves room for the flexible window before the close', () => {
    const late = iso('2026-03-02T17:50:00Z'); // Monday 17:50 London, window closes 18:00
    expect(nextWindowInstant(late, weekdays, 'Europe/London')).toBe(late);
    expect(new Date(nextWindowInstant(late, weekdays, 'Europe/London', 15 * 60_000)).toISOString()).toBe(
      '2026-03-03T09:00:00.000Z',
    );
  });

  it('closes at midnight with 24:00', () => {
    const evening: SendWindow = { days: ['sat'], fromMinute: 20 * 60, toMinute: 24 * 60 };
    expect(isInWindow(iso('2026-03-07T23:59:00Z'), evening, 'UTC')).toBe(true);
    expect(new Date(nextWindowInstant(iso('2026-03-08T00:00:00Z'), evening, 'UTC')).toISOString()).toBe(
      '2026-03-14T20:00:00.000Z',
    );
  });

  it('always returns an instant in the window, never earlier than asked (any zone, any time)', () => {
    const zones = [
      'UTC',
      'Asia/Kolkata',
      'Pacific/Chatham',
      'America/New_York',
      'Australia/Lord_Howe',
      'Europe/London',
    ];
    for (const zone of zones) {
      for (let hour = 0; hour < 24 * 400; hour += 37) {
        const from = iso('2026-01-01T00:00:00Z') + hour * 3_600_000;
        const next = nextWindowInstant(from, weekdays, zone);
        expect(next).toBeGreaterThanOrEqual(from);
        expect(isInWindow(next, weekdays, zone)).toBe(true);
        expect(next - from).toBeLessThan(4 * 86_400_000);
      }
    }
  });
});
