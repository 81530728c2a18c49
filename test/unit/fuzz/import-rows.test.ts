import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { type ImportKind, importStream } from '../../../functions/core/import/import-file.ts';
import type { ImportFormat } from '../../../functions/core/import/import-rows.ts';
import { MemorySink } from '../../support/memory-import-sink.ts';
import { hostileString, prototypeKeys } from './arbitraries.ts';

type Row = Record<string, string>;

/** A change that makes a valid row invalid, and the field the rejection must name. */
interface Corruption {
  readonly field: string;
  readonly value: string;
}

interface KindCase {
  readonly kind: ImportKind;
  readonly idField: string;
  readonly columns: readonly string[];
  /** A valid row; its id is filled in per row so ids are unique. */
  readonly valid: fc.Arbitrary<Row>;
  readonly corruptions: readonly Corruption[];
}

/** Printable text with separators, quotes and line breaks (names span lines in CSV), no other controls. */
const freeText = (maxLength: number) =>
  fc
    .array(
      fc.oneof(fc.string({ unit: 'grapheme', maxLength: 8 }), fc.constantFrom('\n', ',', '"', '""', ' ')),
      {
        maxLength: 6,
      },
    )
    .map((parts) =>
      [...parts.join('')]
        // U+FFFD is what a decoder writes for bytes that are not UTF-8: the import stops there on purpose.
        .filter((char) => char === '\n' || !/\p{Cc}|\uFFFD/u.test(char))
        .join('')
        .slice(0, maxLength),
    );
const idSuffix = fc
  .string({ unit: 'grapheme', maxLength: 6 })
  .map((text) => [...text].filter((char) => char !== '#' && !/\p{Cc}|\s|\uFFFD/u.test(char)).join(''));
const day = fc
  .date({ min: new Date('2000-01-01T00:00:00Z'), max: new Date('2030-12-31T00:00:00Z'), noInvalidDate: true })
  .chain((date) =>
    fc.constantFrom(
      date.toISOString().slice(0, 10),
      date.toISOString(),
      date.toISOString().replace('Z', '+05:30'),
    ),
  );

const cases: readonly KindCase[] = [
  {
    kind: 'customers',
    idField: 'customerId',
    columns: ['customerId', 'email', 'firstName', 'locale', 'timeZone', 'consent'],
    valid: fc.record({
      customerId: idSuffix,
      email: fc
        .tuple(fc.stringMatching(/^[a-z0-9]{1,10}$/), fc.constantFrom('example.com', 'Shop.Example'))
        .map(([local, domain]) => `${local}@${domain}`),
      firstName: freeText(40),
      locale: fc.constantFrom('en', 'hi', 'gu-IN', 'si', ''),
      timeZone: fc.constantFrom('', 'Asia/Kolkata', 'Europe/London', 'UTC'),
      consent: fc.constantFrom('', 'granted', 'withdrawn', 'unknown'),
    }),
    corruptions: [
      { field: 'email', value: 'not-an-email' },
      { field: 'consent', value: 'maybe' },
      { field: 'timeZone', value: 'Mars/Olympus' },
      { field: 'locale', value: 'English' },
      { field: 'customerId', value: 'a#b' },
      { field: 'customerId', value: 'x'.repeat(129) },
    ],
  },
  {
    kind: 'orders',
    idField: 'orderId',
    columns: ['orderId', 'customerId', 'placedAt', 'amount'],
    valid: fc.record({
      orderId: idSuffix,
      customerId: idSuffix.map((suffix) => `c-${suffix}`),
      placedAt: day,
      amount: fc.oneof(
        fc.constant(''),
        fc.nat({ max: 100_000 }).map((cents) => (cents / 100).toString()),
      ),
    }),
    corruptions: [
      { field: 'placedAt', value: 'yesterday' },
      { field: 'placedAt', value: '2026-02-30' },
      { field: 'amount', value: '-1' },
      { field: 'amount', value: 'ten' },
      { field: 'customerId', value: 'c\u0007' },
    ],
  },
  {
    kind: 'incidents',
    idField: 'incidentId',
    columns: [
      'incidentId',
      'customerId',
      'kind',
      'occurredAt',
      'orderId',
      'resolvedAt',
      'resolution',
      'ticketOpen',
    ],
    valid: fc.record({
      incidentId: idSuffix,
      customerId: idSuffix.map((suffix) => `c-${suffix}`),
      kind: fc.constantFrom(
        'damaged',
        'late',
        'wrong_item',
        'refund_delay',
        'billing',
        'outage',
        'support',
        'other',
      ),
      occurredAt: day,
      orderId: fc.oneof(
        fc.constant(''),
        idSuffix.map((suffix) => `o-${suffix}`),
      ),
      resolvedAt: fc.oneof(fc.constant(''), day),
      resolution: freeText(60),
      ticketOpen: fc.constantFrom('', 'true', 'false'),
    }),
    corruptions: [
      { field: 'kind', value: 'alien' },
      { field: 'occurredAt', value: 'soon' },
      { field: 'ticketOpen', value: 'yes' },
      { field: 'resolvedAt', value: '2026-13-01' },
    ],
  },
];

