import { describe, expect, it } from 'vitest';
import { forEachConcurrently } from '../../../functions/core/concurrency.ts';

const tick = () => new Promise<void>((resolve) => setImmediate(resolve));

describe('forEachConcurrently', () => {
  it('does every item once, with its index, never more than the limit at once', async () => {
    let running = 0;
    let peak = 0;
    const seen: string[] = [];
    await forEachConcurrently(['a', 'b', 'c', 'd', 'e', 'f', 'g'], 3, async (item, index) => {
      running += 1;
      peak = Math.max(peak, running);
      await tick();
      seen.push(`${index}:${item}`);
      running -= 1;
    });
    expect(seen.sort()).toEqual(['0:a', '1:b', '2:c', '3:d', '4:e', '5:f', '6:g']);
    expect(peak).toBe(3);
  });

  it('does nothing for no items', async () => {
    let calls = 0;
    await forEachConcurrently([], 4, async () => {
      calls += 1;
    });
    expect(calls).toBe(0);
  });

  it('starts nothing after a failure, lets the started ones finish, and rejects with the first error', async () => {
    const started: number[] = [];
    const finished: number[] = [];
    const run = forEachConcurrently([0, 1, 2, 3, 4, 5, 6, 7], 2, async (item) => {
      started.push(item);
      await tick();
      if (item === 1) throw new Error('item 1 failed');
      finished.push(item);
    });
    await expect(run).rejects.toThrow('item 1 failed');
    expect(started).toEqual([0, 1, 2]);
    expect(finished).toEqual([0, 2]);
  });
});
