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

/** ψ′(x), the trigamma function, for x > 0: recurrence up to x ≥ 10, then the asymptotic series. */
export function trigamma(x: number): number {
  let result = 0;
  let y = x;
  while (y < 10) {
    result += 1 / (y * y);
    y += 1;
  }
  const f = 1 / (y * y);
  return (
    result + 1 / y + f / 2 + (f / y) * (1 / 6 - f * (1 / 30 - f * (1 / 42 - f * (1 / 30 - (f * 5) / 66))))
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

/**
 * log ₂F₁(a, b; a+1; z) for a, b > 0, 0 ≤ z < 1, with its partial derivatives in a, b and z written to
 * `out` [∂/∂a, ∂/∂b, ∂/∂z], in the same pass: the terms are t_n = a/(a+n)·(b)_n zⁿ/n!, so
 * ∂log t_n/∂a = n/(a(a+n)), ∂log t_n/∂b = Σ_{k<n} 1/(b+k) and ∂log t_n/∂z = n/z. The value is the same
 * sum, term for term, as {@link logHyp2f1}(a, b, a+1, z).
 */
export function logHyp2f1Shifted(a: number, b: number, z: number, out: Float64Array): number {
  out[0] = 0;
  out[1] = 0;
  out[2] = 0;
  if (z <= 0) {
    // Only t_0 = 1 is left; its z-derivative is t_1's: a·b/(a+1).
    out[2] = (a * b) / (a + 1);
    return 0;
  }
  let logScale = 0;
  let term = 1;
  let sum = 1;
  let sumA = 0;
  let sumB = 0;
  let sumZ = 0;
  let harmonic = 0;
  for (let n = 0; n < MAX_TERMS; n += 1) {
    const ratio = ((a + n) * (b + n) * z) / ((a + n + 1) * (n + 1));
    harmonic += 1 / (b + n);
    term *= ratio;
    const k = n + 1;
    sum += term;
    sumA += (term * k) / (a * (a + k));
    sumB += term * harmonic;
    sumZ += term * k;
    if (sum > RESCALE_AT) {
      logScale += Math.log(sum);
      term /= sum;
      sumA /= sum;
      sumB /= sum;
      sumZ /= sum;
      sum = 1;
    }
    if (ratio < 1 && term * (k + 1) < 1e-17 * sum) break;
  }
  out[0] = sumA / sum;
  out[1] = sumB / sum;
  out[2] = sumZ / (z * sum);
  return logScale + Math.log(sum);
}

/**
 * How many terms the Gauss series of ₂F₁(a, b; a+1; z) needs: the terms grow until n ≈ (bz − 1)/(1 − z),
 * then shrink by about z each. Near z = 1 with a large b this runs to millions, so callers switch to
 * quadrature above a budget.
 */
export function hyp2f1SeriesTerms(b: number, z: number): number {
  if (z <= 0) return 0;
  if (z >= 1) return Number.POSITIVE_INFINITY;
  return (Math.max(0, b * z - 1) + 40) / (1 - z);
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

const TAIL_RULE = gaussLegendre01(16);
/** Where the tail quadrature puts its panel edges: drops of the log-integrand below its top. */
const TAIL_LEVELS = [0.5, 2, 5, 10, 18, 28, 40];

/**
 * log ∫₀^∞ (a+t)^−p (b+t)^−q dt for 0 < a ≤ b and p, q > 0 with p + q > 1, with its derivatives in
 * p, q, a and b written to `out`, at a bounded cost whatever the parameters (about 250 evaluations of the
 * integrand). With t = a(eᵘ − 1) and ε = a/b it is a^(1−p) b^−q ∫₀^∞ e^h(u) du, h(u) = (1−p)u −
 * q log(1 − ε + εeᵘ), and h is concave: its top has a closed form, the points where h has fallen by
 * 0.5, 2, 5, … 40 below it are found by Newton's method (which converges from one side on a concave
 * function), and each panel between them gets 16-point Gauss–Legendre. The derivatives are the
 * integrals of h's derivatives against the same weights. This is the Pareto/NBD A₀ term's end where
 * the Gauss series of ₂F₁ would need too many terms (z = 1 − ε near 1, or a huge second parameter).
 */
export function logPowerTail(p: number, q: number, a: number, b: number, out: Float64Array): number {
  const epsilon = a / b;
  const logEpsilon = Math.log(epsilon);
  const logZ = Math.log1p(-epsilon);
  const sum = p + q - 1;
  /** log(1 − ε + εeᵘ). */
  const soft = (u: number): number => logAddExp(logZ, logEpsilon + u);
  const h = (u: number): number => (1 - p) * u - q * soft(u);
  let top = 0;
  // h′(0) = 1 − p − qε: the top is inside where that is positive, at h′ = 0.
  if (1 - p - q * epsilon > 0) top = Math.log((1 - p) / sum) + logZ - logEpsilon;
  const hTop = h(top);
  /** The point on one side of the top where h = hTop − drop, from `from` (same side, h above it). */
  const level = (from: number, drop: number, direction: 1 | -1): number => {
    const target = hTop - drop;
    let u = from;
    if (direction === 1 && u === top) u = top + Math.min(1, Math.sqrt(drop) / Math.sqrt(Math.max(q, 1)));
    for (let k = 0; k < 60; k += 1) {
      const logSoft = soft(u);
      const g = (1 - p) * u - q * logSoft - target;
      // h′(u) = 1 − p − q·εeᵘ/(1 − ε + εeᵘ).
      const d = 1 - p - q * Math.exp(logEpsilon + u - logSoft);
      if (!(d !== 0) || !Number.isFinite(g)) break;
      const next = u - g / d;
      if (direction === -1 && next <= 0) return 0;
      if (Math.abs(next - u) <= 1e-12 * Math.max(1, Math.abs(u))) return next;
      u = next;
    }
    return u;
  };
  const edges: number[] = [top];
  let u = top;
  for (const drop of TAIL_LEVELS) {
    u = level(u, drop, 1);
    edges.push(u);
  }
  if (top > 0) {
    u = 0;
    const left: number[] = [];
    for (const drop of TAIL_LEVELS) {
      if (h(0) >= hTop - drop) {
        left.push(0);
        break;
      }
      left.push(level(0, drop, -1));
    }
    // The left levels were found from 0 upwards: each from the far side.
    edges.unshift(...left.reverse());
  }
  let total = 0;
  let byP = 0;
  let byQ = 0;
  let byEpsilon = 0;
  for (let e = 1; e < edges.length; e += 1) {
    const from = edges[e - 1] ?? 0;
    const width = (edges[e] ?? 0) - from;
    if (!(width > 0)) continue;
    for (let k = 0; k < TAIL_RULE.nodes.length; k += 1) {
      const node = from + width * (TAIL_RULE.nodes[k] ?? 0);
      const logSoft = soft(node);
      const weight = width * (TAIL_RULE.weights[k] ?? 0) * Math.exp((1 - p) * node - q * logSoft - hTop);
      total += weight;
      byP -= weight * node;
      byQ -= weight * logSoft;
      // ∂h/∂ε = −q(eᵘ − 1)/(1 − ε + εeᵘ).
      byEpsilon -= weight * q * Math.exp(Math.log(-Math.expm1(-node)) + node - logSoft);
    }
  }
  byP /= total;
  byQ /= total;
  byEpsilon /= total;
  const logA = Math.log(a);
  const logB = Math.log(b);
  out[0] = byP - logA;
  out[1] = byQ - logB;
  out[2] = (1 - p) / a + byEpsilon / b;
  out[3] = -q / b - (byEpsilon * epsilon) / b;
  return (1 - p) * logA - q * logB + hTop + Math.log(total);
}
