import { describe, expect, it } from 'vitest';
import { IncidentSchema } from '../../../../functions/core/customers/model.ts';
import { importText } from '../../../../functions/core/import/import-file.ts';
import { parseRows } from '../../../../functions/core/import/import-rows.ts';
import { generateSampleData } from '../../../../functions/local/sample-data.ts';
import { MemorySink } from '../../../support/memory-import-sink.ts';

const csvSource = { file: 'incidents.csv', kind: 'incidents', format: 'csv' } as const;
const jsonlSource = { file: 'incidents.jsonl', kind: 'incidents', format: 'jsonl' } as const;

describe('per-locale resolution notes', () => {
  it('reads `resolutions.<locale>` columns of a CSV into `resolutions`, and leaves empty cells out', async () => {
    const csv = [
      'incidentId,customerId,kind,occurredAt,resolvedAt,resolution,resolutions.hi,resolutions.si-lk,ticketOpen',
      'i1,c1,damaged,2026-03-01,2026-03-04,We sent a replacement.,हमने दूसरा रिकॉर्ड भेजा।,අපි වෙනත් තැටියක් එව්වා.,false',
      'i2,c2,late,2026-03-02,2026-03-05,We refunded the postage.,,,false',
    ].join('\n');
    const sink = new MemorySink();
    const report = await importText(csv, csvSource, sink);
    expect(report.rejected).toEqual([]);
    expect(sink.incidents.get('c1#i1')).toMatchObject({
      resolution: 'We sent a replacement.',
      // Tags are stored as Intl writes them, so "si-lk" finds a "si-LK" customer.
      resolutions: { hi: 'हमने दूसरा रिकॉर्ड भेजा।', 'si-LK': 'අපි වෙනත් තැටියක් එව්වා.' },
    });
    expect(sink.incidents.get('c2#i2')?.resolutions).toBeUndefined();
  });

  it('refuses a row whose note is under a column that is not a language tag, naming line and column', async () => {
    const csv = [
      'incidentId,customerId,kind,occurredAt,resolution,resolutions.Hindi',
      'i1,c1,damaged,2026-03-01,We sent a replacement.,',
      'i2,c1,late,2026-03-02,We refunded the postage.,हमने डाक खर्च लौटा दिया।',
    ].join('\n');
    const sink = new MemorySink();
    const report = await importText(csv, csvSource, sink);
    expect([...sink.incidents.keys()]).toEqual(['c1#i1']);
    expect(report.rejected).toEqual([
      { line: 3, reason: 'resolutions.Hindi is not a language tag such as "hi" or "si-LK"' },
    ]);
  });

  it('refuses an overlong or empty note, naming the line and the field', async () => {
    const long = 'x'.repeat(2_001);
    const jsonl = [
      JSON.stringify({
        incidentId: 'i1',
        customerId: 'c1',
        kind: 'damaged',
        occurredAt: '2026-03-01',
        resolutions: { gu: 'અમે બીજો રેકોર્ડ મોકલ્યો.' },
      }),
      JSON.stringify({
        incidentId: 'i2',
        customerId: 'c1',
        kind: 'late',
        occurredAt: '2026-03-01',
        resolutions: { hi: long },
      }),
      JSON.stringify({
        incidentId: 'i3',
        customerId: 'c1',
        kind: 'late',
        occurredAt: '2026-03-01',
        resolutions: { si: '  ' },
      }),
      JSON.stringify({
        incidentId: 'i4',
        customerId: 'c1',
        kind: 'late',
        occurredAt: '2026-03-01',
        resolutions: 'हमने',
      }),
      JSON.stringify({
        incidentId: 'i5',
        customerId: 'c1',
        kind: 'late',
        occurredAt: '2026-03-01',
        resolutions: { 'hi-IN': 'एक', 'hi-in': 'दो' },
      }),
    ].join('\n');
    const sink = new MemorySink();
    const report = await importText(jsonl, jsonlSource, sink);
    expect(sink.incidents.get('c1#i1')?.resolutions).toEqual({ gu: 'અમે બીજો રેકોર્ડ મોકલ્યો.' });
    expect(report.rejected).toEqual([
      { line: 2, reason: expect.stringMatching(/^resolutions\.hi .*2000/) },
      { line: 3, reason: 'resolutions.si is empty' },
      { line: 4, reason: 'resolutions Invalid input: expected record, received string' },
      { line: 5, reason: 'resolutions.hi-in is the same language as "hi-IN"' },
    ]);
  });

  it('refuses every row of a CSV whose header is ambiguous', () => {
    const both = parseRows(
      'incidentId,customerId,kind,occurredAt,resolutions,resolutions.hi\ni1,c1,late,2026-03-01,x,y\n',
      'csv',
      IncidentSchema,
    );
    expect(both.rejected).toEqual([
      { line: 2, reason: 'the header has both "resolutions" and "resolutions.hi"' },
    ]);
    const twice = parseRows(
      'incidentId,customerId,kind,occurredAt,resolutions.hi,resolutions.hi\ni1,c1,late,2026-03-01,x,y\n',
      'csv',
      IncidentSchema,
    );
    expect(twice.rejected).toEqual([{ line: 2, reason: 'the header names column "resolutions.hi" twice' }]);
  });
});

describe("the demo's sample incidents", () => {
  it('carry the note in every language the sample customers read, and import as they are', async () => {
    const { incidents } = generateSampleData({ customers: 200, seed: 7, now: Date.parse('2026-03-01') });
    const resolved = incidents.filter((incident) => incident.resolvedAt !== undefined);
    expect(resolved.length).toBeGreaterThan(5);
    for (const incident of resolved)
      expect(Object.keys(incident.resolutions ?? {}).sort()).toEqual(['gu', 'hi', 'si']);
    const sink = new MemorySink();
    const jsonl = incidents.map((incident) => JSON.stringify(incident)).join('\n');
    const report = await importText(jsonl, jsonlSource, sink);
    expect(report).toMatchObject({ written: incidents.length, rejectedTotal: 0 });
    expect([...sink.incidents.values()]).toEqual(incidents);
  });
});
