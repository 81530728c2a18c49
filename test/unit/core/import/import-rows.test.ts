import { describe, expect, it } from 'vitest';
import { CustomerSchema, OrderSchema } from '../../../../functions/core/customers/model.ts';
import { parseRows } from '../../../../functions/core/import/import-rows.ts';

describe('parseRows', () => {
  it('keeps every good row and reports each bad one with its line and field', () => {
    const csv = [
      'customerId,email,firstName,locale,timeZone,consent',
      'c1,ana@example.com,Ana,en,Europe/London,granted',
      'c2,not-an-email,Bob,en,Europe/London,granted',
      'c3,chitra@example.com,चित्रा,hi,Asia/Kolkata,granted',
      'c4,dee@example.com,Dee,en,Mars/Olympus,granted',
      'c#5,eve@example.com,Eve,en,,unknown',
    ].join('\n');
    const { rows, rejected } = parseRows(csv, 'csv', CustomerSchema);
    expect(rows.map((row) => row.value.customerId)).toEqual(['c1', 'c3']);
    expect(rows[1]?.value.firstName).toBe('चित्रा');
    expect(rejected).toEqual([
      { line: 3, reason: expect.stringContaining('email') },
      { line: 5, reason: expect.stringContaining('timeZone') },
      { line: 6, reason: expect.stringContaining('customerId') },
    ]);
  });

  it('refuses a row with the wrong number of fields and a negative amount', () => {
    const csv =
      'orderId,customerId,placedAt,amount\no1,c1,2026-01-02,10\no2,c1\no3,c1,2026-01-03,-5\no4,c1,yesterday,1';
    const { rows, rejected } = parseRows(csv, 'csv', OrderSchema);
    expect(rows.map((row) => row.value.orderId)).toEqual(['o1']);
    expect(rejected.map((row) => row.line)).toEqual([3, 4, 5]);
    expect(rejected[1]?.reason).toContain('negative');
    expect(rejected[2]?.reason).toContain('placedAt');
  });

  it('reads JSON Lines, naming the line of invalid JSON', () => {
    const jsonl =
      '{"orderId":"o1","customerId":"c1","placedAt":"2026-01-02T10:00:00Z","amount":3}\n{oops\n\n';
    const { rows, rejected } = parseRows(jsonl, 'jsonl', OrderSchema);
    expect(rows).toHaveLength(1);
    expect(rows[0]?.value.placedAt).toBe('2026-01-02T10:00:00.000Z');
    expect(rejected).toEqual([{ line: 2, reason: 'is not valid JSON' }]);
  });
});