/** One line of the file to be: a valid row, a corrupted one, a structurally broken one, or blank. */
type Entry =
  | { readonly kind: 'valid'; readonly row: Row }
  | { readonly kind: 'corrupt'; readonly row: Row; readonly corruption: Corruption }
  | { readonly kind: 'extra-field'; readonly row: Row }
  | { readonly kind: 'not-an-object'; readonly text: string }
  | { readonly kind: 'blank' };

const entryOf = (spec: KindCase): fc.Arbitrary<Entry> =>
  fc.oneof(
    { weight: 4, arbitrary: spec.valid.map((row) => ({ kind: 'valid' as const, row })) },
    {
      weight: 2,
      arbitrary: fc
        .tuple(spec.valid, fc.constantFrom(...spec.corruptions))
        .map(([row, corruption]) => ({ kind: 'corrupt' as const, row, corruption })),
    },
    { weight: 1, arbitrary: spec.valid.map((row) => ({ kind: 'extra-field' as const, row })) },
    {
      weight: 1,
      arbitrary: fc
        .constantFrom('{oops', '[1,2]', '42', 'null', '"text"', '{"a":1', '\u0000')
        .map((text) => ({ kind: 'not-an-object' as const, text })),
    },
    { weight: 1, arbitrary: fc.constant({ kind: 'blank' as const }) },
  );

