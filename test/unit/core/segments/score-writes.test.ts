import { describe, expect, it } from 'vitest';
import {
  SCORE_REFRESH_MS,
  type StoredScore,
  scoreNeedsWrite,
} from '../../../../functions/core/domain/scoring.ts';

const day = 86_400_000;
const stored: StoredScore = {
  customerId: 'c1',
  runId: '2026-11-23',
  scoredAt: Date.parse('2026-11-23T06:00:00Z'),
  model: 'mbgnbd',
  pAlive: 0.42,
  pReturn: 0.18,
  expectedPurchases: 0.3,
  overdueRatio: 2.1,
  explanation: 'usually buys every ~5 weeks; now 2.1x overdue',
  segmentId: 'lapsed',
};
const nextDay = (change: Partial<StoredScore> = {}): StoredScore => ({
  ...stored,
  runId: '2026-11-24',
  scoredAt: stored.scoredAt + day,
  ...change,
});

describe('scoreNeedsWrite', () => {
  it('writes a first score', () => {
    expect(scoreNeedsWrite(undefined, stored)).toBe(true);
  });

  it('skips a score that only drifted by less than two points, with a new explanation or run id', () => {
    expect(scoreNeedsWrite(stored, nextDay({ pAlive: 0.405, pReturn: 0.17, overdueRatio: 2.3 }))).toBe(false);
    expect(scoreNeedsWrite(stored, nextDay({ explanation: 'now 2.2x overdue' }))).toBe(false);
  });

  it('lets the overdue ratio grow day by day until it moved by a quarter or 10%', () => {
    // A 5-day gap: a day adds 0.2; a 15-day gap (0.067 a day) waits for the weekly refresh.
    const daysOn = (n: number, gap: number) =>
      nextDay({ scoredAt: stored.scoredAt + n * day, overdueRatio: 2.1 + n / gap });
    expect([1, 2, 3].map((n) => scoreNeedsWrite(stored, daysOn(n, 5)))).toEqual([false, false, true]);
    expect([1, 2, 3, 4, 5, 6].some((n) => scoreNeedsWrite(stored, daysOn(n, 15)))).toBe(false);
    expect(scoreNeedsWrite(stored, nextDay({ overdueRatio: 2.7 }))).toBe(true);
    expect(scoreNeedsWrite({ ...stored, overdueRatio: 0.2 }, nextDay({ overdueRatio: 0.6 }))).toBe(true);
  });

  it('writes when the segment or the model changes, or a probability moves by more than two points', () => {
    expect(scoreNeedsWrite(stored, nextDay({ segmentId: 'lost' }))).toBe(true);
    expect(scoreNeedsWrite(stored, nextDay({ segmentId: null }))).toBe(true);
    expect(scoreNeedsWrite(stored, nextDay({ model: 'paretonbd' }))).toBe(true);
    expect(scoreNeedsWrite(stored, nextDay({ pAlive: 0.48 }))).toBe(true);
    // A purchase: the probabilities jump.
    expect(scoreNeedsWrite(stored, nextDay({ pAlive: 0.91, pReturn: 0.6 }))).toBe(true);
    expect(scoreNeedsWrite(stored, nextDay({ expectedPurchases: 0.34 }))).toBe(true);
    expect(scoreNeedsWrite(stored, nextDay({ overdueRatio: undefined }))).toBe(true);
  });

  it('refreshes a score once it is a week old, so scoredAt stays meaningful', () => {
    expect(scoreNeedsWrite(stored, { ...stored, scoredAt: stored.scoredAt + SCORE_REFRESH_MS - 1 })).toBe(
      false,
    );
    expect(scoreNeedsWrite(stored, { ...stored, scoredAt: stored.scoredAt + SCORE_REFRESH_MS })).toBe(true);
  });
});
