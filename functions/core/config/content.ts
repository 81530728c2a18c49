import * as z from 'zod';
import { IncidentKindSchema } from '../customers/model.ts';
import { IdSchema } from './common.ts';

/** Text per locale, e.g. `{ en: "…", hi: "…" }`; a missing locale falls back to the default one. */
export const LocalizedTextSchema = z
  .record(
    z.string().regex(/^[a-z]{2,3}(-[A-Za-z0-9]{2,8})*$/, 'expected a language tag such as "en" or "hi"'),
    z.string().trim().min(1, 'is empty'),
  )
  .refine((text) => Object.keys(text).length > 0, 'needs the text in at least one locale');
export type LocalizedText = z.infer<typeof LocalizedTextSchema>;

/** One thing the shop fixed, shown to the customers whose past problems it addresses. */
export const UpdateSchema = z.strictObject({
  id: IdSchema.describe('Stable id; the send ledger records it so no customer sees an update twice.'),
  date: z.iso
    .date('expected a date such as 2026-03-01')
    .describe('When the fix shipped; newest are shown first.'),
  addresses: z
    .array(IncidentKindSchema)
    .default([])
    .describe('Incident kinds this fixes; empty means it is relevant to every customer.'),
  title: LocalizedTextSchema.describe('A short headline per locale.'),
  body: LocalizedTextSchema.describe('One or two sentences per locale: what changed, plainly.'),
});
export type Update = z.infer<typeof UpdateSchema>;

/** The updates feed and other content settings. */
export const ContentSchema = z
  .strictObject({
    updates: z
      .array(UpdateSchema)
      .default([])
      .superRefine((updates, ctx) => {
        const seen = new Set<string>();
        updates.forEach((update, index) => {
          if (seen.has(update.id))
            ctx.addIssue({
              code: 'custom',
              path: [index, 'id'],
              message: `update id "${update.id}" is used twice`,
            });
          seen.add(update.id);
        });
      })
      .describe('What was fixed, newest shown first; each email shows those relevant to the customer.'),
    updatesPerEmail: z
      .number()
      .int()
      .min(1)
      .max(10)
      .default(3)
      .describe('At most this many updates in one email.'),
  })
  .prefault({});
export type Content = z.infer<typeof ContentSchema>;
