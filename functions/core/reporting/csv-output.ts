/**
 * CSV written for people, who open it in a spreadsheet: the one writer every CSV output uses
 * (`rekindle model score --out`). A text cell starting with `=`, `+`, `-`, `@`, a tab or a carriage
 * return would run as a formula (`=HYPERLINK(…)`, `=cmd|…`), so it gets a leading `'` (OWASP, CSV
 * Injection); numbers are written as they are. Import files are read by csv.ts and never pass here.
 */
export type CsvValue = string | number | boolean | null | undefined;

const formulaStart = /^[=+\-@\t\r]/;
const needsQuotes = /[",\n\r]/;

/** One cell: text neutralised as above, then quoted (RFC 4180) when it holds `"`, `,` or a line break. */
export function csvCell(value: CsvValue): string {
  if (value === null || value === undefined) return '';
  if (typeof value !== 'string') return String(value);
  const text = formulaStart.test(value) ? `'${value}` : value;
  return needsQuotes.test(text) ? `"${text.replaceAll('"', '""')}"` : text;
}

/** A header row of `columns` and a row per record, LF line ends and a final newline. */
export function csvTable<C extends string>(
  columns: readonly C[],
  rows: Iterable<Readonly<Record<C, CsvValue>>>,
): string {
  const lines = [columns.map(csvCell).join(',')];
  for (const row of rows) lines.push(columns.map((column) => csvCell(row[column])).join(','));
  return `${lines.join('\n')}\n`;
}
