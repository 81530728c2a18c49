import type { Objective } from './optimise.ts';
import { digamma, lgamma, logAddExp, logPositiveSeries } from './special-functions.ts';
import type { CompressedSummaries } from './summary-data.ts';

/** Parameters of BG/NBD and MBG/NBD: purchase rate λ ~ Gamma(r, α), dropout probability p ~ Beta(a, b). */
export interface BetaGeometricParams {
  readonly r: number;
  readonly alpha: number;
  readonly a: number;
  readonly b: number;
}

/**
 * Mean negative log-likelihood (plus `penalty`·Σ param²) of BG/NBD (Fader, Hardie & Lee 2005) or, with
 * `modified`, MBG/NBD (Batislam et al. 2007, where a customer may also drop out right after the first
 * purchase), over log-parameters [log r, log α, log a, log b], with its analytic gradient.
 *
 * log L = A₁ + A₂ + logaddexp(−(r+x)·log(α+T), log a − log(b+x−1+m) − (r+x)·log(α+t_x)), m = 1 for MBG/NBD,
 * the second term only when x > 0 for BG/NBD. Everything is in log space, so x in the thousands is finite;
 * terms depending only on x, t_x or T are computed once per distinct value.
 */
export function betaGeometricObjective(
  data: CompressedSummaries,
  modified: boolean,
  penalty: number,
): Objective {
  const m = modified ? 1 : 0;
  const nx = data.xLevels.length;
  const lgX = new Float64Array(nx);
  const drX = new Float64Array(nx);
  const daX = new Float64Array(nx);
  const dbX = new Float64Array(nx);
  const logDenX = new Float64Array(nx);
  const invDenX = new Float64Array(nx);
  const logT = new Float64Array(data.TLevels.length);
  const invT = new Float64Array(data.TLevels.length);
  const logTx = new Float64Array(data.txLevels.length);
  const invTx = new Float64Array(data.txLevels.length);
  return (theta, gradient) => {
    const r = Math.exp(theta[0] ?? 0);
    const alpha = Math.exp(theta[1] ?? 0);
    const a = Math.exp(theta[2] ?? 0);
    const b = Math.exp(theta[3] ?? 0);
    const logAlpha = Math.log(alpha);
    const logA = Math.log(a);
    const lgR = lgamma(r);
    const lgAB = lgamma(a + b);
    const lgB = lgamma(b);
    const want = gradient !== undefined;
    const psiR = want ? digamma(r) : 0;
    const psiAB = want ? digamma(a + b) : 0;
    const psiB = want ? digamma(b) : 0;
    for (let k = 0; k < nx; k += 1) {
      const x = data.xLevels[k] ?? 0;
      lgX[k] = lgamma(r + x) - lgR + r * logAlpha + lgAB + lgamma(b + x + m) - lgB - lgamma(a + b + x + m);
      const den = b + x - 1 + m;
      logDenX[k] = Math.log(den);
      invDenX[k] = 1 / den;
      if (want) {
        const psiABX = digamma(a + b + x + m);
        drX[k] = digamma(r + x) - psiR + logAlpha;
        daX[k] = psiAB - psiABX;
        dbX[k] = psiAB + digamma(b + x + m) - psiB - psiABX;
      }
    }
    for (let k = 0; k < logT.length; k += 1) {
      const v = alpha + (data.TLevels[k] ?? 0);
      logT[k] = Math.log(v);
      invT[k] = 1 / v;
    }
    for (let k = 0; k < logTx.length; k += 1) {
      const v = alpha + (data.txLevels[k] ?? 0);
      logTx[k] = Math.log(v);
      invTx[k] = 1 / v;
    }
    let ll = 0;
    let gr = 0;
    let gAlpha = 0;
    let ga = 0;
    let gb = 0;
    const n = data.size;
    for (let i = 0; i < n; i += 1) {
      const xi = data.xIndex[i] ?? 0;
      const x = data.xLevels[xi] ?? 0;
      const Ti = data.TIndex[i] ?? 0;
      const ti = data.txIndex[i] ?? 0;
      const w = data.weight[i] ?? 0;
      const rx = r + x;
      const term1 = -rx * (logT[Ti] ?? 0);
      let total = term1;
      let w2 = 0;
      if (modified || x > 0) {
        const term2 = logA - (logDenX[xi] ?? 0) - rx * (logTx[ti] ?? 0);
        total = logAddExp(term1, term2);
        w2 = Math.exp(term2 - total);
      }
      ll += w * ((lgX[xi] ?? 0) + total);
      if (want) {
        const w1 = 1 - w2;
        gr += w * ((drX[xi] ?? 0) - w1 * (logT[Ti] ?? 0) - w2 * (logTx[ti] ?? 0));
        gAlpha += w * (r / alpha - rx * (w1 * (invT[Ti] ?? 0) + w2 * (invTx[ti] ?? 0)));
        ga += w * ((daX[xi] ?? 0) + w2 / a);
        // BG/NBD with x = 0 has no second term (and b + x − 1 may be 0).
        gb += w * ((dbX[xi] ?? 0) - (w2 > 0 ? w2 * (invDenX[xi] ?? 0) : 0));
      }
    }
    const scale = 1 / data.totalWeight;
    const value = -ll * scale + penalty * (r * r + alpha * alpha + a * a + b * b);
    if (gradient !== undefined) {
      // Chain rule to log-parameters: d/dθ = p · d/dp.
      gradient[0] = r * (-gr * scale + 2 * penalty * r);
      gradient[1] = alpha * (-gAlpha * scale + 2 * penalty * alpha);
      gradient[2] = a * (-ga * scale + 2 * penalty * a);
      gradient[3] = b * (-gb * scale + 2 * penalty * b);
    }
    return value;
  };
}

