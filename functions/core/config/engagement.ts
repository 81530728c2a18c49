import { z } from 'zod';

/** Engagement settings: suppression thresholds, replies, reporting. Owned by the engagement work. */
export const EngagementConfigSchema = z.strictObject({}).prefault({});
export type EngagementConfig = z.infer<typeof EngagementConfigSchema>;
