/**
 * Special functions for the customer-base models, in plain floating point so they run synchronously
 * and fast over millions of rows (cephes is WASM and async-initialised, too awkward for a hot loop).
 */

const LANCZOS_G = 7;
const LANCZOS = [
  0.99999999999980993, 676.5203681218851, -1259.1392167224028, 771.32342877765313, -176.61502916214059,
  12.507343278686905, -0.13857109526572012, 9.9843695780195716e-6, 1.5056327351493116e-7,
];
const HALF_LOG_TWO_PI = 0.9189385332046728;

/** log Γ(x) for x > 0 (Lanczos, g = 7, relative error about 1e-15). */
export function lgamma(x: number): number {
  if (x < 0.5) {
    // Reflection keeps the Lanczos sum in its accurate range.
    return Math.log(Math.PI / Math.abs(Math.sin(Math.PI * x))) - lgamma(1 - x);
  }
  const z = x - 1;
  let sum = LANCZOS[0] ?? 0;
  for (let i = 1; i < 9; i += 1) sum += (LANCZOS[i] ?? 0) / (z + i);
  const t = z + LANCZOS_G + 0.5;
  return HALF_LOG_TWO_PI + (z + 0.5) * Math.log(t) - t + Math.log(sum);
}

/** ψ(x) = d/dx log Γ(x) for x > 0: recurrence up to x ≥ 10, then the asymptotic series (error < 1e-13). */
export function digamma(x: number): number {
  let result = 0;
  let y = x;
  while (y < 10) {
    result -= 1 / y;
    y += 1;
  }
  const f = 1 / (y * y);
  return (
    result +
    Math.log(y) -
    0.5 / y -
    f * (1 / 12 - f * (1 / 120 - f * (1 / 252 - f * (1 / 240 - f * (1 / 132)))))
  );
}

/** log(e^a + e^b) without overflow; -Infinity stands for a zero term. */
export function logAddExp(a: number, b: number): number {
  if (a === Number.NEGATIVE_INFINITY) return b;
  if (b === Number.NEGATIVE_INFINITY) return a;
  return a > b ? a + Math.log1p(Math.exp(b - a)) : b + Math.log1p(Math.exp(a - b));
}

/** log(e^a − e^b) for a ≥ b; -Infinity when they are equal. */
export function logSubExp(a: number, b: number): number {
  if (b === Number.NEGATIVE_INFINITY) return a;
  if (b >= a) return Number.NEGATIVE_INFINITY;
  const d = b - a;
  // log1p(-e^d) loses accuracy for d near 0; log(-expm1(d)) does not.
  return a + (d > -Math.LN2 ? Math.log(-Math.expm1(d)) : Math.log1p(-Math.exp(d)));
}

const RESCALE_AT = 1e250;
const MAX_TERMS = 100_000;

/**
 * log Σ_{n≥0} t_n for the hypergeometric-type series t_0 = first, t_{n+1} = t_n (a+n)(b+n) z / ((c+n)(n+1+shift))
 * with every factor positive (a, b, c > 0, 0 ≤ z < 1). Terms are rescaled as they grow, so x = 1000
 * neither overflows nor underflows; the sum stops once the terms are below 1e-17 of it and falling.
 */
export function logPositiveSeries(a: number, b: number, c: number, z: number, shift = 0): number {
  if (z <= 0) return 0;
  let logScale = 0;
  let term = 1;
  let sum = 1;
  for (let n = 0; n < MAX_TERMS; n += 1) {
    const ratio = ((a + n) * (b + n) * z) / ((c + n) * (n + 1 + shift));
    term *= ratio;
    sum += term;
    if (sum > RESCALE_AT) {
      logScale += Math.log(sum);
      term /= sum;
      sum = 1;
    }
    if (ratio < 1 && term < 1e-17 * sum) break;
  }
  return logScale + Math.log(sum);
}

/**
 * log ₂F₁(a, b; c; z) for a, b, c > 0 and 0 ≤ z < 1 by the Gauss series in log space. The models only
 * ask for arguments in this range (Fader & Hardie choose the Pareto/NBD branch so that z < 1).
 */
export function logHyp2f1(a: number, b: number, c: number, z: number): number {
  return logPositiveSeries(a, b, c, z);
}

/** Gauss–Legendre nodes and weights on [0, 1] (Golub–Welsch by Newton on Legendre polynomials). */
export function gaussLegendre01(n: number): { nodes: Float64Array; weights: Float64Array } {
  const nodes = new Float64Array(n);
  const weights = new Float64Array(n);
  for (let i = 0; i < n; i += 1) {
    let x = Math.cos((Math.PI * (i + 0.75)) / (n + 0.5));
    let derivative = 1;
    for (let iteration = 0; iteration < 100; iteration += 1) {
      let p0 = 1;
      let p1 = x;
      for (let k = 2; k <= n; k += 1) {
        const p2 = ((2 * k - 1) * x * p1 - (k - 1) * p0) / k;
        p0 = p1;
        p1 = p2;
      }
      derivative = (n * (x * p1 - p0)) / (x * x - 1);
      const step = p1 / derivative;
      x -= step;
      if (Math.abs(step) < 1e-15) break;
    }
    nodes[i] = (1 - x) / 2;
    weights[i] = 1 / ((1 - x * x) * derivative * derivative);
  }
  return { nodes, weights };
}
