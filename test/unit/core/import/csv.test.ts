import { describe, expect, it } from 'vitest';
import { parseCsv } from '../../../../functions/core/import/csv.ts';

describe('parseCsv', () => {
  it('reads quoted fields with commas, quotes and line breaks, keeping each record’s first line', () => {
    const { records, faults } = parseCsv('a,b\n"x, y","say ""hi"""\n"multi\nline",2\n');
    expect(faults).toEqual([]);
    expect(records).toEqual([
      { line: 1, lastLine: 1, fields: ['a', 'b'] },
      { line: 2, lastLine: 2, fields: ['x, y', 'say "hi"'] },
      { line: 3, lastLine: 4, fields: ['multi\nline', '2'] },
    ]);
  });

  it('accepts CRLF, a byte-order mark and blank lines', () => {
    const { records } = parseCsv('\uFEFFa,b\r\n1,2\r\n\r\n3,4');
    expect(records.map((record) => [record.line, record.fields])).toEqual([
      [1, ['a', 'b']],
      [2, ['1', '2']],
      [4, ['3', '4']],
    ]);
  });

  it('reports an unterminated quote on a truncated last line as a faulty record of that line', () => {
    for (const text of ['a,b\n1,2\n3,"unfinished', 'a,b\n1,2\n3,"unfinished\n']) {
      const { records, faults } = parseCsv(text);
      expect(records).toHaveLength(3);
      expect(records[2]).toMatchObject({ line: 3, fault: expect.stringContaining('unterminated') });
      expect(faults).toEqual([]);
    }
  });
});
