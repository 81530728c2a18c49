import { z } from 'zod';

/** A duration such as `3d`, `12h`, `90m` or `2w`; stored in milliseconds after parsing. */
export const DurationSchema = z
  .string()
  .regex(/^\d+(\.\d+)?\s*(m|h|d|w)$/, 'expected a duration such as "30m", "12h", "3d" or "2w"')
  .transform((text) => {
    const match = /^(\d+(?:\.\d+)?)\s*(m|h|d|w)$/.exec(text);
    const unitMs = { m: 60_000, h: 3_600_000, d: 86_400_000, w: 604_800_000 } as const;
    const amount = Number(match?.[1] ?? 0);
    const unit = (match?.[2] ?? 'd') as keyof typeof unitMs;
    return amount * unitMs[unit];
  });

const IdSchema = z
  .string()
  .regex(/^[a-z0-9][a-z0-9-]{0,62}$/, 'expected lower-case letters, digits and dashes (at most 63)');

const TimeZoneSchema = z
  .string()
  .refine(isTimeZone, { message: 'expected an IANA time zone such as "Europe/London"' });

/** True when `zone` is an IANA time zone this runtime knows. */
export function isTimeZone(zone: string): boolean {
  try {
    new Intl.DateTimeFormat('en', { timeZone: zone });
    return true;
  } catch {
    return false;
  }
}

export const StepSchema = z.strictObject({
  id: IdSchema.describe('Stable id of the step; part of the send ledger key, so never reuse one.'),
  template: IdSchema.describe('Folder under templates/ holding the message.'),
  delay: DurationSchema.describe('Wait after the previous step (or after enrolment for the first).'),
});

export const SequenceSchema = z.strictObject({
  id: IdSchema.describe('Stable id of the sequence.'),
  description: z.string().optional(),
  steps: z.array(StepSchema).min(1, 'a sequence needs at least one step'),
});

export const SegmentSchema = z.strictObject({
  id: IdSchema,
  description: z.string().optional(),
  when: z.strictObject({
    daysSinceLastOrder: z
      .strictObject({ min: z.number().nonnegative().optional(), max: z.number().nonnegative().optional() })
      .optional(),
  }),
  sequence: IdSchema.nullable().describe('Sequence to enrol members in; null for "do not email".'),
});

export const RekindleConfigSchema = z
  .strictObject({
    $schema: z.string().optional(),
    shop: z.strictObject({
      name: z.string().min(1),
      postalAddress: z.string().min(1).describe('Shown in every footer (required by anti-spam law).'),
      defaultLocale: z.string().min(2).default('en'),
      fallbackTimeZone: TimeZoneSchema.default('UTC'),
    }),
    sender: z.strictObject({
      from: z.string().min(3).describe('From address, e.g. "Shop <care@shop.example>".'),
      replyTo: z.email().optional(),
      unsubscribeMailto: z.email().describe('Mailbox for mailto: List-Unsubscribe requests.'),
    }),
    policy: z
      .strictObject({
        cooldown: DurationSchema.default(7_776_000_000).describe(
          'After an enrolment, the customer is not enrolled again in any sequence for this long.',
        ),
      })
      .prefault({}),
    segments: z.array(SegmentSchema).min(1),
    sequences: z.array(SequenceSchema),
  })
  .superRefine((config, ctx) => {
    const sequenceIds = new Set(config.sequences.map((sequence) => sequence.id));
    config.segments.forEach((segment, index) => {
      if (segment.sequence !== null && !sequenceIds.has(segment.sequence)) {
        ctx.addIssue({
          code: 'custom',
          path: ['segments', index, 'sequence'],
          message: `no sequence has the id "${segment.sequence}"`,
        });
      }
    });
    config.sequences.forEach((sequence, index) => {
      const seen = new Set<string>();
      sequence.steps.forEach((step, stepIndex) => {
        if (seen.has(step.id)) {
          ctx.addIssue({
            code: 'custom',
            path: ['sequences', index, 'steps', stepIndex, 'id'],
            message: `step id "${step.id}" is used twice`,
          });
        }
        seen.add(step.id);
      });
    });
  });

export type RekindleConfig = z.infer<typeof RekindleConfigSchema>;
export type Sequence = z.infer<typeof SequenceSchema>;
export type Step = z.infer<typeof StepSchema>;
export type Segment = z.infer<typeof SegmentSchema>;
