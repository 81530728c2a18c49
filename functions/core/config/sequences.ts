import { z } from 'zod';
import { DurationSchema, IdSchema } from './common.ts';

/** Sequences, steps and the global sending policy. Owned by the delivery work. */
export const StepSchema = z.strictObject({
  id: IdSchema.describe('Stable id of the step; part of the send ledger key, so never reuse one.'),
  template: IdSchema.describe('Folder under templates/ holding the message.'),
  delay: DurationSchema.describe('Wait after the previous step (or after enrolment for the first).'),
});
export type Step = z.infer<typeof StepSchema>;

export const SequenceSchema = z.strictObject({
  id: IdSchema.describe('Stable id of the sequence.'),
  description: z.string().optional(),
  steps: z.array(StepSchema).min(1, 'a sequence needs at least one step'),
});
export type Sequence = z.infer<typeof SequenceSchema>;

export const PolicySchema = z
  .strictObject({
    cooldown: DurationSchema.default(7_776_000_000).describe(
      'After an enrolment, the customer is not enrolled again in any sequence for this long.',
    ),
  })
  .prefault({});
export type Policy = z.infer<typeof PolicySchema>;
