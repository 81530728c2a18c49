import { describe, expect, it } from 'vitest';
import { VirtualClock } from '../../../functions/local/virtual-clock.ts';

describe('VirtualClock', () => {
  it('moves forward only', () => {
    const clock = new VirtualClock(1_000);
    clock.advanceTo(500);
    expect(clock.now()).toBe(1_000);
    clock.advanceBy(-5);
    expect(clock.now()).toBe(1_000);
    clock.advanceTo(2_000);
    expect(clock.now()).toBe(2_000);
  });

  it('gives work run at a time that time, across awaits, while side-by-side work and the shared time keep theirs', async () => {
    const clock = new VirtualClock(1_000);
    const readAfterPause = (ms: number) => async () => {
      const before = clock.now();
      await new Promise((resolve) => setTimeout(resolve, ms));
      return [before, clock.now()];
    };
    const [early, late] = await Promise.all([
      clock.runAt(5_000, readAfterPause(20)),
      clock.runAt(9_000, readAfterPause(5)),
    ]);
    expect(early).toEqual([5_000, 5_000]);
    expect(late).toEqual([9_000, 9_000]);
    expect(clock.now()).toBe(1_000);
  });
});
