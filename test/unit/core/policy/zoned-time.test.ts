import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { formattedWallTimeAt, offsetAt, wallTimeAt } from '../../../../functions/core/policy/zoned-time.ts';

// Whole-hour, half-hour and 45-minute offsets; 30-minute DST (Lord Howe); southern-hemisphere DST.
const zones = [
  'UTC',
  'Europe/London',
  'Europe/Berlin',
  'America/New_York',
  'America/St_Johns',
  'America/Sao_Paulo',
  'Asia/Kolkata',
  'Asia/Kathmandu',
  'Australia/Lord_Howe',
  'Pacific/Chatham',
  'Pacific/Apia',
] as const;

describe('wallTimeAt, with its offsets cached by quarter hour', () => {
  it('shows what Intl shows, at any instant from 1950 to 2100', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: Date.UTC(1950, 0, 1), max: Date.UTC(2100, 0, 1) }),
        fc.constantFrom(...zones),
        (instant, zone) => {
          expect(wallTimeAt(instant, zone)).toEqual(formattedWallTimeAt(instant, zone));
        },
      ),
      { numRuns: 3_000 },
    );
  });

  it('shows what Intl shows on each second around a transition, read in any order', () => {
    // London went forward at 01:00 UTC on 2026-03-29; Lord Howe goes back 30 minutes at 15:00 UTC on 2026-04-04.
    const transitions = [
      ['Europe/London', Date.UTC(2026, 2, 29, 1)],
      ['Australia/Lord_Howe', Date.UTC(2026, 3, 4, 15)],
      ['Asia/Kathmandu', Date.UTC(1985, 11, 31, 18, 30)],
    ] as const;
    for (const [zone, at] of transitions) {
      const seconds = Array.from({ length: 1_801 }, (_, index) => at - 900_000 + index * 1000);
      // Backwards first, so that the cache fills from the far side of the transition.
      for (const instant of [...seconds].reverse().concat(seconds))
        expect(wallTimeAt(instant, zone)).toEqual(formattedWallTimeAt(instant, zone));
      expect(offsetAt(at - 1000, zone)).not.toBe(offsetAt(at, zone));
    }
  });
});
