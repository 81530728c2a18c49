import { z } from 'zod';

/** The updates feed and other content settings. Owned by the email-content work. */
export const ContentSchema = z.strictObject({}).prefault({});
export type Content = z.infer<typeof ContentSchema>;
