/** Time unit of a summary: the unit of recency, T and every horizon. */
export type TimeUnit = 'days' | 'weeks';

/** One customer's calibration-period summary (the "RFM" triple of the buy-till-you-die literature). */
export interface CustomerSummary {
  readonly customerId: string;
  /** x: number of repeat purchase days (the first purchase does not count). */
  readonly frequency: number;
  /** t_x: time from the first purchase to the last repeat purchase; 0 when x = 0. */
  readonly recency: number;
  /** T: time from the first purchase to the end of calibration. */
  readonly T: number;
}

/** Summaries as columns, the form every model works on (cheap for millions of rows). */
export interface SummaryColumns {
  readonly frequency: Float64Array;
  readonly recency: Float64Array;
  readonly T: Float64Array;
  /** Optional row weights (how many customers the row stands for); 1 each when absent. */
  readonly weight?: Float64Array;
}

/**
 * Identical (x, t_x, T) rows merged with weights, plus the distinct values of x, t_x and T and of the
 * pairs (x, t_x) and (x, T), so a likelihood can compute anything that depends on fewer than three of
 * them once per distinct value instead of once per customer.
 */
export interface CompressedSummaries {
  readonly size: number;
  readonly x: Float64Array;
  readonly tx: Float64Array;
  readonly T: Float64Array;
  readonly weight: Float64Array;
  readonly totalWeight: number;
  /** Index of each unique row in `rows`; lets scores be scattered back to the original order. */
  readonly rowIndex: Int32Array;
  readonly xLevels: Float64Array;
  readonly xIndex: Int32Array;
  readonly txLevels: Float64Array;
  readonly txIndex: Int32Array;
  readonly TLevels: Float64Array;
  readonly TIndex: Int32Array;
  /** Distinct (x, t_x) pairs as parallel arrays, and each unique row's pair. */
  readonly xtxX: Float64Array;
  readonly xtxT: Float64Array;
  readonly xtxIndex: Int32Array;
  /** Distinct (x, T) pairs as parallel arrays, and each unique row's pair. */
  readonly xTX: Float64Array;
  readonly xTT: Float64Array;
  readonly xTIndex: Int32Array;
}

/** Turns summary objects into columns. */
export function toColumns(customers: readonly CustomerSummary[]): SummaryColumns {
  const n = customers.length;
  const frequency = new Float64Array(n);
  const recency = new Float64Array(n);
  const T = new Float64Array(n);
  customers.forEach((customer, i) => {
    frequency[i] = customer.frequency;
    recency[i] = customer.recency;
    T[i] = customer.T;
  });
  return { frequency, recency, T };
}

class Levels {
  private readonly index = new Map<number, number>();
  readonly values: number[] = [];
  of(value: number): number {
    let i = this.index.get(value);
    if (i === undefined) {
      i = this.values.length;
      this.index.set(value, i);
      this.values.push(value);
    }
    return i;
  }
}

/** Merges identical (x, t_x, T) rows, summing their weights. O(n) with numeric hash keys. */
export function compressSummaries(columns: SummaryColumns): CompressedSummaries {
  const n = columns.frequency.length;
  const xs = new Levels();
  const txs = new Levels();
  const Ts = new Levels();
  const xi = new Int32Array(n);
  const ti = new Int32Array(n);
  const Ti = new Int32Array(n);
  for (let i = 0; i < n; i += 1) {
    xi[i] = xs.of(columns.frequency[i] ?? 0);
    ti[i] = txs.of(columns.recency[i] ?? 0);
    Ti[i] = Ts.of(columns.T[i] ?? 0);
  }
  const nt = txs.values.length;
  const nT = Ts.values.length;
  // Keys are exact integers below 2^53 for any realistic number of levels.
  const rowKeys = new Map<number, number>();
  const xtxKeys = new Map<number, number>();
  const xTKeys = new Map<number, number>();
  const rowIndex = new Int32Array(n);
  const uniqueX: number[] = [];
  const uniqueTx: number[] = [];
  const uniqueT: number[] = [];
  const weights: number[] = [];
  const uxi: number[] = [];
  const uti: number[] = [];
  const uTi: number[] = [];
  const uxtx: number[] = [];
  const uxT: number[] = [];
  const xtxX: number[] = [];
  const xtxT: number[] = [];
  const xTX: number[] = [];
  const xTT: number[] = [];
  let totalWeight = 0;
  for (let i = 0; i < n; i += 1) {
    const a = xi[i] ?? 0;
    const b = ti[i] ?? 0;
    const c = Ti[i] ?? 0;
    const key = (a * nt + b) * nT + c;
    const w = columns.weight?.[i] ?? 1;
    totalWeight += w;
    let u = rowKeys.get(key);
    if (u === undefined) {
      u = weights.length;
      rowKeys.set(key, u);
      weights.push(w);
      uniqueX.push(xs.values[a] ?? 0);
      uniqueTx.push(txs.values[b] ?? 0);
      uniqueT.push(Ts.values[c] ?? 0);
      uxi.push(a);
      uti.push(b);
      uTi.push(c);
      const pairKey = a * nt + b;
      let p = xtxKeys.get(pairKey);
      if (p === undefined) {
        p = xtxX.length;
        xtxKeys.set(pairKey, p);
        xtxX.push(xs.values[a] ?? 0);
        xtxT.push(txs.values[b] ?? 0);
      }
      uxtx.push(p);
      const pairKeyT = a * nT + c;
      let q = xTKeys.get(pairKeyT);
      if (q === undefined) {
        q = xTX.length;
        xTKeys.set(pairKeyT, q);
        xTX.push(xs.values[a] ?? 0);
        xTT.push(Ts.values[c] ?? 0);
      }
      uxT.push(q);
    } else {
      weights[u] = (weights[u] ?? 0) + w;
    }
    rowIndex[i] = u;
  }
  return {
    size: weights.length,
    x: Float64Array.from(uniqueX),
    tx: Float64Array.from(uniqueTx),
    T: Float64Array.from(uniqueT),
    weight: Float64Array.from(weights),
    totalWeight,
    rowIndex,
    xLevels: Float64Array.from(xs.values),
    xIndex: Int32Array.from(uxi),
    txLevels: Float64Array.from(txs.values),
    txIndex: Int32Array.from(uti),
    TLevels: Float64Array.from(Ts.values),
    TIndex: Int32Array.from(uTi),
    xtxX: Float64Array.from(xtxX),
    xtxT: Float64Array.from(xtxT),
    xtxIndex: Int32Array.from(uxtx),
    xTX: Float64Array.from(xTX),
    xTT: Float64Array.from(xTT),
    xTIndex: Int32Array.from(uxT),
  };
}
