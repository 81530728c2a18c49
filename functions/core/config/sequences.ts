import * as z from 'zod';
import { completions, DurationSchema, IdSchema, TemplateIdSchema, TimeZoneSchema } from './common.ts';
import { TrackingOverrideSchema } from './engagement.ts';
import { type ExitReason, exitReasons } from './exit-reasons.ts';

/** Sequences, steps and the global sending policy. Owned by the delivery work. */

/** Engagement with earlier steps that a step may require; every field given must hold. */
export const StepConditionSchema = z
  .strictObject({
    clicked: z
      .boolean()
      .optional()
      .describe('A link in an earlier step was (true) or was not (false) clicked.'),
    replied: z.boolean().optional().describe('The customer replied to an earlier step (or not).'),
    purchased: z.boolean().optional().describe('The customer ordered since the earlier step (or not).'),
    opened: z
      .boolean()
      .optional()
      .describe('Unreliable: Apple Mail Privacy Protection opens every email. `validate` warns.'),
    step: IdSchema.optional().describe(
      'Only engagement with this earlier step counts; default any earlier step.',
    ),
  })
  .refine(
    (condition) =>
      condition.clicked !== undefined ||
      condition.replied !== undefined ||
      condition.purchased !== undefined ||
      condition.opened !== undefined,
    { message: 'a condition needs at least one of clicked, replied, purchased, opened' },
  );
export type StepCondition = z.infer<typeof StepConditionSchema>;

/** Personal content a step's email is about: without it, the email would promise what it does not hold. */
export const StepContentSchema = z.enum(['updates', 'incident']);
export type StepContent = z.infer<typeof StepContentSchema>;

export const StepSchema = z.strictObject({
  id: IdSchema.describe('Stable id of the step; part of the send ledger key, so never reuse one.'),
  template: TemplateIdSchema.describe('Folder under templates/ holding the message.'),
  requires: z
    .preprocess((value) => (typeof value === 'string' ? [value] : value), z.array(StepContentSchema).min(1))
    .register(completions, { completes: 'one-or-many' })
    .optional()
    .describe(
      'Content the email is about: updates (a fix relevant to this customer they have not seen) or incident (the problem the segment matched). Without it for a customer, `otherwise` applies.',
    ),
  otherwise: z
    .union([
      z.literal('skip'),
      z.strictObject({ template: TemplateIdSchema.describe('Folder under templates/.') }),
    ])
    .optional()
    .describe(
      'When `requires` is not met: skip the step (default), or send this template instead; never an empty email.',
    ),
  delay: DurationSchema.describe('Wait after the previous step (or after enrolment for the first).'),
  when: StepConditionSchema.optional().describe('Send only if this holds; otherwise the step is skipped.'),
  // Optional rather than defaulted: steps written in code (tests, previews) need not mention it.
  promotional: z
    .boolean()
    .optional()
    .describe('An offer or sales message: never sent while the customer has a support ticket open.'),
});
export type Step = z.infer<typeof StepSchema>;

export const ExitReasonSchema = z.enum(exitReasons);
export type { ExitReason };

/** Whether a customer may be given the same sequence again (core/domain/enrolment-state.ts applies it). */
export const ReentrySchema = z.union(
  [
    z.literal('never').describe('Never the same sequence twice, whatever happened.'),
    z.strictObject({
      after: DurationSchema.optional().describe(
        'Not again within this long after it ended (default 365d); the global policy.cooldown applies as well.',
      ),
      notAfter: z
        .array(ExitReasonSchema)
        .optional()
        .describe(
          'Never again once one of these ended it (a reply: once they replied to it at all). Default reply, complaint, unsubscribe; complaint and unsubscribe always.',
        ),
    }),
  ],
  {
    // A union alone says only "invalid input": name what is wrong inside the rule, or what is expected.
    error: (issue) => {
      if (issue.code !== 'invalid_union') return undefined;
      const inner = typeof issue.input === 'object' ? issue.errors[1]?.[0] : undefined;
      return inner === undefined
        ? 'expected `never` or a rule such as `{ after: 365d, notAfter: [reply, complaint, unsubscribe] }`'
        : `${inner.path.length === 0 ? '' : `${inner.path.join('.')}: `}${inner.message}`;
    },
  },
);
export type ReentryConfig = z.infer<typeof ReentrySchema>;

