import * as z from 'zod';
import { isTimeZone } from '../time-zone.ts';
import { completions } from './common.ts';
import { RekindleConfigSchema } from './schema.ts';

/** The names the editor should offer: the project's own templates and sequences. */
export interface ProjectNames {
  readonly templateIds: readonly string[];
  readonly sequenceIds: readonly string[];
}

/**
 * Current IANA names that ICU (and so `Intl.supportedValuesOf`) still lists under their old ones
 * (Asia/Calcutta for Asia/Kolkata); the config accepts both.
 */
const renamedZones = [
  'Africa/Asmara',
  'America/Argentina/Buenos_Aires',
  'America/Argentina/Catamarca',
  'America/Argentina/Cordoba',
  'America/Argentina/Jujuy',
  'America/Argentina/Mendoza',
  'America/Atikokan',
  'America/Indiana/Indianapolis',
  'America/Kentucky/Louisville',
  'America/Nuuk',
  'Asia/Ho_Chi_Minh',
  'Asia/Kathmandu',
  'Asia/Kolkata',
  'Asia/Yangon',
  'Atlantic/Faroe',
  'Europe/Kyiv',
  'Pacific/Chuuk',
  'Pacific/Kanton',
  'Pacific/Pohnpei',
];

/** Every IANA time zone this Node knows, under its current name too, and UTC. */
function timeZones(): string[] {
  return [
    ...new Set([...Intl.supportedValuesOf('timeZone'), ...renamedZones.filter(isTimeZone), 'UTC']),
  ].sort();
}

/**
 * The JSON Schema of the config as written (durations as text), for editor completion: with
 * `names`, template and sequence fields list the project's own, time zones list the IANA ones, and a
 * field that takes one value or a list (`kind: damaged`) says so.
 */
export function configJsonSchema(names?: ProjectNames): string {
  const zones = timeZones();
  const schema = z.toJSONSchema(RekindleConfigSchema, {
    io: 'input',
    unrepresentable: 'any',
    override: ({ zodSchema, jsonSchema }) => {
      const completes = completions.get(zodSchema)?.completes;
      // Listed once under $defs: three fields take a zone, and there are some 600.
      if (completes === 'time-zone') jsonSchema.$ref = '#/$defs/timeZone';
      if (completes === 'template' && names !== undefined) {
        jsonSchema.enum = [...names.templateIds];
        delete jsonSchema.pattern;
      }
      if (completes === 'sequence' && names !== undefined) {
        jsonSchema.enum = [...names.sequenceIds];
        delete jsonSchema.pattern;
      }
      const item = jsonSchema.items;
      if (completes === 'one-or-many' && typeof item === 'object' && !Array.isArray(item)) {
        const { description, ...list } = jsonSchema;
        for (const key of Object.keys(jsonSchema)) delete jsonSchema[key];
        if (description !== undefined) jsonSchema.description = description;
        jsonSchema.anyOf = [item, list];
      }
    },
  });
  const document = {
    ...schema,
    title: 'Rekindle configuration (config/rekindle.yaml)',
    $defs: { ...schema.$defs, timeZone: { type: 'string', enum: zones } },
  };
  return `${JSON.stringify(document, null, 2)}\n`;
}
