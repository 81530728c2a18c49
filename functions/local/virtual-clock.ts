import { AsyncLocalStorage } from 'node:async_hooks';
import type { Clock } from '../ports/clock.ts';

/** A clock that only moves when told to; used by the demo and tests to jump through weeks. */
export class VirtualClock implements Clock {
  #now: number;
  // The time of the firing whose async context is running, when firings run side by side.
  readonly #local = new AsyncLocalStorage<number>();

  constructor(start: number) {
    this.#now = start;
  }

  /** The time of the work running in this async context (see `runAt`), else the shared time. */
  now(): number {
    return this.#local.getStore() ?? this.#now;
  }

  /**
   * Runs `work` with `now()` reading `epochMs` inside it and in everything it awaits, the shared
   * time untouched: work due at different times can run side by side, each at its own time.
   */
  runAt<T>(epochMs: number, work: () => Promise<T>): Promise<T> {
    return this.#local.run(epochMs, work);
  }

  /** Moves the clock forward to `epochMs`; never backwards. */
  advanceTo(epochMs: number): void {
    if (epochMs > this.#now) this.#now = epochMs;
  }

  advanceBy(ms: number): void {
    this.#now += Math.max(0, ms);
  }
}
