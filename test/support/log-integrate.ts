/**
 * A brute-force reference for the model's special functions, for tests only: the fit integrates
 * the Pareto/NBD A0 ends at a bounded cost (`logPowerTail`, special-functions.ts) and checks it
 * against this adaptive quadrature at extreme parameters.
 */

// Gauss–Kronrod 7/15 on [−1, 1]: Kronrod nodes (the odd ones are the Gauss nodes) and both weight sets.
const GK_NODES = [
  0.9914553711208126, 0.9491079123427585, 0.8648644233597691, 0.7415311855993945, 0.5860872354676911,
  0.4058451513773972, 0.20778495500789848, 0,
];
const GK_WEIGHTS = [
  0.022935322010529224, 0.06309209262997856, 0.10479001032225019, 0.14065325971552592, 0.1690047266392679,
  0.19035057806478542, 0.20443294007529889, 0.20948214108472782,
];
const GAUSS_WEIGHTS = [0.1294849661688697, 0.27970539148927664, 0.3818300505051189, 0.4179591836734694];

interface Panel {
  readonly from: number;
  readonly to: number;
  readonly value: number;
  readonly error: number;
}

function kronrodPanel(f: (t: number) => number, from: number, to: number): Panel {
  const centre = (from + to) / 2;
  const half = (to - from) / 2;
  const mid = f(centre);
  let kronrod = (GK_WEIGHTS[7] ?? 0) * mid;
  let gauss = (GAUSS_WEIGHTS[3] ?? 0) * mid;
  for (let k = 0; k < 7; k += 1) {
    const offset = half * (GK_NODES[k] ?? 0);
    const pair = f(centre - offset) + f(centre + offset);
    kronrod += (GK_WEIGHTS[k] ?? 0) * pair;
    if (k % 2 === 1) gauss += (GAUSS_WEIGHTS[(k - 1) / 2] ?? 0) * pair;
  }
  const value = kronrod * half;
  // A layer thinner than the panel can hide between an end and the first node: when an end holds far more
  // than the panel's estimate suggests, call the panel unresolved so it is split.
  const edge = Math.max(f(from), f(to)) * (to - from);
  const error = edge > 50 * value ? edge : Math.abs((kronrod - gauss) * half);
  return { from, to, value, error };
}

/**
 * log ∫ₐᵇ exp(logF(t)) dt for a < b by globally adaptive Gauss–Kronrod 7/15: the panel with the largest
 * error estimate is halved until the estimated error is below 1e-13 of the total (or 400 panels). The
 * integrand is scaled by its largest value at the ends and the first nodes, so boundary layers of any
 * steepness neither overflow nor underflow. -Infinity for an empty interval.
 */
export function logIntegrate(logF: (t: number) => number, a: number, b: number): number {
  if (!(b > a)) return Number.NEGATIVE_INFINITY;
  let reference = Math.max(logF(a), logF(b));
  for (const node of GK_NODES) {
    const half = (b - a) / 2;
    reference = Math.max(reference, logF((a + b) / 2 + half * node), logF((a + b) / 2 - half * node));
  }
  if (!Number.isFinite(reference)) return reference;
  const f = (t: number): number => Math.exp(logF(t) - reference);
  const panels: Panel[] = [kronrodPanel(f, a, b)];
  let total = panels[0]?.value ?? 0;
  let error = panels[0]?.error ?? 0;
  while (error > 1e-13 * Math.abs(total) && panels.length < 200) {
    let worst = 0;
    for (let i = 1; i < panels.length; i += 1)
      if ((panels[i]?.error ?? 0) > (panels[worst]?.error ?? 0)) worst = i;
    const panel = panels[worst];
    if (panel === undefined) break;
    const middle = (panel.from + panel.to) / 2;
    const left = kronrodPanel(f, panel.from, middle);
    const right = kronrodPanel(f, middle, panel.to);
    panels[worst] = left;
    panels.push(right);
    total += left.value + right.value - panel.value;
    error += left.error + right.error - panel.error;
  }
  total = 0;
  for (const panel of panels) total += panel.value;
  return reference + Math.log(total);
}
