import { numericGradient, type Objective } from './optimise.ts';
import {
  gaussLegendre01,
  hyp2f1SeriesTerms,
  lgamma,
  logAddExp,
  logHyp2f1,
  logIntegrate,
  logSubExp,
} from './special-functions.ts';
import type { CompressedSummaries } from './summary-data.ts';

/** Pareto/NBD parameters: purchase rate λ ~ Gamma(r, α), dropout rate μ ~ Gamma(s, β). */
export interface ParetoNbdParams {
  readonly r: number;
  readonly alpha: number;
  readonly s: number;
  readonly beta: number;
}

/** Above this many series terms an A₀ end is integrated by quadrature instead. */
const SERIES_BUDGET = 4000;

/**
 * log of the A₀ term of Fader & Hardie's note on the Pareto/NBD likelihood, evaluated at one end y (t_x or
 * T): log[₂F₁(r+s+x, B; r+s+x+1; z) / (M+y)^(r+s+x)], with M = max(α, β), z = |α−β|/(M+y) < 1 and
 * B = s+1 when α ≥ β, r+x otherwise. A₀ = end(t_x) − end(T), so both ends are cached per (x, y) pair.
 * NaN when the Gauss series would need more than SERIES_BUDGET terms (z near 1, which happens when the
 * optimiser explores s and β in the thousands): the caller then integrates instead.
 */
function logA0End(p: ParetoNbdParams, x: number, y: number): number {
  const rsx = p.r + p.s + x;
  const alphaFirst = p.alpha >= p.beta;
  const big = alphaFirst ? p.alpha : p.beta;
  const z = Math.abs(p.alpha - p.beta) / (big + y);
  const second = alphaFirst ? p.s + 1 : p.r + x;
  if (hyp2f1SeriesTerms(second, z) > SERIES_BUDGET) return Number.NaN;
  return logHyp2f1(rsx, second, rsx + 1, z) - rsx * Math.log(big + y);
}

/**
 * log of s·∫ from t_x to T of (α+τ)^−(r+x) (β+τ)^−(s+1) dτ: the chance of x purchases by t_x and of
 * dropping out between t_x and T, without the constant factors. From the cached A₀ ends when the series
 * converged; by adaptive quadrature of the integral itself when it would not.
 */
function logDead(p: ParetoNbdParams, x: number, tx: number, T: number, endTx: number, endT: number): number {
  if (!Number.isNaN(endTx) && !Number.isNaN(endT)) {
    return Math.log(p.s) - Math.log(p.r + p.s + x) + logSubExp(endTx, endT);
  }
  // The integrand relative to its value at t_x, through log1p: with s and β in the thousands the plain
  // logs are ~1e4 and their rounding alone would swamp the quadrature's tolerance.
  const m = p.r + x;
  const n = p.s + 1;
  const aTx = p.alpha + tx;
  const bTx = p.beta + tx;
  const atTx = -m * Math.log(aTx) - n * Math.log(bTx);
  const relative = (tau: number): number =>
    -m * Math.log1p((tau - tx) / aTx) - n * Math.log1p((tau - tx) / bTx);
  return Math.log(p.s) + atTx + logIntegrate(relative, tx, T);
}

/**
 * The two parts of the Pareto/NBD likelihood of one customer, in logs, without the constant
 * log Γ(r+x) − log Γ(r) + r log α + s log β: alive at T, and dropped out between t_x and T.
 */
function logParts(
  p: ParetoNbdParams,
  x: number,
  tx: number,
  T: number,
  endTx: number,
  endT: number,
): { alive: number; dead: number } {
  const alive = -(p.r + x) * Math.log(p.alpha + T) - p.s * Math.log(p.beta + T);
  return { alive, dead: logDead(p, x, tx, T, endTx, endT) };
}

function paramsOf(theta: Float64Array): ParetoNbdParams {
  return {
    r: Math.exp(theta[0] ?? 0),
    alpha: Math.exp(theta[1] ?? 0),
    s: Math.exp(theta[2] ?? 0),
    beta: Math.exp(theta[3] ?? 0),
  };
}

/**
 * Mean negative log-likelihood (plus `penalty`·Σ param²) of the Pareto/NBD (Schmittlein, Morrison &
 * Colombo 1987) over log-parameters [log r, log α, log s, log β]. The Gauss hypergeometric terms are
 * computed once per distinct (x, t_x) and (x, T) pair; the gradient is by central differences.
 */
