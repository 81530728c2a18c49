import * as z from 'zod';
import { OptionalVariableSchema } from './template-variables.ts';

/**
 * A message after build: MJML already compiled to HTML that still holds Liquid tags. This is what
 * ships to the sender Lambda, so it never bundles mjml. Checked at build only, so built on first use.
 */
export const CompiledTemplateSchema = z.lazy(() =>
  z.object({
    id: z.string(),
    locale: z.string(),
    subject: z.string(),
    preheader: z.string(),
    html: z.string(),
    /** The variables it declared beyond customer, shop and unsubscribeUrl (front matter `variables`). */
    variables: z.array(OptionalVariableSchema).default([]),
  }),
);
export type CompiledTemplate = z.infer<typeof CompiledTemplateSchema>;

/** All compiled messages, keyed `<id>/<locale>`. */
export const TemplateCatalogSchema = z.record(z.string(), CompiledTemplateSchema);
export type TemplateCatalog = z.infer<typeof TemplateCatalogSchema>;

export const catalogKey = (id: string, locale: string) => `${id}/${locale}`;
