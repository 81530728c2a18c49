import * as z from 'zod';

/**
 * One unit of scoring work, as the segment queue carries it: a parallel-scan segment of the table,
 * scored with a run's fit. The one schema of the message, for its sender and its consumer.
 */
export const SegmentTaskSchema = z.strictObject({
  runId: z.string().regex(/^\d{4}-\d{2}-\d{2}$/),
  segment: z.number().int().nonnegative(),
  totalSegments: z.number().int().positive(),
  /** The run's `createdAt`: a day planned again is scored with its newer fit, not a cached one. */
  plannedAt: z.number().optional(),
});
export type SegmentTask = z.infer<typeof SegmentTaskSchema>;
