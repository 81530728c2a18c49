import type { Objective } from './optimise.ts';
import type { RowPool } from './row-pool.ts';
import { digamma, lgamma, trigamma } from './special-functions.ts';

/** Distinct values of x, each row's index among them, and the total weight of each. */
export interface XLevels {
  readonly values: Float64Array;
  readonly weights: Float64Array;
  readonly index: Int32Array;
}

/** Small whole x (the usual case) are their own index; anything else goes through a map. */
const DIRECT_LIMIT = 1 << 16;

/** The distinct x of the rows, in one pass. */
export function xLevelsOf(x: Float64Array, w: Float64Array | null): XLevels {
  const n = x.length;
  const index = new Int32Array(n);
  const direct = new Int32Array(DIRECT_LIMIT).fill(-1);
  const byValue = new Map<number, number>();
  const values: number[] = [];
  const weights: number[] = [];
  for (let i = 0; i < n; i += 1) {
    const value = x[i] ?? 0;
    const small = value >= 0 && value < DIRECT_LIMIT && Number.isInteger(value);
    let k = small ? (direct[value] ?? -1) : (byValue.get(value) ?? -1);
    if (k < 0) {
      k = values.length;
      values.push(value);
      weights.push(0);
      if (small) direct[value] = k;
      else byValue.set(value, k);
    }
    index[i] = k;
    weights[k] = (weights[k] ?? 0) + (w === null ? 1 : (w[i] ?? 0));
  }
  return { values: Float64Array.from(values), weights: Float64Array.from(weights), index };
}

/** An objective that can also give its Hessian (row-major 4×4) in the same parameters. */
export interface HessianObjective {
  readonly objective: Objective;
  hessian(theta: Float64Array): Float64Array;
}

/** Index of (i, j), i ≤ j, in the kernel's upper-triangle Hessian after the value and gradient. */
function upper(i: number, j: number): number {
  const [lo, hi] = i <= j ? [i, j] : [j, i];
  return 5 + lo * 4 - (lo * (lo - 1)) / 2 + (hi - lo);
}

/**
 * Mean negative log-likelihood (plus `penalty`·Σ param²) of BG/NBD or MBG/NBD over log-parameters
 * [log r, log α, log a, log b], on rows that need not be merged: terms of x alone are computed once
 * per distinct x here, the rest by the row kernel in the pool's threads. Gradient and Hessian are
 * analytic (the Hessian gives standard errors in one pass instead of eight).
 */
export function betaGeometricColumnObjective(
  pool: RowPool,
  levels: XLevels,
  totalWeight: number,
  modified: boolean,
  penalty: number,
): HessianObjective {
  const m = modified ? 1 : 0;
  const L = levels.values.length;
  const tables = pool.tables;
  const evaluate = (theta: Float64Array, level: 0 | 1 | 2) => {
    const r = Math.exp(theta[0] ?? 0);
    const alpha = Math.exp(theta[1] ?? 0);
    const a = Math.exp(theta[2] ?? 0);
    const b = Math.exp(theta[3] ?? 0);
    const p = [r, alpha, a, b];
    for (let k = 0; k < L; k += 1) {
      const den = b + (levels.values[k] ?? 0) - 1 + m;
      tables[k] = Math.log(den);
      tables[L + k] = 1 / den;
    }
    const params = pool.params;
    params.set([r, alpha, a, b, Math.log(a), m, level, L]);
    const sums = pool.run(0);
    // Terms of x alone: log Γ(r+x) − log Γ(r) + r log α + log B(a, b+x+m) − log B(a, b), and derivatives.
    const logAlpha = Math.log(alpha);
    const lgR = lgamma(r);
    const lgAB = lgamma(a + b);
    const lgB = lgamma(b);
    const psiR = level > 0 ? digamma(r) : 0;
    const psiAB = level > 0 ? digamma(a + b) : 0;
    const psiB = level > 0 ? digamma(b) : 0;
    const triR = level > 1 ? trigamma(r) : 0;
    const triAB = level > 1 ? trigamma(a + b) : 0;
    const triB = level > 1 ? trigamma(b) : 0;
    for (let k = 0; k < L; k += 1) {
      const x = levels.values[k] ?? 0;
      const W = levels.weights[k] ?? 0;
      sums[0] =
        (sums[0] ?? 0) +
        W * (lgamma(r + x) - lgR + r * logAlpha + lgAB + lgamma(b + x + m) - lgB - lgamma(a + b + x + m));
      if (level === 0) continue;
      const psiABX = digamma(a + b + x + m);
      sums[1] = (sums[1] ?? 0) + W * (digamma(r + x) - psiR + logAlpha);
      sums[2] = (sums[2] ?? 0) + W * (r / alpha);
      sums[3] = (sums[3] ?? 0) + W * (psiAB - psiABX);
      sums[4] = (sums[4] ?? 0) + W * (psiAB + digamma(b + x + m) - psiB - psiABX);
      if (level === 1) continue;
      const triABX = trigamma(a + b + x + m);
      sums[upper(0, 0)] = (sums[upper(0, 0)] ?? 0) + W * (trigamma(r + x) - triR);
      sums[upper(0, 1)] = (sums[upper(0, 1)] ?? 0) + W / alpha;
      sums[upper(1, 1)] = (sums[upper(1, 1)] ?? 0) - (W * r) / (alpha * alpha);
      sums[upper(2, 2)] = (sums[upper(2, 2)] ?? 0) + W * (triAB - triABX);
      sums[upper(2, 3)] = (sums[upper(2, 3)] ?? 0) + W * (triAB - triABX);
      sums[upper(3, 3)] = (sums[upper(3, 3)] ?? 0) + W * (triAB + trigamma(b + x + m) - triB - triABX);
    }
    const scale = 1 / totalWeight;
    const value = -(sums[0] ?? 0) * scale + penalty * (r * r + alpha * alpha + a * a + b * b);
    // d/dp of the objective, then the chain rule to θ = log p: g_θ = p·g_p, H_θ = D H_p D + diag(p·g_p).
    const gp = p.map((pi, i) => -(sums[1 + i] ?? 0) * scale + 2 * penalty * pi);
    return { value, p, gp, sums, scale };
  };
  const objective: Objective = (theta, gradient) => {
    const { value, p, gp } = evaluate(theta, gradient === undefined ? 0 : 1);
    if (gradient !== undefined) for (let i = 0; i < 4; i += 1) gradient[i] = (p[i] ?? 0) * (gp[i] ?? 0);
    return value;
  };
  const hessian = (theta: Float64Array): Float64Array => {
    const { p, gp, sums, scale } = evaluate(theta, 2);
    const H = new Float64Array(16);
    for (let i = 0; i < 4; i += 1) {
      for (let j = 0; j < 4; j += 1) {
        const hp = -(sums[upper(i, j)] ?? 0) * scale + (i === j ? 2 * penalty : 0);
        H[i * 4 + j] = (p[i] ?? 0) * (p[j] ?? 0) * hp + (i === j ? (p[i] ?? 0) * (gp[i] ?? 0) : 0);
      }
    }
    return H;
  };
  return { objective, hessian };
}
