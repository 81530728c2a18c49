import { z } from 'zod';
import { IdSchema } from './common.ts';

/** Segment rules (first match wins). Owned by the segmentation work; see docs/configuration.md. */
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
export type Segment = z.infer<typeof SegmentSchema>;