export const SequenceSchema = z.strictObject({
  id: IdSchema.describe('Stable id of the sequence.'),
  description: z.string().optional().describe('What the sequence does, in a sentence; shown in reports.'),
  steps: z
    .array(StepSchema)
    .min(1, 'a sequence needs at least one step')
    .describe('The emails in order, each after its delay; a customer leaving the sequence gets no more.'),
  exitOn: z
    .array(ExitReasonSchema)
    .optional()
    .describe(
      'What ends the sequence early (default purchase, reply, unsubscribe, complaint, hard-bounce); unsubscribe, complaint and hard-bounce always do.',
    ),
  tracking: TrackingOverrideSchema.optional().describe(
    'Open and click tracking for this sequence’s emails; a field left out comes from engagement.tracking.',
  ),
  // Optional rather than defaulted, like `promotional`: the default lives in core/domain/enrolment-state.ts.
  reentry: ReentrySchema.optional().describe(
    'When a customer may get this sequence again: `never`, or `{ after, notAfter }`. Default: not within 365d of its end, and never after a reply, complaint or unsubscribe.',
  ),
});
export type Sequence = z.infer<typeof SequenceSchema>;

export const WeekdaySchema = z.enum(['mon', 'tue', 'wed', 'thu', 'fri', 'sat', 'sun']);

/** `HH:MM` (24-hour); `24:00` closes a window at midnight. Minutes after midnight after parsing. */
export const LocalTimeSchema = z
  .string()
  .regex(/^(([01]\d|2[0-3]):[0-5]\d|24:00)$/, 'expected a local time such as "09:00" or "18:30"')
  .transform((text) => Number(text.slice(0, 2)) * 60 + Number(text.slice(3, 5)));

export const SendWindowSchema = z
  .strictObject({
    days: z
      .array(WeekdaySchema)
      .min(1, 'a send window needs at least one day')
      .default(['mon', 'tue', 'wed', 'thu', 'fri', 'sat', 'sun'])
      .describe('Days of the week, in the recipient’s time zone.'),
    from: LocalTimeSchema.prefault('09:00').describe('Opening time, local to the recipient.'),
    to: LocalTimeSchema.prefault('19:00').describe('Closing time (exclusive), local to the recipient.'),
    fallbackTimeZone: TimeZoneSchema.optional().describe(
      'Zone for customers without one; default shop.fallbackTimeZone.',
    ),
  })
  .refine((window) => window.from < window.to, {
    message: 'the window must open before it closes (no windows across midnight)',
    path: ['to'],
  })
  .prefault({});
export type SendWindowConfig = z.infer<typeof SendWindowSchema>;

export const PolicySchema = z
  .strictObject({
    sendWindow: SendWindowSchema.describe(
      'When emails may go out, in each recipient’s local time: days, from, to. A step due outside it waits for the next opening.',
    ),
    cap: z
      .strictObject({
        emails: z.number().int().min(1).describe('At most this many emails …'),
        per: DurationSchema.describe('… in any rolling period this long, across all sequences.'),
      })
      .prefault({ emails: 2, per: '7d' })
      .describe(
        'At most `emails` emails per customer in any rolling `per`, across all sequences; a step over it waits.',
      ),
    minimumGap: DurationSchema.prefault('2d').describe('At least this long between any two emails.'),
    cooldown: DurationSchema.prefault('90d').describe(
      'After a sequence ends, the customer is not enrolled again in any sequence for this long.',
    ),
    noPromotionalWhileTicketOpen: z
      .boolean()
      .default(true)
      .describe('Hold promotional steps while a support ticket is open.'),
    ticketRecheck: DurationSchema.prefault('1d').describe(
      'How long a held promotional step waits before looking again.',
    ),
    scheduleFlexibility: DurationSchema.prefault('15m').describe(
      'The Scheduler flexible time window; steps are planned at least this long before the window closes.',
    ),
  })
  .prefault({});
export type Policy = z.infer<typeof PolicySchema>;
