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

const BITS = new Float64Array(1);
const WORDS = new Uint32Array(BITS.buffer);

/**
 * Number → dense index, by open addressing on the number's bits: about ten times faster than a Map
 * for millions of double keys (which a Map boxes). Keys compare as a Map's do (0 and −0 are one key,
 * NaN is one key).
 */
export class NumberIndex {
  #keys = new Float64Array(1024);
  #slots = new Int32Array(1024).fill(-1);
  #mask = 1023;
  size = 0;

  /** The key's index, `size` (and the key added) when it is new. */
  of(value: number): number {
    const key = value === 0 ? 0 : value;
    let at = this.#hash(key);
    for (;;) {
      const slot = this.#slots[at] ?? -1;
      if (slot < 0) break;
      const stored = this.#keys[at] ?? 0;
      if (stored === key || (Number.isNaN(stored) && Number.isNaN(key))) return slot;
      at = (at + 1) & this.#mask;
    }
    const index = this.size;
    this.#keys[at] = key;
    this.#slots[at] = index;
    this.size += 1;
    if (this.size * 2 > this.#mask) this.#grow();
    return index;
  }

  #hash(key: number): number {
    BITS[0] = key;
    // murmur3's finaliser: whole numbers (zero low word) spread as well as fractions.
    let h = (WORDS[0] ?? 0) ^ Math.imul(WORDS[1] ?? 0, 0x9e3779b1);
    h ^= h >>> 16;
    h = Math.imul(h, 0x85ebca6b);
    h ^= h >>> 13;
    h = Math.imul(h, 0xc2b2ae35);
    h ^= h >>> 16;
    return h & this.#mask;
  }

  #grow(): void {
    const keys = this.#keys;
    const slots = this.#slots;
    const capacity = keys.length * 2;
    this.#keys = new Float64Array(capacity);
    this.#slots = new Int32Array(capacity).fill(-1);
    this.#mask = capacity - 1;
    for (let i = 0; i < keys.length; i += 1) {
      const slot = slots[i] ?? -1;
      if (slot < 0) continue;
      let at = this.#hash(keys[i] ?? 0);
      while ((this.#slots[at] ?? -1) >= 0) at = (at + 1) & this.#mask;
      this.#keys[at] = keys[i] ?? 0;
      this.#slots[at] = slot;
    }
  }
}

class Levels {
  private readonly index = new NumberIndex();
  readonly values: number[] = [];
  of(value: number): number {
    const i = this.index.of(value);
    if (i === this.values.length) this.values.push(value);
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
  const rowKeys = new NumberIndex();
  const xtxKeys = new NumberIndex();
  const xTKeys = new NumberIndex();
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
    const u = rowKeys.of(key);
    if (u === weights.length) {
      weights.push(w);
      uniqueX.push(xs.values[a] ?? 0);
      uniqueTx.push(txs.values[b] ?? 0);
      uniqueT.push(Ts.values[c] ?? 0);
      uxi.push(a);
      uti.push(b);
      uTi.push(c);
      const pairKey = a * nt + b;
      const p = xtxKeys.of(pairKey);
      if (p === xtxX.length) {
        xtxX.push(xs.values[a] ?? 0);
        xtxT.push(txs.values[b] ?? 0);
      }
      uxtx.push(p);
      const pairKeyT = a * nT + c;
      const q = xTKeys.of(pairKeyT);
      if (q === xTX.length) {
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

/**
 * The rows as they are, in the shape of {@link compressSummaries}'s result: every row its own unique
 * row, level and (x, T) pair, only the (x, t_x) pairs of customers without a repeat purchase shared
 * (their t_x is 0). The likelihood is the same sum either way; this skips the hashing when the rows
 * are nearly all distinct (times not rounded), where merging would find nothing.
 */
export function unmergedSummaries(columns: SummaryColumns): CompressedSummaries {
  const n = columns.frequency.length;
  const identity = new Int32Array(n);
  for (let i = 0; i < n; i += 1) identity[i] = i;
  const xs = new Levels();
  const xIndex = new Int32Array(n);
  const weight = new Float64Array(n);
  let totalWeight = 0;
  const xtxIndex = new Int32Array(n);
  const xtxX: number[] = [];
  const xtxT: number[] = [];
  const noRepeat = new NumberIndex();
  const noRepeatPair: number[] = [];
  for (let i = 0; i < n; i += 1) {
    const x = columns.frequency[i] ?? 0;
    const tx = columns.recency[i] ?? 0;
    xIndex[i] = xs.of(x);
    const w = columns.weight?.[i] ?? 1;
    weight[i] = w;
    totalWeight += w;
    let pair = -1;
    if (x === 0) {
      const k = noRepeat.of(tx);
      pair = noRepeatPair[k] ?? -1;
      if (pair < 0) noRepeatPair[k] = xtxX.length;
    }
    if (pair < 0) {
      pair = xtxX.length;
      xtxX.push(x);
      xtxT.push(tx);
    }
    xtxIndex[i] = pair;
  }
  return {
    size: n,
    x: columns.frequency,
    tx: columns.recency,
    T: columns.T,
    weight,
    totalWeight,
    rowIndex: identity,
    xLevels: Float64Array.from(xs.values),
    xIndex,
    txLevels: columns.recency,
    txIndex: identity,
    TLevels: columns.T,
    TIndex: identity,
    xtxX: Float64Array.from(xtxX),
    xtxT: Float64Array.from(xtxT),
    xtxIndex,
    xTX: columns.frequency,
    xTT: columns.T,
    xTIndex: identity,
  };
}