const csvField = (value: string, quoteAll: boolean) =>
  quoteAll || /[",\r\n]/.test(value) ? `"${value.replaceAll('"', '""')}"` : value;

const jsonOf = (row: Row) =>
  JSON.stringify(Object.fromEntries(Object.entries(row).filter(([, value]) => value !== '')));

interface Built {
  readonly text: string;
  /** Ids of valid rows, in file order. */
  readonly validIds: string[];
  /** Line of each invalid row, and the field its reason must name (if any). */
  readonly invalid: { line: number; field?: string }[];
}

/** Writes the entries as a CSV or JSONL file, tracking the line each record starts on. */
function build(
  spec: KindCase,
  entries: readonly Entry[],
  format: ImportFormat,
  options: { columns: readonly string[]; quoteAll: boolean; eol: string },
): Built {
  const { columns, quoteAll, eol } = options;
  const out: string[] = [];
  const validIds: string[] = [];
  const invalid: { line: number; field?: string }[] = [];
  let line = 1;
  if (format === 'csv') {
    out.push(columns.join(','));
    line += 1;
  }
  entries.forEach((entry, index) => {
    const start = line;
    if (entry.kind === 'blank') {
      out.push('');
      line += 1;
      return;
    }
    let record: string;
    if (entry.kind === 'not-an-object') {
      // CSV has no notion of "not an object": an unterminated-free one-field line is a wrong field count.
      record = format === 'csv' ? entry.text.replaceAll('"', '') || 'x' : entry.text;
      invalid.push({ line: start });
    } else {
      const id = `${spec.idField.slice(0, 1)}${index}-${entry.row[spec.idField] ?? ''}`;
      const row: Row = { ...entry.row, [spec.idField]: id };
      if (entry.kind === 'corrupt') {
        row[entry.corruption.field] = entry.corruption.value;
        invalid.push({ line: start, field: entry.corruption.field });
      } else if (entry.kind === 'extra-field') invalid.push({ line: start });
      else validIds.push(id);
      if (format === 'csv') {
        const cells = columns.map((column) => csvField(row[column] ?? '', quoteAll));
        if (entry.kind === 'extra-field') cells.push('extra');
        record = cells.join(',');
      } else record = entry.kind === 'extra-field' ? jsonOf({ ...row, colour: 'blue' }) : jsonOf(row);
    }
    out.push(record);
    line += 1 + (record.match(/\n/g)?.length ?? 0);
  });
  return { text: out.join(eol), validIds, invalid };
}

/** Cuts `text` at the given points, as a stream would deliver it. */
const chunksOf = (text: string, cuts: readonly number[]) => {
  const points = [...new Set(cuts.map((cut) => cut % (text.length + 1)))].sort((a, b) => a - b);
  return [0, ...points].map((from, i) => text.slice(from, points[i] ?? text.length));
};

const idsIn = (sink: MemorySink, kind: ImportKind) =>
  kind === 'customers'
    ? [...sink.customers.values()].map((row) => row.customerId)
    : kind === 'orders'
      ? [...sink.orders.values()].map((row) => row.orderId)
      : [...sink.incidents.values()].map((row) => row.incidentId);

describe.each(cases)('$kind imports under fuzzing', (spec) => {
  it.each<ImportFormat>(['csv', 'jsonl'])(
    'keeps every valid %s row and reports every invalid one on its own line, however the file is chunked',
    async (format) => {
      await fc.assert(
        fc.asyncProperty(
          fc.array(entryOf(spec), { maxLength: 25 }),
          fc.shuffledSubarray([...spec.columns], { minLength: spec.columns.length }),
          fc.boolean(),
          fc.constantFrom('\n', '\r\n'),
          fc.array(fc.nat(), { maxLength: 6 }),
          async (entries, columns, quoteAll, eol, cuts) => {
            const built = build(spec, entries, format, { columns, quoteAll, eol });
            const sink = new MemorySink();
            const report = await importStream(
              chunksOf(built.text, cuts),
              { file: `${spec.kind}.${format}`, kind: spec.kind, format },
              sink,
              { batchSize: 7 },
            );
            expect(idsIn(sink, spec.kind).sort()).toEqual([...built.validIds].sort());
            expect(report.written).toBe(built.validIds.length);
            expect(report.rejected.map((row) => row.line)).toEqual(built.invalid.map((row) => row.line));
            expect(report.rejectedTotal).toBe(built.invalid.length);
            report.rejected.forEach((rejected, i) => {
              expect(rejected.reason.trim()).not.toBe('');
              const field = built.invalid[i]?.field;
              if (field !== undefined) expect(rejected.reason).toContain(field);
            });
          },
        ),
        { numRuns: 100 },
      );
    },
  );

  it.each<ImportFormat>(['csv', 'jsonl'])(
    'never throws on arbitrary %s text, and places every rejection on a line of the file',
    async (format) => {
      const cell = fc.oneof(
        hostileString,
        fc.constantFrom(...prototypeKeys, ...spec.columns, '"', '""', '"a,b"'),
      );
      const line =
        format === 'csv'
          ? fc.array(cell, { maxLength: spec.columns.length + 2 }).map((cells) => cells.join(','))
          : fc.oneof(
              hostileString,
              fc
                .dictionary(fc.oneof(cell, fc.constantFrom(...spec.columns)), cell, { maxKeys: 8 })
                .map((object) => JSON.stringify(object)),
              fc.constantFrom(`{"__proto__":{"polluted":true},"${spec.idField}":"x"}`),
            );
      await fc.assert(
        fc.asyncProperty(
          fc.boolean(),
          fc.array(line, { maxLength: 12 }),
          fc.constantFrom('\n', '\r\n'),
          async (withHeader, lines, eol) => {
            const all = format === 'csv' && withHeader ? [spec.columns.join(','), ...lines] : lines;
            const text = all.join(eol);
            const sink = new MemorySink();
            const report = await importStream(
              [text],
              { file: `${spec.kind}.${format}`, kind: spec.kind, format },
              sink,
            );
            const lineCount = text.split(/\r\n|\r|\n/).length;
            for (const rejected of report.rejected) {
              expect(rejected.line).toBeGreaterThanOrEqual(1);
              expect(rejected.line).toBeLessThanOrEqual(lineCount);
              expect(rejected.reason.trim()).not.toBe('');
            }
            expect(report.written + report.rejectedTotal).toBeLessThanOrEqual(lineCount);
            expect(Object.hasOwn(Object.prototype, 'polluted')).toBe(false);
          },
        ),
        { numRuns: 150 },
      );
    },
  );
});

describe('import regressions found by fuzzing', () => {
  it('refuses a CSV column named "__proto__" like any unknown column, rather than dropping its cells', async () => {
    const sink = new MemorySink();
    const report = await importStream(
      ['customerId,email,__proto__\nc1,a@example.com,secret\n'],
      { file: 'customers.csv', kind: 'customers', format: 'csv' },
      sink,
    );
    expect(report.written).toBe(0);
    expect(report.rejected).toEqual([{ line: 2, reason: expect.stringContaining('__proto__') }]);
  });
});
