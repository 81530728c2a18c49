import { describe, expect, it } from 'vitest';
import { importText } from '../../../functions/core/import/import-file.ts';
import { MemorySink } from './memory-sink.ts';

const customersHeader = 'customerId,email,firstName,locale,timeZone,consent';
const customers = { file: 'customers.csv', kind: 'customers', format: 'csv' } as const;

describe('import: customer ids must travel in SES message tags', () => {
  it('refuses a customer id too long to encode in a tag, on its line, and keeps the rest', async () => {
    const csv = [
      customersHeader,
      `${'a'.repeat(128)},a@example.com,A,en,,granted`,
      `${'é'.repeat(43)},b@example.com,B,en,,granted`,
      `${'.'.repeat(86)},c@example.com,C,en,,granted`,
      `${'.'.repeat(85)},d@example.com,D,en,,granted`,
    ].join('\n');
    const sink = new MemorySink();
    const report = await importText(csv, customers, sink);
    expect(report.written).toBe(2);
    expect(report.rejected).toEqual([
      { line: 3, reason: expect.stringContaining('customerId is too long to send') },
      { line: 4, reason: expect.stringContaining('customerId is too long to send') },
    ]);
  });
});
