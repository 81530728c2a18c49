import { describe, expect, it } from 'vitest';
import { parseCsv } from '../../../functions/core/import/csv.ts';

describe('parseCsv', () => {
  it('reads quoted fields with commas, quotes and line breaks, keeping each record’s first line', () => {
    const { records, faults } = parseCsv('a,b\n"x, y","say ""hi"""\n"multi\nline",2\n');
    expect(faults).toEqual([]);
    expect(records).toEqual([
      { line: 1, fields: ['a', 'b'] },
      { line: 2, fields: ['x, y', 'say "hi"'] },
      { line: 3, fields: ['multi\nline', '2'] },
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

  it('reports an unterminated quote on a truncated last line as a fault, not a row', () => {
    const { records, faults } = parseCsv('a,b\n1,2\n3,"unfinished');
    expect(records).toHaveLength(2);
    expect(faults).toEqual([{ line: 3, reason: expect.stringContaining('unterminated') }]);
  });
});
