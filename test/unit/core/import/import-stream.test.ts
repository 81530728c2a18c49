import { describe, expect, it } from 'vitest';
import { CustomerSchema } from '../../../../functions/core/customers/model.ts';
import { describeImport, importStream, importText } from '../../../../functions/core/import/import-file.ts';
import { RowReader } from '../../../../functions/core/import/import-rows.ts';
import { MemorySink } from '../../../support/memory-import-sink.ts';

const customersHeader = 'customerId,email,firstName,locale,timeZone,consent';

describe('importStream', () => {
  it('writes good customer rows and reports each malformed one with its line and reason', async () => {
    const csv = [
      customersHeader,
      'c1,ana@example.com,Ana,en,Europe/London,granted',
      'c2,,Bob,en,Europe/London,granted', // missing email
      'c3,not-an-email,Cy,en,Europe/London,granted',
      'c4,dee@example.com,Dee,en,Mars/Olympus,granted', // unknown time zone
      'c5,eve@example.com,Eve,en,Europe/Paris,maybe', // wrong enum
      'c6,"Zoe.Yamada@Example.COM",Zoë 山田 🌸,ja,Asia/Tokyo,granted',
      'c1,ana2@example.com,Ana again,en,Europe/London,granted', // duplicate id
      'c7,g@example.com,G,en', // too few fields
    ].join('\n');
    const sink = new MemorySink();
    const report = await importText(csv, { file: 'customers.csv', kind: 'customers', format: 'csv' }, sink);
    expect(report.written).toBe(2);
    expect([...sink.customers.keys()]).toEqual(['c1', 'c6']);
    expect(sink.customers.get('c6')?.firstName).toBe('Zoë 山田 🌸');
    expect(sink.customers.get('c1')?.email).toBe('ana@example.com');
    expect(sink.customers.get('c6')?.email).toBe('zoe.yamada@example.com');
    expect(report.rejected).toEqual([
      { line: 3, reason: expect.stringContaining('email') },
      { line: 4, reason: expect.stringContaining('email') },
      { line: 5, reason: expect.stringContaining('timeZone') },
      { line: 6, reason: expect.stringContaining('consent') },
      { line: 8, reason: 'customerId "c1" already appeared on line 2' },
      { line: 9, reason: 'has 4 fields, the header has 6' },
    ]);
    expect(report.rejectedTotal).toBe(6);
  });

  it('rejects orders with wrong types and bad dates, and reports a truncated last line', async () => {
    const csv = [
      'orderId,customerId,placedAt,amount',
      'o1,c1,2026-01-02,10.50',
      'o2,c1,2026-02-30T10:00:00Z,5', // impossible date
      'o3,c1,last tuesday,5',
      'o4,c1,2026-01-05,ten',
      'o5,c1,2026-01-06,"7',
    ].join('\r\n');
    const sink = new MemorySink();
    const report = await importText(csv, { file: 'orders.csv', kind: 'orders', format: 'csv' }, sink);
    expect(report.written).toBe(1);
    expect(report.rejected.map((row) => row.line)).toEqual([3, 4, 5, 6]);
    expect(report.rejected[0]?.reason).toContain('placedAt');
    expect(report.rejected[2]?.reason).toContain('amount');
    expect(report.rejected[3]?.reason).toContain('unterminated');
  });

  it('imports incidents from JSON Lines, including a truncated last line', async () => {
    const jsonl = [
      '{"incidentId":"i1","customerId":"c1","kind":"damaged","occurredAt":"2026-03-01","orderId":"o1","ticketOpen":true}',
      '{"incidentId":"i2","customerId":"c1","kind":"late","occurredAt":"2026-03-02T10:00:00Z","resolvedAt":"2026-03-04","resolution":"refunded shipping"}',
      '{"incidentId":"i3","customerId":"c1","kind":"lost-in-space","occurredAt":"2026-03-01"}',
      '["not","an","object"]',
      '{"incidentId":"i4","customerId":"c2","kind":"billing","occ',
    ].join('\n');
    const sink = new MemorySink();
    const report = await importText(
      jsonl,
      { file: 'incidents.jsonl', kind: 'incidents', format: 'jsonl' },
      sink,
    );
    expect(report.written).toBe(2);
    expect(sink.incidents.get('c1#i1')).toMatchObject({ kind: 'damaged', ticketOpen: true });
    expect(sink.incidents.get('c1#i2')?.resolvedAt).toBe('2026-03-04T00:00:00.000Z');
    expect(report.rejected).toEqual([
      { line: 3, reason: expect.stringContaining('kind') },
      { line: 4, reason: 'is not a JSON object' },
      { line: 5, reason: 'is not valid JSON' },
    ]);
  });

  it('gives the same rows and rejections whatever the chunk boundaries', async () => {
    const csv = `\uFEFF${customersHeader}\r\n"c1","a@example.com","Multi\r\nline, ""quoted""",en,,granted\r\nc2,b@example.com,Ünïcode 🌸,en,,unknown\r\nc3,bad,X,en,,granted\r\n`;
    const whole = await importText(
      csv,
      { file: 'customers.csv', kind: 'customers', format: 'csv' },
      new MemorySink(),
    );
    for (let cut = 1; cut < csv.length; cut += 1) {
      const sink = new MemorySink();
      const report = await importStream(
        [csv.slice(0, cut), csv.slice(cut)],
        { file: 'customers.csv', kind: 'customers', format: 'csv' },
        sink,
      );
      expect(report).toEqual(whole);
      // A name is one line: its quoted line break is read, then made a space (clean-text.ts).
      expect(sink.customers.get('c1')?.firstName).toBe('Multi line, "quoted"');
    }
    expect(whole.rejected).toEqual([{ line: 5, reason: expect.stringContaining('email') }]);
  });

  it('changes nothing when the same file is imported twice', async () => {
    const csv = 'orderId,customerId,placedAt,amount\no1,c1,2026-01-02,10\no2,c1,2026-01-09,20\n';
    const sink = new MemorySink();
    const source = { file: 'orders.csv', kind: 'orders', format: 'csv' } as const;
    await importText(csv, source, sink);
    const once = new Map(sink.orders);
    const again = await importText(csv, source, sink);
    expect(again.written).toBe(2);
    expect(sink.orders).toEqual(once);
  });

  it('streams a 10 MB file in batches without losing a good row', async () => {
    const lines = [customersHeader];
    let bytes = 0;
    let bad = 0;
    for (let i = 0; bytes < 10 * 1024 * 1024; i += 1) {
      const line =
        i % 1_000 === 999
          ? `x${i},broken-email,Name ${i},en,Europe/London,granted`
          : `x${i},person${i}@example.com,Námé ${i} with some padding text,en,Asia/Kolkata,granted`;
      if (i % 1_000 === 999) bad += 1;
      lines.push(line);
      bytes += Buffer.byteLength(line) + 1;
    }
    const text = lines.join('\n');
    async function* chunks() {
      for (let start = 0; start < text.length; start += 64 * 1024) yield text.slice(start, start + 64 * 1024);
    }
    const sink = new MemorySink();
    let progressCalls = 0;
    const report = await importStream(
      chunks(),
      { file: 'customers.csv', kind: 'customers', format: 'csv' },
      sink,
      { batchSize: 1_000, onProgress: () => (progressCalls += 1) },
    );
    expect(report.written + report.rejectedTotal).toBe(lines.length - 1);
    expect(report.rejectedTotal).toBe(bad);
    expect(sink.customers.size).toBe(report.written);
    expect(sink.writes).toBe(Math.ceil(report.written / 1_000));
    expect(progressCalls).toBeGreaterThan(100);
    // Generous: time-zone validation dominates (~20k rows/s), and the machine is shared.
  }, 120_000);

  it('lists at most maxRejectedListed rejections but counts them all', async () => {
    const csv = `${customersHeader}\n${Array.from({ length: 30 }, (_, i) => `c${i},bad,,,,`).join('\n')}`;
    const report = await importText(
      csv,
      { file: 'customers.csv', kind: 'customers', format: 'csv' },
      new MemorySink(),
      { maxRejectedListed: 10 },
    );
    expect(report.rejected).toHaveLength(10);
    expect(report.rejectedTotal).toBe(30);
  });
});

describe('describeImport', () => {
  it('knows customers, orders and incidents files in CSV and JSONL', () => {
    expect(describeImport('imports/2026/Incidents-march.JSONL')).toEqual({
      kind: 'incidents',
      format: 'jsonl',
    });
    expect(describeImport('imports/orders.csv')).toEqual({ kind: 'orders', format: 'csv' });
    expect(describeImport('imports/products.csv')).toBeUndefined();
    expect(describeImport('imports/customers.xlsx')).toBeUndefined();
  });
});

describe('RowReader', () => {
  it('numbers JSON Lines across chunks', () => {
    const reader = new RowReader('jsonl', CustomerSchema);
    const outcomes = [
      ...reader.push('{"customerId":"a","email":"a@example.com"}\n\n{"customerId":"b",'),
      ...reader.push('"email":"nope"}\n'),
      ...reader.end(),
    ];
    expect(outcomes.map((outcome) => [outcome.line, outcome.ok])).toEqual([
      [1, true],
      [3, false],
    ]);
  });
});
