import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { importFile, printImportSummary } from '../../../../functions/cli/commands/import.ts';
import { MemoryOutput } from '../../../../functions/cli/output.ts';
import { CustomerSchema } from '../../../../functions/core/customers/model.ts';
import { importStream, importText } from '../../../../functions/core/import/import-file.ts';
import { MemorySink } from '../../../support/memory-import-sink.ts';

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

describe('import: every physical line is written, rejected, or named where the import stopped', () => {
  const rows = (count: number, at: (line: number) => string | undefined) =>
    Array.from({ length: count }, (_, index) => {
      const line = index + 2;
      return at(line) ?? `c${line},c${line}@example.com,Name ${line}`;
    });
  const header = 'customerId,email,firstName';
  /** 10,000 rows (lines 2–10,001), an unterminated quote on line 12, and what `later` puts on line 500. */
  const file = (later?: string) =>
    [
      header,
      ...rows(10_000, (line) =>
        line === 12 ? 'c12,"Bob,bob@example.com' : line === 500 ? later : undefined,
      ),
    ].join('\n');

  it.each([
    ['no later quote', undefined],
    ['a later properly quoted field', 'c500,"Alice",alice@example.com'],
    ['a later quoted last field', 'c500,alice@example.com,"Alice"'],
  ])('an unterminated quote on line 12 of 10,000 rows stops the import there (%s)', async (_, later) => {
    for (const chunkSize of [1 << 20, 997]) {
      const text = file(later);
      const chunks = Array.from({ length: Math.ceil(text.length / chunkSize) }, (_, i) =>
        text.slice(i * chunkSize, (i + 1) * chunkSize),
      );
      const sink = new MemorySink();
      const report = await importStream(chunks, customers, sink);
      expect(report.stopped).toEqual({ line: 12, reason: expect.stringContaining('line 12') });
      // Lines 2–11 written, nothing from line 12 on: none of the 9,990 rows is passed off as one rejection.
      expect(report.written).toBe(10);
      expect(report.rejectedTotal).toBe(0);
      expect([...sink.customers.keys()].at(-1)).toBe('c11');
    }
  });

  it('rejects a quote closed cleanly on a later line as one row naming every line it swallowed', async () => {
    const report = await importText(file('",c500,alice@example.com'), customers, new MemorySink());
    expect(report.stopped).toBeUndefined();
    expect(report.written).toBe(10 + 9_501);
    expect(report.rejected).toEqual([
      {
        line: 12,
        reason: expect.stringContaining(
          'has 4 fields, the header has 3 (the row spans lines 12–500 through a quoted field: if those lines are rows, a closing quote is missing on line 12)',
        ),
      },
    ]);
  });

  it('accounts for every line of a file with quoted line breaks and a bad row', async () => {
    const text = [
      header,
      'c2,a@example.com,"Ann\nMarie"',
      'c4,not-an-email,"Bo\nBo"',
      'c6,"Cy" Jr,c@example.com',
      'c7,d@example.com,Di',
    ].join('\n');
    const sink = new MemorySink();
    const report = await importText(text, customers, sink);
    expect(report.stopped).toBeUndefined();
    expect(report.written).toBe(2);
    expect(report.rejected).toEqual([
      { line: 4, reason: expect.stringMatching(/email.*\(the row spans lines 4–5 through a quoted field/) },
      { line: 6, reason: 'field 2 has text after its closing quote' },
    ]);
    expect(sink.customers.get('c2')?.firstName).toBe('Ann Marie');
  });

  it('says where the import stopped and that nothing after was imported, exit 1', async () => {
    const sink = new MemorySink();
    const report = await importText(file(), customers, sink);
    const out = new MemoryOutput();
    printImportSummary(report, out);
    expect(out.lines).toEqual([
      'customers.csv: 10 customers rows written, 0 rejected',
      expect.stringMatching(
        /^ {2}stopped at line 12: a quoted field opened on line 12 is longer than 100,000 characters/,
      ),
      '  nothing from line 12 on was imported: fix the file and import it again',
    ]);
  });
});

describe('import: text that is not UTF-8, and characters no name may hold', () => {
  let dir: string;
  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'rekindle-encoding-'));
  });
  afterAll(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  it.each([
    [
      'csv',
      'customerId,email,firstName\nc2,ana@example.com,Ana\nc3,jose@example.com,José\nc4,b@example.com,Bo\n',
    ],
    [
      'jsonl',
      '{"customerId":"c1","email":"ana@example.com"}\n{"customerId":"c2","email":"jose@example.com","firstName":"José"}\n{"customerId":"c3","email":"b@example.com"}\n',
    ],
  ] as const)(
    'stops a windows-1252 %s file at its first bad line instead of importing "Jos\uFFFD"',
    async (format, text) => {
      const file = join(dir, `customers.${format}`);
      await writeFile(file, Buffer.from(text, 'latin1'));
      const sink = new MemorySink();
      const out = new MemoryOutput();
      const report = await importFile({ kind: 'customers', file, format, sink }, out);
      const line = format === 'csv' ? 3 : 2;
      expect(report.stopped).toEqual({ line, reason: expect.stringContaining(`line ${line} is not UTF-8`) });
      expect(report.written).toBe(1);
      expect([...sink.customers.values()].map((customer) => customer.firstName)).not.toContain('Jos\uFFFD');
      printImportSummary(report, out);
      expect(out.lines[0]).toContain(file);
      expect(out.lines[1]).toMatch(/save the file as UTF-8/);
    },
  );

  it('imports the same file saved as UTF-8, José intact', async () => {
    const file = join(dir, 'customers-utf8.csv');
    await writeFile(file, 'customerId,email,firstName\nc3,jose@example.com,José\n', 'utf8');
    const sink = new MemorySink();
    const report = await importFile({ kind: 'customers', file, format: 'csv', sink }, new MemoryOutput());
    expect(report).toMatchObject({ written: 1, rejectedTotal: 0 });
    expect(sink.customers.get('c3')?.firstName).toBe('José');
  });

  it('strips control characters and bidi overrides from names and notes, never from ids', async () => {
    const sink = new MemorySink();
    const names = [
      'customerId,email,firstName',
      'c1,a@example.com,"Ana\u0007\u001b[31m"',
      'c2,b@example.com,"\u202Egpj.exe\u202C Bo"',
      'c3,c@example.com,"Cy\u2066 \u2069Li\tPo"',
      'c4,d@example.com,"Dee\r\nEm"',
      'c5,e@example.com,"\u05E9\u05DC\u05D5\u05DD \u200Fשלום"',
      '"c\u00016",f@example.com,Fa',
    ].join('\n');
    const report = await importText(names, customers, sink);
    expect([...sink.customers.values()].map((customer) => customer.firstName)).toEqual([
      'Ana[31m',
      'gpj.exe Bo',
      'Cy Li Po',
      'Dee Em',
      '\u05E9\u05DC\u05D5\u05DD \u200Fשלום', // right-to-left text and its marks are names
    ]);
    // Line 8: the row before spans lines 6–7.
    expect(report.rejected).toEqual([{ line: 8, reason: expect.stringContaining('control characters') }]);

    // Shop events (ingest-event) read the same schemas, so their names are cleaned alike.
    expect(
      CustomerSchema.parse({ customerId: 'c9', email: 'g@example.com', firstName: '\u202Eoj\u0000' })
        .firstName,
    ).toBe('oj');

    const incidents = [
      'incidentId,customerId,kind,occurredAt,resolution,resolutions.de',
      'i1,c1,late,2026-03-01,"Refunded\u202E shipping.\r\nSorry!\u0000","Erstattet\u2067."',
    ].join('\n');
    await importText(incidents, { file: 'incidents.csv', kind: 'incidents', format: 'csv' }, sink);
    expect(sink.incidents.get('c1#i1')).toMatchObject({
      resolution: 'Refunded shipping.\nSorry!',
      resolutions: { de: 'Erstattet.' },
    });
  });
});
