import { z } from 'zod';
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

/** Ids of segments, sequences, steps and templates. */
export const IdSchema = z
  .string()
  .regex(/^[a-z0-9][a-z0-9-]{0,62}$/, 'expected lower-case letters, digits and dashes (at most 63)');

export const TimeZoneSchema = z
  .string()
  .refine(isTimeZone, { message: 'expected an IANA time zone such as "Europe/London"' });
