import type { Objective } from './optimise.ts';
import {
  digamma,
  gaussLegendre01,
  hyp2f1SeriesTerms,
  lgamma,
  logAddExp,
  logHyp2f1,
  logHyp2f1Shifted,
  logPowerTail,
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

/** The Gauss series of an A₀ end at y: a = r+s+x, its second parameter, z and M = max(α, β). */
interface A0Terms {
  readonly rsx: number;
  readonly alphaFirst: boolean;
  readonly big: number;
  readonly z: number;
  readonly second: number;
}

/** The A₀ end's series terms; undefined when the series would need more than SERIES_BUDGET terms. */
function a0Terms(p: ParetoNbdParams, x: number, y: number): A0Terms | undefined {
  const alphaFirst = p.alpha >= p.beta;
  const big = alphaFirst ? p.alpha : p.beta;
  const z = Math.abs(p.alpha - p.beta) / (big + y);
  const second = alphaFirst ? p.s + 1 : p.r + x;
  if (hyp2f1SeriesTerms(second, z) > SERIES_BUDGET) return undefined;
  return { rsx: p.r + p.s + x, alphaFirst, big, z, second };
}

const tailScratch = new Float64Array(4);

/**
 * An A₀ end as the integral it is, (r+s+x)·∫ from y to ∞ of (α+τ)^−(r+x) (β+τ)^−(s+1) dτ, by
 * {@link logPowerTail} (bounded cost), with its derivatives in (r, α, s, β) written to `gradient` from
 * `at` when one is given: for where the series would need more than SERIES_BUDGET terms.
 */
function logA0EndByQuadrature(
  p: ParetoNbdParams,
  x: number,
  y: number,
  gradient?: Float64Array,
  at = 0,
): number {
  const rsx = p.r + p.s + x;
  const alphaSmall = p.alpha <= p.beta;
  const value = alphaSmall
    ? logPowerTail(p.r + x, p.s + 1, p.alpha + y, p.beta + y, tailScratch)
    : logPowerTail(p.s + 1, p.r + x, p.beta + y, p.alpha + y, tailScratch);
  if (gradient !== undefined) {
    // tailScratch holds the derivatives in (the small end's power, the big end's power, small, big).
    const [bySmallPower = 0, byBigPower = 0, bySmall = 0, byBig = 0] = tailScratch;
    gradient[at] = 1 / rsx + (alphaSmall ? bySmallPower : byBigPower);
    gradient[at + 1] = alphaSmall ? bySmall : byBig;
    gradient[at + 2] = 1 / rsx + (alphaSmall ? byBigPower : bySmallPower);
    gradient[at + 3] = alphaSmall ? byBig : bySmall;
  }
  return Math.log(rsx) + value;
}

/**
 * log of the A₀ term of Fader & Hardie's note on the Pareto/NBD likelihood, evaluated at one end y (t_x or
 * T): log[₂F₁(r+s+x, B; r+s+x+1; z) / (M+y)^(r+s+x)], with M = max(α, β), z = |α−β|/(M+y) < 1 and
 * B = s+1 when α ≥ β, r+x otherwise. A₀ = end(t_x) − end(T), so both ends are cached per (x, y) pair.
 * Where the Gauss series would need more than SERIES_BUDGET terms (z near 1, or a huge B: the optimiser
 * explores s and β, or r and α, in the millions on data without dropout) the same end is integrated by
 * quadrature at a bounded cost instead.
 */
function logA0End(p: ParetoNbdParams, x: number, y: number): number {
  const terms = a0Terms(p, x, y);
  if (terms === undefined) return logA0EndByQuadrature(p, x, y);
  const { rsx, big, z, second } = terms;
  return logHyp2f1(rsx, second, rsx + 1, z) - rsx * Math.log(big + y);
}

/**
 * log of s·∫ from t_x to T of (α+τ)^−(r+x) (β+τ)^−(s+1) dτ: the chance of x purchases by t_x and of
 * dropping out between t_x and T, without the constant factors, from the cached A₀ ends.
 */
function logDead(p: ParetoNbdParams, x: number, endTx: number, endT: number): number {
  return Math.log(p.s) - Math.log(p.r + p.s + x) + logSubExp(endTx, endT);
}

/**
 * The two parts of the Pareto/NBD likelihood of one customer, in logs, without the constant
 * log Γ(r+x) − log Γ(r) + r log α + s log β: alive at T, and dropped out between t_x and T.
 */
function logParts(
  p: ParetoNbdParams,
  x: number,
  T: number,
  endTx: number,
  endT: number,
): { alive: number; dead: number } {
  const alive = -(p.r + x) * Math.log(p.alpha + T) - p.s * Math.log(p.beta + T);
  return { alive, dead: logDead(p, x, endTx, endT) };
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
 * logA0End with its derivatives in (r, α, s, β) written to `gradient` from `at`, from the same series
 * (its derivatives in its parameters and argument, then the chain rule through the branch's z and M),
 * or from the quadrature where logA0End integrates.
 */
function logA0EndWithGradient(
  p: ParetoNbdParams,
  x: number,
  y: number,
  gradient: Float64Array,
  at: number,
  scratch: Float64Array,
): number {
  const terms = a0Terms(p, x, y);
  if (terms === undefined) return logA0EndByQuadrature(p, x, y, gradient, at);
  const { rsx, alphaFirst, big, z, second } = terms;
  const series = logHyp2f1Shifted(rsx, second, z, scratch);
  const byA = scratch[0] ?? 0;
  const byB = scratch[1] ?? 0;
  const byZ = scratch[2] ?? 0;
  const logBig = Math.log(big + y);
  const inverse = 1 / (big + y);
  if (alphaFirst) {
    // z = (α−β)/(α+y), second parameter s+1.
    gradient[at] = byA - logBig;
    gradient[at + 1] = byZ * (p.beta + y) * inverse * inverse - rsx * inverse;
    gradient[at + 2] = byA + byB - logBig;
    gradient[at + 3] = -byZ * inverse;
  } else {
    // z = (β−α)/(β+y), second parameter r+x.
    gradient[at] = byA + byB - logBig;
    gradient[at + 1] = -byZ * inverse;
    gradient[at + 2] = byA - logBig;
    gradient[at + 3] = byZ * (p.alpha + y) * inverse * inverse - rsx * inverse;
  }
  return series - rsx * logBig;
}

/**
 * Mean negative log-likelihood (plus `penalty`·Σ param²) of the Pareto/NBD (Schmittlein, Morrison &
 * Colombo 1987) over log-parameters [log r, log α, log s, log β], with its gradient. The Gauss
 * hypergeometric terms and their derivatives are computed once per distinct (x, t_x) and (x, T) pair,
 * in one pass of the series each (or one bounded quadrature where the series would need too many terms).
 */
export function paretoNbdObjective(data: CompressedSummaries, penalty: number): Objective {
  const endTx = new Float64Array(data.xtxX.length);
  const endT = new Float64Array(data.xTX.length);
  const gradTx = new Float64Array(4 * data.xtxX.length);
  const gradT = new Float64Array(4 * data.xTX.length);
  const lgX = new Float64Array(data.xLevels.length);
  const psiX = new Float64Array(data.xLevels.length);
  const scratch = new Float64Array(3);
  return (theta, gradient) => {
    const p = paramsOf(theta);
    const want = gradient !== undefined;
    const logAlpha = Math.log(p.alpha);
    const logBeta = Math.log(p.beta);
    const constant = -lgamma(p.r) + p.r * logAlpha + p.s * logBeta;
    const psiR = want ? digamma(p.r) : 0;
    for (let k = 0; k < lgX.length; k += 1) {
      lgX[k] = lgamma(p.r + (data.xLevels[k] ?? 0)) + constant;
      if (want) psiX[k] = digamma(p.r + (data.xLevels[k] ?? 0)) - psiR + logAlpha;
    }
    for (let k = 0; k < endTx.length; k += 1)
      endTx[k] = want
        ? logA0EndWithGradient(p, data.xtxX[k] ?? 0, data.xtxT[k] ?? 0, gradTx, 4 * k, scratch)
        : logA0End(p, data.xtxX[k] ?? 0, data.xtxT[k] ?? 0);
    for (let k = 0; k < endT.length; k += 1)
      endT[k] = want
        ? logA0EndWithGradient(p, data.xTX[k] ?? 0, data.xTT[k] ?? 0, gradT, 4 * k, scratch)
        : logA0End(p, data.xTX[k] ?? 0, data.xTT[k] ?? 0);
    let ll = 0;
    // Gradient of the log-likelihood in (r, α, s, β).
    let gr = 0;
    let gAlpha = 0;
    let gs = 0;
    let gBeta = 0;
    for (let i = 0; i < data.size; i += 1) {
      const x = data.x[i] ?? 0;
      const T = data.T[i] ?? 0;
      const w = data.weight[i] ?? 0;
      const xi = data.xIndex[i] ?? 0;
      const a = data.xtxIndex[i] ?? 0;
      const b = data.xTIndex[i] ?? 0;
      const e1 = endTx[a] ?? 0;
      const e2 = endT[b] ?? 0;
      const parts = logParts(p, x, T, e1, e2);
      const total = logAddExp(parts.alive, parts.dead);
      ll += w * ((lgX[xi] ?? 0) + total);
      if (!want) continue;
      gr += w * (psiX[xi] ?? 0);
      gAlpha += w * (p.r / p.alpha);
      gs += w * logBeta;
      gBeta += w * (p.s / p.beta);
      const aliveShare = Math.exp(parts.alive - total);
      const logAT = Math.log(p.alpha + T);
      const logBT = Math.log(p.beta + T);
      gr -= w * aliveShare * logAT;
      gAlpha -= (w * aliveShare * (p.r + x)) / (p.alpha + T);
      gs -= w * aliveShare * logBT;
      gBeta -= (w * aliveShare * p.s) / (p.beta + T);
      if (parts.dead === Number.NEGATIVE_INFINITY) continue;
      const deadShare = Math.exp(parts.dead - total);
      // d log(e^e1 − e^e2) = (de1 − q·de2) / (1 − q), q = e^(e2−e1) < 1.
      const q = Math.exp(e2 - e1);
      const scale = (w * deadShare) / (1 - q);
      const inverseRsx = 1 / (p.r + p.s + x);
      gr += scale * ((gradTx[4 * a] ?? 0) - q * (gradT[4 * b] ?? 0)) - w * deadShare * inverseRsx;
      gAlpha += scale * ((gradTx[4 * a + 1] ?? 0) - q * (gradT[4 * b + 1] ?? 0));
      gs +=
        scale * ((gradTx[4 * a + 2] ?? 0) - q * (gradT[4 * b + 2] ?? 0)) +
        w * deadShare * (1 / p.s - inverseRsx);
      gBeta += scale * ((gradTx[4 * a + 3] ?? 0) - q * (gradT[4 * b + 3] ?? 0));
    }
    const n = data.totalWeight;
    if (gradient !== undefined) {
      const byP = [gr, gAlpha, gs, gBeta];
      const values = [p.r, p.alpha, p.s, p.beta];
      for (let j = 0; j < 4; j += 1) {
        const pj = values[j] ?? 0;
        gradient[j] = pj * (-(byP[j] ?? 0) / n + 2 * penalty * pj);
      }
    }
    return -ll / n + penalty * (p.r * p.r + p.alpha * p.alpha + p.s * p.s + p.beta * p.beta);
  };
}

/** log-likelihood of one customer (all terms), for tests and diagnostics. */
export function paretoNbdLogLikelihood(p: ParetoNbdParams, x: number, tx: number, T: number): number {
  const parts = logParts(p, x, T, logA0End(p, x, tx), logA0End(p, x, T));
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
  const parts = logParts(p, x, T, logA0End(p, x, tx), logA0End(p, x, T));
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
