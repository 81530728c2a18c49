import * as z from 'zod';
import { IncidentKindSchema } from '../customers/model.ts';
import { DurationSchema, IdSchema, oneOrMany, SequenceIdSchema, TimeZoneSchema } from './common.ts';

type Bounds = { min?: number | undefined; max?: number | undefined };

/** `{ min?, max? }`, inclusive; `min` above `max` can match nobody, so it is an error. */
function range(value: z.ZodNumber, unit: string) {
  return z
    .strictObject({
      min: value.optional().describe(`At least this many ${unit} (inclusive).`),
      max: value.optional().describe(`At most this many ${unit} (inclusive).`),
    })
    .superRefine((bounds: Bounds, ctx) => {
      if (bounds.min !== undefined && bounds.max !== undefined && bounds.min > bounds.max) {
        ctx.addIssue({
          code: 'custom',
          path: ['min'],
          message: `min (${bounds.min}) is above max (${bounds.max}): no customer can match`,
        });
      }
    })
    .describe(`Inclusive bounds in ${unit}; either may be left out.`);
}

const probability = z.number().min(0, 'a probability is at least 0').max(1, 'a probability is at most 1');
const count = z.number().nonnegative('may not be negative');

/**
 * Matches when one of the customer's incidents satisfies every field given; that incident (the
 * newest such) is the one the enrolment's emails name.
 */
export const IncidentConditionSchema = z.strictObject({
  which: z
    .enum(['any', 'latest'])
    .default('any')
    .describe(
      'any: the newest incident satisfying the other fields; latest: only the customer’s most recent incident is considered.',
    ),
  kind: oneOrMany(IncidentKindSchema).optional().describe('Incident kinds; any of them.'),
  withinDays: count.optional().describe('Occurred at most this many days ago.'),
  ticketOpen: z.boolean().optional().describe('The support ticket is (true) or is not (false) still open.'),
  resolved: z.boolean().optional().describe('The incident has (true) or has not (false) been resolved.'),
});
export type IncidentCondition = z.infer<typeof IncidentConditionSchema>;

/** Every condition given must hold; a condition left out always holds. */
export const SegmentConditionsSchema = z.strictObject({
  pAlive: range(probability, 'probability 0..1').optional().describe('Model: probability still a customer.'),
  pReturn: range(probability, 'probability 0..1')
    .optional()
    .describe('Model: probability of at least one purchase within the horizon.'),
  expectedPurchases: range(count, 'purchases')
    .optional()
    .describe('Model: expected purchases in the horizon.'),
  overdueRatio: range(count, 'multiples of the usual gap')
    .optional()
    .describe('Days since the last order divided by the customer’s usual gap between orders.'),
  daysSinceLastOrder: range(count, 'days').optional(),
  orderCount: range(count, 'orders').optional(),
  totalSpend: range(count, 'currency units').optional(),
  incident: IncidentConditionSchema.optional().describe(
    'One of their incidents (a damaged parcel, a late order, …) satisfies all of: kind, withinDays, ticketOpen, resolved.',
  ),
  locale: oneOrMany(z.string().min(2)).optional().describe('Language tags; "en" also matches "en-GB".'),
  consent: oneOrMany(z.enum(['granted', 'withdrawn', 'unknown']))
    .optional()
    .describe('Marketing consent: granted, withdrawn or unknown (one or a list).'),
});
export type SegmentConditions = z.infer<typeof SegmentConditionsSchema>;

/** Segment rules (first match wins). Owned by the segmentation work; see docs/configuration.md. */
export const SegmentSchema = z.strictObject({
  id: IdSchema.describe('Stable id; enrolments and the report are kept by it, so never reuse one.'),
  description: z.string().optional().describe('Who the segment is, in a sentence; shown in reports.'),
  when: SegmentConditionsSchema.default({}).describe(
    'Conditions that must all hold; left out, every customer matches (so put such a segment last).',
  ),
  sequence: SequenceIdSchema.nullable().describe('Sequence to enrol members in; null for "do not email".'),
  holdoutPercent: z
    .number()
    .min(0, 'a percentage is at least 0')
    .max(100, 'a percentage is at most 100')
    .default(0)
    .describe('Share of new members held out of the sequence (never emailed) to measure lift.'),
});
export type Segment = z.infer<typeof SegmentSchema>;

/** When and how the daily segmenter runs. */
export const SegmentationSchema = z
  .strictObject({
    schedule: z
      .string()
      .regex(
        /^(cron\((\S+\s+){5}\S+\)|rate\(\d+\s+(minute|minutes|hour|hours|day|days)\))$/,
        'expected an EventBridge Scheduler expression such as "cron(0 6 * * ? *)"',
      )
      .default('cron(0 6 * * ? *)')
      .describe('When the daily segmenter runs: an EventBridge Scheduler cron() or rate() expression.'),
    timeZone: TimeZoneSchema.optional().describe(
      'Zone of the schedule; shop.fallbackTimeZone when left out.',
    ),
    model: z
      .enum(['auto', 'bgnbd', 'mbgnbd', 'paretonbd'])
      .default('auto')
      .describe('Likelihood-of-return model; auto picks the best fit.'),
    sampleSize: z
      .number()
      .int()
      .min(100)
      .max(1_000_000)
      .default(50_000)
      .describe('The model is fitted on a random sample of at most this many customers.'),
    refitEvery: DurationSchema.prefault('7d').describe(
      'How long a fit is reused: the daily run scores every customer, but samples and fits again only this often (its parameters describe the population, which moves slowly). 1d refits every run.',
    ),
    horizonDays: z
      .number()
      .int()
      .min(1)
      .max(730)
      .default(90)
      .describe('Horizon of pReturn and expectedPurchases.'),
    totalSegments: z
      .number()
      .int()
      .min(1)
      .max(1_000)
      .default(64)
      .describe(
        'Parallel scan segments, each scored by its own Lambda invocation. Small segments keep each invocation short (up to 50,000 customers each, see docs/segmentation-at-scale.md).',
      ),
  })
  .prefault({});
export type SegmentationConfig = z.infer<typeof SegmentationSchema>;
