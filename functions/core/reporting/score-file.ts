import type { FitResult } from '../model/fit.ts';
import { scoreDistinct, scoreExplainer } from '../model/scores.ts';
import type { SummaryColumns, TimeUnit } from '../model/summary-data.ts';
import { csvCell } from './csv-output.ts';

/** The columns of a score file (`rekindle model score --out`), in order. */
export const SCORE_FILE_COLUMNS = [
  'customerId',
  'frequency',
  'recency',
  'T',
  'pAlive',
  'expectedPurchases',
  'pReturn',
  'explanation',
] as const;

/** CSV for spreadsheets, JSON Lines (one object per customer) for programs. */
export type ScoreFileFormat = 'csv' | 'jsonl';

/** The customers to score: their summaries as columns, and each one's id, asked for as it is written. */
export interface ScoreFileInput {
  readonly columns: SummaryColumns;
  readonly size: number;
  customerId(index: number): string;
}

/** Bytes per chunk the file is written in: a million customers never sit in one string. */
export const CHUNK_BYTES = 4 << 20;

/**
 * Rows made into text together before their bytes go into the chunk: small enough that the row
 * strings die young (a 64k-row string of ropes cost 10 s of garbage collection per 1M rows).
 */
const ROWS_PER_BATCH = 256;

/** A number as JSON.stringify writes it: non-finite ones as null. */
function jsonNumber(value: number): string {
  return Number.isFinite(value) ? String(value) : 'null';
}

/**
 * A score file's bytes (UTF-8) in chunks of about `chunkBytes`, to be written one after another:
 * the scores are computed as columns first, and each row's text (its explanation included) only
 * when its chunk is made, so no row objects and no whole-file string exist. CSV has a header row and
 * neutralises formula-like text cells ({@link csvCell}); JSON Lines has one object per line. Both
 * end with a newline. Each chunk is a new buffer the caller may keep.
 */
export function* scoreFileChunks(
  fit: FitResult,
  input: ScoreFileInput,
  horizon: number,
  unit: TimeUnit,
  format: ScoreFileFormat,
  chunkBytes = CHUNK_BYTES,
): Generator<Uint8Array, void, undefined> {
  const { rows, scores, rowIndex } = scoreDistinct(fit, input.columns, horizon);
  const { frequency, recency, T } = rows;
  const { pAlive, expectedPurchases, pReturn, expectedGap, overdueRatio } = scores;
  const explain = scoreExplainer(horizon, unit);
  const csv = format === 'csv';
  /**
   * Everything after the id of a distinct row's line. Joined from an array, so it is one flat string:
   * a template literal's nested pieces made every later copy of a repeated row several times slower.
   */
  const tailOf = (u: number): string => {
    const x = frequency[u] ?? 0;
    const tx = recency[u] ?? 0;
    const t = T[u] ?? 0;
    const alive = pAlive[u] ?? 0;
    const expected = expectedPurchases[u] ?? 0;
    const chance = pReturn[u] ?? 0;
    const explanation = explain(x, tx, t, chance, expectedGap[u] ?? 0, overdueRatio[u] ?? 0);
    // The leading '' puts the comma after the id.
    return csv
      ? ['', x, tx, t, alive, expected, chance, `${csvCell(explanation)}\n`].join(',')
      : [
          '',
          `"frequency":${jsonNumber(x)}`,
          `"recency":${jsonNumber(tx)}`,
          `"T":${jsonNumber(t)}`,
          `"pAlive":${jsonNumber(alive)}`,
          `"expectedPurchases":${jsonNumber(expected)}`,
          `"pReturn":${jsonNumber(chance)}`,
          `"explanation":${JSON.stringify(explanation)}}\n`,
        ].join(',');
  };
  // Rows that repeat (times rounded to days: 1M rows, 106,606 distinct) are made into text once.
  const tails =
    rowIndex !== null && pAlive.length * 2 <= input.size ? new Array<string>(pAlive.length) : null;
  let chunk = Buffer.allocUnsafe(Math.max(1, chunkBytes));
  let used = 0;
  // Lines joined per batch: join makes one flat string, which writes as UTF-8 many times faster than
  // the rope `+=` builds.
  const lines: string[] = [
    csv ? `${SCORE_FILE_COLUMNS.map(csvCell).join(',')}\n` : input.size === 0 ? '\n' : '',
  ];
  for (let i = 0; i <= input.size; i += 1) {
    if (i === input.size || (i > 0 && i % ROWS_PER_BATCH === 0)) {
      const text = lines.join('');
      lines.length = 0;
      // UTF-8 takes at most 3 bytes per UTF-16 unit.
      const most = text.length * 3;
      if (used + most > chunk.length) {
        if (used > 0) yield chunk.subarray(0, used);
        chunk = Buffer.allocUnsafe(Math.max(most, chunkBytes, 1));
        used = 0;
      }
      used += chunk.write(text, used, 'utf8');
      if (i === input.size) break;
    }
    const u = rowIndex === null ? i : (rowIndex[i] ?? 0);
    let tail = tails?.[u];
    if (tail === undefined) {
      tail = tailOf(u);
      if (tails !== null) tails[u] = tail;
    }
    const id = input.customerId(i);
    lines.push(csv ? `${csvCell(id)}${tail}` : `{"customerId":${JSON.stringify(id)}${tail}`);
  }
  if (used > 0) yield chunk.subarray(0, used);
}
