import type { BetaGeometricParams } from './bgnbd.ts';
import type { SummaryColumns } from './summary-data.ts';

/** Options of {@link simulateBgNbd}. */
export interface SimulateOptions {
  readonly customers: number;
  /** Same seed, same customers. */
  readonly seed: number;
  /** @default the CDNOW estimates r 0.243, α 4.414, a 0.793, b 2.426 (weeks) */
  readonly params?: BetaGeometricParams;
  /** Observation length per customer: fixed, or uniform on a grid between min and max. @default 39 */
  readonly T?: number | { readonly min: number; readonly max: number };
  /** Purchase times are rounded up to this grid (1/7 = whole days when the unit is weeks); 0 keeps them exact. @default 1/7 */
  readonly resolution?: number;
}

/** The CDNOW BG/NBD estimates (Fader, Hardie & Lee 2005), in weeks. */
export const CDNOW_BGNBD: BetaGeometricParams = { r: 0.243, alpha: 4.414, a: 0.793, b: 2.426 };

/** A small, fast, seedable generator (mulberry32); statistical quality is ample for simulation. */
export function seededRandom(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    // Never 0, so log(u) is finite.
    return (((t ^ (t >>> 14)) >>> 0) + 0.5) / 4294967296;
  };
}

function normal(random: () => number): number {
  return Math.sqrt(-2 * Math.log(random())) * Math.cos(2 * Math.PI * random());
}

/** Gamma(shape, rate) by Marsaglia & Tsang, with the u^(1/shape) boost for shape < 1. */
export function gammaSample(random: () => number, shape: number, rate: number): number {
  if (shape < 1) return gammaSample(random, shape + 1, rate) * random() ** (1 / shape);
  const d = shape - 1 / 3;
  const c = 1 / Math.sqrt(9 * d);
  for (;;) {
    let x = 0;
    let v = 0;
    do {
      x = normal(random);
      v = 1 + c * x;
    } while (v <= 0);
    v = v * v * v;
    const u = random();
    if (u < 1 - 0.0331 * x * x * x * x || Math.log(u) < 0.5 * x * x + d * (1 - v + Math.log(v)))
      return (d * v) / rate;
  }
}

/**
 * Simulates the BG/NBD process (Fader, Hardie & Lee 2005): each customer buys at time 0, then at Poisson
 * rate λ ~ Gamma(r, α) and, after each repeat purchase, leaves with probability p ~ Beta(a, b). Purchases
 * on the same grid step (day) count once, as in the RFM convention. Returns the calibration summaries.
 */
export function simulateBgNbd(options: SimulateOptions): SummaryColumns {
  const params = options.params ?? CDNOW_BGNBD;
  const random = seededRandom(options.seed);
  const n = options.customers;
  const resolution = options.resolution ?? 1 / 7;
  const spec = options.T ?? 39;
  const frequency = new Float64Array(n);
  const recency = new Float64Array(n);
  const T = new Float64Array(n);
  for (let i = 0; i < n; i += 1) {
    let length: number;
    if (typeof spec === 'number') length = spec;
    else if (resolution > 0) {
      const steps = Math.round((spec.max - spec.min) / resolution);
      length = spec.min + Math.floor(random() * (steps + 1)) * resolution;
    } else length = spec.min + random() * (spec.max - spec.min);
    const lambda = gammaSample(random, params.r, params.alpha);
    const g1 = gammaSample(random, params.a, 1);
    const p = g1 / (g1 + gammaSample(random, params.b, 1));
    let t = 0;
    let x = 0;
    let last = 0;
    for (;;) {
      t -= Math.log(random()) / lambda;
      if (!(t <= length)) break;
      const when = resolution > 0 ? Math.min(length, Math.ceil(t / resolution) * resolution) : t;
      if (when > last) {
        x += 1;
        last = when;
      }
      if (random() < p) break;
    }
    frequency[i] = x;
    recency[i] = x === 0 ? 0 : last;
    T[i] = length;
  }
  return { frequency, recency, T };
}
