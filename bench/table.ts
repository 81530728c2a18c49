/** One measured benchmark case, printed as a table row. */
export interface BenchRow {
  /** What is measured, e.g. "models". */
  readonly area: string;
  readonly case: string;
  readonly value: number;
  readonly unit: string;
  /** The goal, e.g. "< 1.2 s". */
  readonly target?: string;
  /** The number to beat, e.g. lifetimes' timing. */
  readonly reference?: string;
}

function formatValue(value: number): string {
  if (value >= 100) return value.toFixed(0);
  if (value >= 10) return value.toFixed(1);
  return value.toFixed(3);
}

/** A Markdown table of the rows (readable in a terminal and pasteable into docs/benchmarks.md). */
export function printTable(rows: readonly BenchRow[]): string {
  const header = ['area', 'case', 'value', 'unit', 'target', 'reference'];
  const body = rows.map((row) => [
    row.area,
    row.case,
    formatValue(row.value),
    row.unit,
    row.target ?? '',
    row.reference ?? '',
  ]);
  const widths = header.map((title, i) =>
    Math.max(title.length, ...body.map((cells) => (cells[i] ?? '').length)),
  );
  const line = (cells: readonly string[]) =>
    `| ${cells.map((cell, i) => (i === 2 ? cell.padStart(widths[i] ?? 0) : cell.padEnd(widths[i] ?? 0))).join(' | ')} |`;
  const rule = `| ${widths.map((width, i) => (i === 2 ? `${'-'.repeat(width - 1)}:` : '-'.repeat(width))).join(' | ')} |`;
  return [line(header), rule, ...body.map(line)].join('\n');
}
