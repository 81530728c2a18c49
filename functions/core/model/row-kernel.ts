/**
 * The per-row part of a likelihood, as a self-contained function over columns: the same source runs on
 * the main thread and, as text, in worker threads (row-pool.ts), so it must use nothing but its
 * arguments and `Math` — no imports, no module constants, no helpers.
 */

/** The rows a kernel reads: one entry per row (customer, or merged identical customers). */
export interface RowColumns {
  readonly x: Float64Array;
  readonly tx: Float64Array;
  readonly T: Float64Array;
  /** Row weights; null when every row counts once. */
  readonly w: Float64Array | null;
  /** Each row's index into the kernel's per-x tables. */
  readonly xi: Int32Array;
}

/**
 * Adds the sums of rows [from, to) to `out` (KERNEL_OUT entries): value, gradient, then the upper
 * triangle of the Hessian, row-major. `params` and `tables` are laid out by each kernel's caller.
 */
export type RowKernel = (
  rows: RowColumns,
  tables: Float64Array,
  params: Float64Array,
  from: number,
  to: number,
  out: Float64Array,
) => void;

/** Entries of a kernel's output: the value, 4 gradient entries and the 10 of a symmetric 4×4 Hessian. */
export const KERNEL_OUT = 15;

/**
 * The row terms of the BG/NBD and MBG/NBD log-likelihood, with derivatives in (r, α, a, b):
 * f = A + softplus(d), A = −(r+x)·log(α+T), d = log a − log(b+x−1+m) − (r+x)·log(α+t_x) − A, so
 * ∂f = ∂A + σ(d)·∂d and ∂²f = ∂²A + σ(d)·∂²d + σ(d)(1−σ(d))·∂d∂dᵀ. Two logs, one exp and one log1p a row.
 * params: [r, α, a, b, log a, modified (0|1), level (0 value, 1 + gradient, 2 + Hessian), L];
 * tables: log(b+x−1+m) for each x level, then 1/(b+x−1+m).
 */
export function betaGeometricRows(
  rows: RowColumns,
  tables: Float64Array,
  params: Float64Array,
  from: number,
  to: number,
  out: Float64Array,
): void {
  const r = params[0] ?? 0;
  const alpha = params[1] ?? 0;
  const a = params[2] ?? 0;
  const logA = params[4] ?? 0;
  const modified = params[5] === 1;
  const level = params[6] ?? 0;
  const L = params[7] ?? 0;
  const logAlpha = Math.log(alpha);
  const invAlpha = 1 / alpha;
  const invA = 1 / a;
  const xs = rows.x;
  const txs = rows.tx;
  const Ts = rows.T;
  const ws = rows.w;
  const xis = rows.xi;
  let ll = 0;
  let gr = 0;
  let gAl = 0;
  let ga = 0;
  let gb = 0;
  let hrr = 0;
  let hrAl = 0;
  let hra = 0;
  let hrb = 0;
  let hAlAl = 0;
  let hAla = 0;
  let hAlb = 0;
  let haa = 0;
  let hab = 0;
  let hbb = 0;
  for (let i = from; i < to; i += 1) {
    const x = xs[i] ?? 0;
    const w = ws === null ? 1 : (ws[i] ?? 0);
    const rx = r + x;
    const vT = alpha + (Ts[i] ?? 0);
    const LT = Math.log(vT);
    const iT = 1 / vT;
    const A = -rx * LT;
    if (!modified && x === 0) {
      // BG/NBD: no dropout before the first repeat purchase, so only the "alive" term.
      ll += w * A;
      if (level > 0) {
        gr -= w * LT;
        gAl -= w * rx * iT;
        if (level > 1) {
          hrAl -= w * iT;
          hAlAl += w * rx * iT * iT;
        }
      }
      continue;
    }
    const tx = txs[i] ?? 0;
    let LTx = logAlpha;
    let iTx = invAlpha;
    if (tx !== 0) {
      const vTx = alpha + tx;
      LTx = Math.log(vTx);
      iTx = 1 / vTx;
    }
    const k = xis[i] ?? 0;
    const d = logA - (tables[k] ?? 0) - rx * LTx - A;
    const e = Math.exp(-Math.abs(d));
    ll += w * (A + Math.max(d, 0) + Math.log1p(e));
    if (level === 0) continue;
    const sig = d > 0 ? 1 / (1 + e) : e / (1 + e);
    const invDen = tables[L + k] ?? 0;
    const dr = LT - LTx;
    const dAl = -rx * (iTx - iT);
    const db = -invDen;
    gr += w * (sig * dr - LT);
    gAl += w * (sig * dAl - rx * iT);
    ga += w * sig * invA;
    gb += w * sig * db;
    if (level === 1) continue;
    const c = w * sig * (1 - sig);
    const ws2 = w * sig;
    hrr += c * dr * dr;
    hrAl += ws2 * (iT - iTx) - w * iT + c * dr * dAl;
    hra += c * dr * invA;
    hrb += c * dr * db;
    hAlAl += w * rx * iT * iT + ws2 * rx * (iTx * iTx - iT * iT) + c * dAl * dAl;
    hAla += c * dAl * invA;
    hAlb += c * dAl * db;
    haa += (c - ws2) * invA * invA;
    hab += c * invA * db;
    hbb += ws2 * invDen * invDen + c * db * db;
  }
  out[0] = (out[0] ?? 0) + ll;
  out[1] = (out[1] ?? 0) + gr;
  out[2] = (out[2] ?? 0) + gAl;
  out[3] = (out[3] ?? 0) + ga;
  out[4] = (out[4] ?? 0) + gb;
  out[5] = (out[5] ?? 0) + hrr;
  out[6] = (out[6] ?? 0) + hrAl;
  out[7] = (out[7] ?? 0) + hra;
  out[8] = (out[8] ?? 0) + hrb;
  out[9] = (out[9] ?? 0) + hAlAl;
  out[10] = (out[10] ?? 0) + hAla;
  out[11] = (out[11] ?? 0) + hAlb;
  out[12] = (out[12] ?? 0) + haa;
  out[13] = (out[13] ?? 0) + hab;
  out[14] = (out[14] ?? 0) + hbb;
}

/** The kernels a worker knows, by index: the pool's job names one. */
export const ROW_KERNELS: readonly RowKernel[] = [betaGeometricRows];
