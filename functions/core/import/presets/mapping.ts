import { isMap, LineCounter, parseDocument } from 'yaml';
import * as z from 'zod';
import { isTimeZone } from '../../time-zone.ts';
import { datePattern } from './dates.ts';
import { accept, type Preset, type PresetKind, readMoney, refuse } from './preset.ts';

/**
 * A mapping file for any other CSV (`rekindle import orders FILE --map map.yaml`): which source
 * column holds which of our fields, the date format, the zone of dates without one, and how source
 * values translate (`Complete: paid`). Example:
 *
 * ```yaml
 * columns:
 *   Order No: orderId
 *   E-mail: customerId
 *   Date: placedAt
 *   Grand Total: amount
 *   Currency: currency
 *   State: status
 * dateFormat: DD/MM/YYYY HH:mm
 * timeZone: Europe/London
 * values:
 *   status: { Complete: paid, Refunded: refunded, Cancelled: cancelled }
 * ```
 */

type MappedKind = PresetKind;

const fieldsOf: Record<
  MappedKind,
  { all: readonly string[]; required: readonly string[]; dates: readonly string[] }
> = {
  customers: {
    all: ['customerId', 'email', 'firstName', 'locale', 'timeZone', 'consent'],
    required: ['customerId', 'email'],
    dates: [],
  },
  orders: {
    all: ['orderId', 'customerId', 'placedAt', 'amount', 'status', 'currency', 'refundedAmount'],
    required: ['orderId', 'customerId', 'placedAt'],
    dates: ['placedAt'],
  },
  incidents: {
    all: [
      'incidentId',
      'customerId',
      'kind',
      'occurredAt',
      'orderId',
      'resolvedAt',
      'resolution',
      'ticketOpen',
    ],
    required: ['incidentId', 'customerId', 'kind', 'occurredAt'],
    dates: ['occurredAt', 'resolvedAt'],
  },
};
const amounts = new Set(['amount', 'refundedAmount']);

function mappingSchema(kind: MappedKind) {
  const fields = fieldsOf[kind];
  const field = z
    .string()
    .refine(
      (name) => fields.all.includes(name),
      `expected one of the ${kind} fields: ${fields.all.join(', ')}`,
    );
  return z
    .strictObject({
      columns: z.record(z.string().min(1, 'a column name may not be empty'), field),
      dateFormat: z
        .string()
        .default('iso')
        .superRefine((format, ctx) => {
          const compiled = datePattern(format);
          if (typeof compiled === 'string') ctx.addIssue({ code: 'custom', message: compiled });
        }),
      timeZone: z.string().refine(isTimeZone, 'is not an IANA time zone such as "Europe/London"').optional(),
      values: z
        .record(field, z.record(z.string(), z.union([z.string(), z.number(), z.boolean()])))
        .optional(),
    })
    .superRefine((mapping, ctx) => {
      const mapped = Object.values(mapping.columns);
      for (const name of fields.required)
        if (!mapped.includes(name))
          ctx.addIssue({ code: 'custom', path: ['columns'], message: `no column is mapped to ${name}` });
      const seen = new Map<string, string>();
      for (const [column, name] of Object.entries(mapping.columns)) {
        const earlier = seen.get(name);
        if (earlier !== undefined)
          ctx.addIssue({
            code: 'custom',
            path: ['columns', column],
            message: `${name} is mapped from "${earlier}" already`,
          });
        seen.set(name, column);
      }
      for (const name of Object.keys(mapping.values ?? {}))
        if (!mapped.includes(name))
          ctx.addIssue({ code: 'custom', path: ['values', name], message: `no column is mapped to ${name}` });
    });
}

/** A mapping file read: the preset it makes, or each problem with the file's line. */
export type MappingResult =
  | { readonly ok: true; readonly preset: Preset }
  | { readonly ok: false; readonly errors: readonly string[] };

/** Reads and validates a mapping file's text for an import of `kind`; `file` names it in errors. */
export function parseMapping(text: string, kind: MappedKind, file: string): MappingResult {
  const lineCounter = new LineCounter();
  const document = parseDocument(text, { lineCounter, prettyErrors: false, uniqueKeys: true });
  const at = (offset: number | undefined) =>
    offset === undefined ? '' : `:${lineCounter.linePos(offset).line}`;
  if (document.errors.length > 0)
    return {
      ok: false,
      errors: document.errors.map((error) => `${file}${at(error.pos[0])}: ${error.message.split('\n')[0]}`),
    };
  if (!isMap(document.contents))
    return { ok: false, errors: [`${file}:1: expected a mapping with "columns" (source column: our field)`] };
  const parsed = mappingSchema(kind).safeParse(document.toJS());
  if (!parsed.success)
    return {
      ok: false,
      errors: parsed.error.issues.map((issue) => {
        // The deepest node the path reaches gives the line; keys are strings in YAML.
        let offset: number | undefined;
        for (let depth = issue.path.length; depth >= 0 && offset === undefined; depth -= 1) {
          const node = document.getIn(issue.path.slice(0, depth).map(String), true);
          if (typeof node === 'object' && node !== null && 'range' in node && Array.isArray(node.range))
            offset = typeof node.range[0] === 'number' ? node.range[0] : undefined;
        }
        const where = issue.path.length > 0 ? `${issue.path.join('.')} ` : '';
        return `${file}${at(offset)}: ${where}${issue.message}`;
      }),
    };
  const mapping = parsed.data;
  const pattern = datePattern(mapping.dateFormat);
  if (typeof pattern === 'string') return { ok: false, errors: [`${file}: ${pattern}`] };
  const dateFields = new Set(fieldsOf[kind].dates);
  const columns = Object.entries(mapping.columns);
  return {
    ok: true,
    preset: {
      name: `mapping ${file}`,
      kind,
      label: `layout of ${file}`,
      csv: {
        columns: columns.map(([column]) => column),
        start: () => ({
          push(line, cell) {
            const value: Record<string, unknown> = {};
            for (const [column, field] of columns) {
              const raw = cell(column).trim();
              if (raw === '') continue;
              const translated = mapping.values?.[field]?.[raw];
              if (translated !== undefined) value[field] = translated;
              else if (dateFields.has(field)) {
                const read = pattern.read(raw, mapping.timeZone);
                if (!read.ok) return [refuse(line, `${column}: ${read.reason}`)];
                value[field] = read.iso;
              } else if (amounts.has(field)) value[field] = readMoney(raw) ?? raw;
              else value[field] = raw;
            }
            return [accept(line, value)];
          },
          end: () => [],
        }),
      },
      notes: () => [
        `read with the mapping ${file}: dates as ${mapping.dateFormat}${pattern.hasZone ? '' : ` in ${mapping.timeZone ?? 'no zone (a date-time without one is refused)'}`}`,
      ],
    },
  };
}
