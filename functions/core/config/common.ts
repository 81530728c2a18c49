import * as z from 'zod';
import { isTimeZone } from '../time-zone.ts';

/** A duration such as `3d`, `12h`, `90m` or `2w`; milliseconds after parsing. */
export const DurationSchema = z
  .string()
  .regex(/^\d+(\.\d+)?\s*(m|h|d|w)$/, 'expected a duration such as "30m", "12h", "3d" or "2w"')
  .transform((text) => {
    const match = /^(\d+(?:\.\d+)?)\s*(m|h|d|w)$/.exec(text);
    const unitMs = { m: 60_000, h: 3_600_000, d: 86_400_000, w: 604_800_000 } as const;
    const amount = Number(match?.[1] ?? 0);
    const unit = match?.[2];
    return amount * (unit === 'm' || unit === 'h' || unit === 'd' || unit === 'w' ? unitMs[unit] : unitMs.d);
  });

const idSchema = () =>
  z
    .string()
    .regex(/^[a-z0-9][a-z0-9-]{0,62}$/, 'expected lower-case letters, digits and dashes (at most 63)');

/** Ids of segments, sequences, steps and templates. */
export const IdSchema = idSchema();

/**
 * Fields whose JSON Schema the project completes when it is generated (json-schema.ts): the names
 * of its templates, sequences and time zones, and the one-or-a-list short form.
 */
export const completions = z.registry<{ completes: 'template' | 'sequence' | 'time-zone' | 'one-or-many' }>();

export const TimeZoneSchema = z
  .string()
  .refine(isTimeZone, { message: 'expected an IANA time zone such as "Europe/London"' })
  .register(completions, { completes: 'time-zone' });

/** The name of a folder under templates/. */
export const TemplateIdSchema = idSchema().register(completions, { completes: 'template' });

/** The id of a sequence in this config. */
export const SequenceIdSchema = idSchema().register(completions, { completes: 'sequence' });

/** One value or a list of them (`kind: damaged` or `kind: [damaged, late]`), read as a list. */
export const oneOrMany = <T extends z.ZodType>(item: T, message = 'list at least one value') =>
  z
    .preprocess((value) => (Array.isArray(value) ? value : [value]), z.array(item).min(1, message))
    .register(completions, { completes: 'one-or-many' });
