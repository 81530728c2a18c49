import type { Clock } from '../ports/clock.ts';

/** Wall-clock time. */
export const systemClock: Clock = { now: () => Date.now() };
