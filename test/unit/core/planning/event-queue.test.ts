import { describe, expect, it } from 'vitest';
import { seededRandom } from '../../../../functions/core/model/simulate.ts';
import { EventQueue } from '../../../../functions/core/planning/event-queue.ts';

describe('EventQueue', () => {
  it('pops in time order, items due together in the order they were added, across growth', () => {
    const random = seededRandom(7);
    const queue = new EventQueue<number>();
    const reference: { at: number; id: number }[] = [];
    const popped: number[] = [];
    const expected: number[] = [];
    let id = 0;
    // Pushes and pops interleaved, with many equal times, past the first 1,024 slots.
    for (let round = 0; round < 6_000; round += 1) {
      if (random() < 0.6) {
        const at = Math.floor(random() * 50);
        queue.push(at, id);
        reference.push({ at, id });
        id += 1;
      } else {
        // The earliest, the first added among equals (ids grow with the order of adding).
        let first = 0;
        for (let i = 1; i < reference.length; i += 1) {
          const a = reference[i];
          const b = reference[first];
          if (a !== undefined && b !== undefined && (a.at < b.at || (a.at === b.at && a.id < b.id)))
            first = i;
        }
        const [next] = reference.splice(first, 1);
        const got = queue.pop();
        expect(got?.at).toBe(next?.at);
        if (got !== undefined) popped.push(got.item);
        if (next !== undefined) expected.push(next.id);
      }
      expect(queue.size).toBe(reference.length);
    }
    expect(queue.peekAt()).toBe(Math.min(...reference.map((entry) => entry.at)));
    expect(queue.remaining().sort((a, b) => a - b)).toEqual(
      reference.map((entry) => entry.id).sort((a, b) => a - b),
    );
    expect(popped).toEqual(expected);
    while (queue.size > 0) queue.pop();
    expect(queue.pop()).toBeUndefined();
    expect(queue.peekAt()).toBeUndefined();
  });
});
