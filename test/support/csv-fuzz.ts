import type { SummaryTable } from '../../functions/core/model/summary-csv.ts';

/** What a reader made of a file: every customer in order, the rejections, or the error it threw. */
export function outcome(read: () => { customers: unknown[]; rejected: unknown[] }): unknown {
  try {
    return read();
  } catch (error: unknown) {
    return { threw: error instanceof Error ? `${error.name}: ${error.message}` : String(error) };
  }
}

/** A fast reader's table as the reference readers' customers and rejections. */
export function tableRows(table: SummaryTable) {
  const customers = Array.from({ length: table.size }, (_, i) => ({
    customerId: table.customerId(i),
    frequency: table.columns.frequency[i],
    recency: table.columns.recency[i],
    T: table.columns.T[i],
  }));
  return { customers, rejected: table.rejected };
}

type Pick = <T>(values: readonly T[]) => T;

/** How a fuzzed CSV file is drawn. */
export interface FuzzedCsv {
  readonly headers: readonly string[];
  /** Rows are drawn below this many. */
  readonly maxRows: number;
  /** A row is empty below this roll, `blank` below `blankBelow`. */
  readonly emptyBelow: number;
  readonly blankBelow: number;
  readonly blank: string;
  /** How often a row gains a surplus cell, and how often it loses its last. */
  readonly cellCountDamage: number;
  readonly cell: (column: string, pick: Pick) => string;
  /** Text replaced in a few files (damage between 0.05 and 0.07). */
  readonly replace?: readonly [string, string];
}

/** A CSV file drawn as `shape` says, with the line ends, blank lines and damage real files have. */
export function fuzzedCsv(random: () => number, shape: FuzzedCsv): Buffer {
  const pick: Pick = (values) => {
    const value = values[Math.floor(random() * values.length)];
    if (value === undefined) throw new Error('fuzzedCsv: a pool to pick from is empty');
    return value;
  };
  const header = pick(shape.headers);
  const columns = header.split(',').map((column) => column.trim());
  const newline = random() < 0.2 ? '\r\n' : '\n';
  const lines = [random() < 0.1 ? `\uFEFF${header}` : header];
  const rows = Math.floor(random() * shape.maxRows);
  for (let row = 0; row < rows; row += 1) {
    const roll = random();
    if (roll < shape.emptyBelow) lines.push('');
    else if (roll < shape.blankBelow) lines.push(shape.blank);
    else {
      const cells = columns.map((column) => shape.cell(column, pick));
      if (random() < shape.cellCountDamage) cells.push('surplus');
      if (random() < shape.cellCountDamage) cells.pop();
      lines.push(cells.join(','));
    }
  }
  let text = lines.join(newline) + (random() < 0.7 ? newline : '');
  const damage = random();
  if (damage < 0.03) text = text.replace(',', ',"');
  else if (damage < 0.05) text = text.replace('\n', '\r');
  else if (damage < 0.07 && shape.replace !== undefined) text = text.replace(...shape.replace);
  const bytes = Buffer.from(text, 'utf8');
  if (damage > 0.97 && bytes.length > 10) bytes[bytes.length - 3] = 0xff;
  return bytes;
}