export function paretoNbdObjective(data: CompressedSummaries, penalty: number): Objective {
  const endTx = new Float64Array(data.xtxX.length);
  const endT = new Float64Array(data.xTX.length);
  const lgX = new Float64Array(data.xLevels.length);
  const value = (theta: Float64Array): number => {
    const p = paramsOf(theta);
    const constant = -lgamma(p.r) + p.r * Math.log(p.alpha) + p.s * Math.log(p.beta);
    for (let k = 0; k < lgX.length; k += 1) lgX[k] = lgamma(p.r + (data.xLevels[k] ?? 0)) + constant;
    for (let k = 0; k < endTx.length; k += 1) endTx[k] = logA0End(p, data.xtxX[k] ?? 0, data.xtxT[k] ?? 0);
    for (let k = 0; k < endT.length; k += 1) endT[k] = logA0End(p, data.xTX[k] ?? 0, data.xTT[k] ?? 0);
    let ll = 0;
    for (let i = 0; i < data.size; i += 1) {
      const x = data.x[i] ?? 0;
      const parts = logParts(
        p,
        x,
        data.tx[i] ?? 0,
        data.T[i] ?? 0,
        endTx[data.xtxIndex[i] ?? 0] ?? 0,
        endT[data.xTIndex[i] ?? 0] ?? 0,
      );
      ll += (data.weight[i] ?? 0) * ((lgX[data.xIndex[i] ?? 0] ?? 0) + logAddExp(parts.alive, parts.dead));
    }
    return -ll / data.totalWeight + penalty * (p.r * p.r + p.alpha * p.alpha + p.s * p.s + p.beta * p.beta);
  };
  return (theta, gradient) => {
    if (gradient !== undefined) numericGradient(value, theta, gradient);
    return value(theta);
  };
}

/** log-likelihood of one customer (all terms), for tests and diagnostics. */
export function paretoNbdLogLikelihood(p: ParetoNbdParams, x: number, tx: number, T: number): number {
  const parts = logParts(p, x, tx, T, logA0End(p, x, tx), logA0End(p, x, T));
  return (
    lgamma(p.r + x) -
    lgamma(p.r) +
    p.r * Math.log(p.alpha) +
    p.s * Math.log(p.beta) +
    logAddExp(parts.alive, parts.dead)
  );
}

/** P(alive at T | x, t_x, T): the "alive" share of the likelihood. */
export function paretoNbdPAlive(p: ParetoNbdParams, x: number, tx: number, T: number): number {
  const parts = logParts(p, x, tx, T, logA0End(p, x, tx), logA0End(p, x, T));
  return Math.exp(parts.alive - logAddExp(parts.alive, parts.dead));
}

/**
 * E[purchases in (T, T+t] | alive]: (r+x)/(α+T) · (β+T)/(s−1) · (1 − ((β+T)/(β+T+t))^(s−1)), written
 * with expm1/log1p so s = 1 (where it tends to (β+T)·log(1 + t/(β+T))) is exact, not 0/0.
 */
export function paretoNbdExpectedIfAlive(p: ParetoNbdParams, t: number, x: number, T: number): number {
  if (!(t > 0)) return 0;
  const bT = p.beta + T;
  const L = Math.log1p(t / bT);
  const sm1 = p.s - 1;
  const integral = Math.abs(sm1) < 1e-10 ? L : -Math.expm1(-sm1 * L) / sm1;
  return ((p.r + x) / (p.alpha + T)) * bT * integral;
}

const QUADRATURE = gaussLegendre01(24);

/**
 * P(at least one purchase in (T, T+t] | alive) = E[λ/(λ+μ)·(1 − e^{−(λ+μ)t})] over λ ~ Gamma(r+x, α+T),
 * μ ~ Gamma(s, β+T), which is ∫₀ᵗ E[λe^{−λu}]·E[e^{−μu}] du. The substitution w = 1 − (1+u/(α+T))^{−(r+x)}
 * turns it into ∫₀^W ((β+T)/(β+T+u(w)))^s dw, a bounded smooth integrand for Gauss–Legendre.
 */
export function paretoNbdReturnIfAlive(p: ParetoNbdParams, t: number, x: number, T: number): number {
  if (!(t > 0)) return 0;
  const rx = p.r + x;
  const aT = p.alpha + T;
  const bT = p.beta + T;
  const W = -Math.expm1(-rx * Math.log1p(t / aT));
  let sum = 0;
  for (let k = 0; k < QUADRATURE.nodes.length; k += 1) {
    const w = W * (QUADRATURE.nodes[k] ?? 0);
    const u = aT * Math.expm1(-Math.log1p(-w) / rx);
    sum += (QUADRATURE.weights[k] ?? 0) * Math.exp(-p.s * Math.log1p(u / bT));
  }
  return Math.min(1, Math.max(0, W * sum));
}
