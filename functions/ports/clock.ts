/** The time source every component reads; real in Lambda, virtual in the demo and tests. */
export interface Clock {
  /** Milliseconds since the epoch. */
  now(): number;
}

/** Wall-clock time. */
export const systemClock: Clock = { now: () => Date.now() };

/** A clock that only moves when told to; used by the demo and tests to jump through weeks. */
export class VirtualClock implements Clock {
  #now: number;

  constructor(start: number) {
    this.#now = start;
  }

  now(): number {
    return this.#now;
  }

  /** Moves the clock forward to `epochMs`; never backwards. */
  advanceTo(epochMs: number): void {
    if (epochMs > this.#now) this.#now = epochMs;
  }

  advanceBy(ms: number): void {
    this.#now += Math.max(0, ms);
  }
}