/** log of the odds of "dropped out" against "alive"; P(alive) = 1 / (1 + e^this). */
export function betaGeometricLogDeadOdds(
  p: BetaGeometricParams,
  modified: boolean,
  x: number,
  tx: number,
  T: number,
): number {
  if (!modified && x === 0) return Number.NEGATIVE_INFINITY;
  const m = modified ? 1 : 0;
  return (
    Math.log(p.a) - Math.log(p.b + x - 1 + m) + (p.r + x) * (Math.log(p.alpha + T) - Math.log(p.alpha + tx))
  );
}

/**
 * E[purchases in (T, T+t] | alive, history] — the numerator of the conditional expectation of FHL (2005)
 * eq. 10 (and its MBG/NBD analogue): (c / (a−1))·(1 − ₂F₁(r+x, b'; c; z)·Q) with b' = b+x(+1), c = a+b'−1,
 * z = t/(α+T+t), Q = ((α+T)/(α+T+t))^(r+x). Written as (c(1−Q) − G·Q)/(a−1) with G = c(₂F₁ − 1) so the
 * series has positive terms even when c < 0 (x = 0, a + b < 1); at a ≈ 1 (0/0) the two sides are averaged.
 */
export function betaGeometricExpectedIfAlive(
  p: BetaGeometricParams,
  modified: boolean,
  t: number,
  x: number,
  T: number,
): number {
  if (!(t > 0)) return 0;
  const delta = 1e-4;
  if (Math.abs(p.a - 1) < delta) {
    const low = expectedIfAliveSeries({ ...p, a: 1 - delta }, modified, t, x, T);
    const high = expectedIfAliveSeries({ ...p, a: 1 + delta }, modified, t, x, T);
    const weight = (p.a - (1 - delta)) / (2 * delta);
    return low + weight * (high - low);
  }
  return expectedIfAliveSeries(p, modified, t, x, T);
}

function expectedIfAliveSeries(
  p: BetaGeometricParams,
  modified: boolean,
  t: number,
  x: number,
  T: number,
): number {
  const rx = p.r + x;
  const bPrime = p.b + x + (modified ? 1 : 0);
  const c = p.a + bPrime - 1;
  const aT = p.alpha + T;
  const z = t / (aT + t);
  const logQ = -rx * Math.log1p(t / aT);
  const logG = Math.log(rx * bPrime * z) + logPositiveSeries(rx + 1, bPrime + 1, c + 1, z, 1);
  const value = (c * -Math.expm1(logQ) - Math.exp(logG + logQ)) / (p.a - 1);
  return Number.isFinite(value) && value > 0 ? value : 0;
}

/** P(at least one purchase in (T, T+t] | alive): λ | alive ~ Gamma(r+x, α+T), dropout only after a purchase. */
export function betaGeometricReturnIfAlive(p: BetaGeometricParams, t: number, x: number, T: number): number {
  return -Math.expm1(-(p.r + x) * Math.log1p(t / (p.alpha + T)));
}
