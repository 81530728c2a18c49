/** The 95% normal quantile. */
const Z95 = 1.959963984540054;

export interface Interval {
  readonly low: number;
  readonly high: number;
}

/** Wilson score interval of a proportion `successes / trials`. */
export function wilsonInterval(successes: number, trials: number, z = Z95): Interval {
  if (trials === 0) return { low: 0, high: 1 };
  const p = successes / trials;
  const z2 = z * z;
  const denominator = 1 + z2 / trials;
  const centre = (p + z2 / (2 * trials)) / denominator;
  const half = (z / denominator) * Math.sqrt((p * (1 - p)) / trials + z2 / (4 * trials * trials));
  return { low: Math.max(0, centre - half), high: Math.min(1, centre + half) };
}

export interface Lift extends Interval {
  /** Difference of return rates, treated minus hold-out (absolute, 0.02 = 2 points). */
  readonly estimate: number;
}

/**
 * The difference of two proportions with Newcombe's hybrid score interval (method 10, from two
 * Wilson intervals): unlike the Wald interval it stays inside [-1, 1] and behaves at small rates.
 */
export function newcombeDifference(
  treated: { successes: number; trials: number },
  control: { successes: number; trials: number },
  z = Z95,
): Lift {
  const p1 = treated.successes / treated.trials;
  const p2 = control.successes / control.trials;
  const a = wilsonInterval(treated.successes, treated.trials, z);
  const b = wilsonInterval(control.successes, control.trials, z);
  const estimate = p1 - p2;
  return {
    estimate,
    low: estimate - Math.sqrt((p1 - a.low) ** 2 + (b.high - p2) ** 2),
    high: estimate + Math.sqrt((a.high - p1) ** 2 + (p2 - b.low) ** 2),
  };
}
