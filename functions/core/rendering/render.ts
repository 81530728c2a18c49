import { Liquid } from 'liquidjs';
import type { CompiledTemplate, TemplateCatalog } from './compiled-template.ts';
import { catalogKey } from './compiled-template.ts';
import { htmlToText } from './html-to-text.ts';

/** The values a message may use; every string is HTML-escaped on output. */
export interface RenderVariables {
  readonly customer: { readonly id: string; readonly firstName: string; readonly email: string };
  readonly shop: { readonly name: string; readonly postalAddress: string };
  readonly unsubscribeUrl: string;
  readonly [name: string]: unknown;
}

export interface RenderedEmail {
  readonly templateId: string;
  readonly locale: string;
  readonly subject: string;
  readonly html: string;
  readonly text: string;
  /** Set when the customer's locale had no version and the default was used. */
  readonly fellBackFrom?: string;
}

/** A template could not be rendered for this recipient (missing variable, unknown template). */
export class RenderError extends Error {
  override readonly name = 'RenderError';
}

// Strict: an unknown variable is an error, never an empty string in someone's inbox.
// outputEscape: every {{ value }} is HTML-escaped, so a name like "<script>" stays inert.
const liquid = new Liquid({
  strictVariables: true,
  strictFilters: true,
  outputEscape: 'escape',
  cache: true,
});
const subjectLiquid = new Liquid({ strictVariables: true, strictFilters: true, cache: true });

/** Picks the customer's locale, or the default one. */
export function selectTemplate(
  catalog: TemplateCatalog,
  templateId: string,
  locale: string,
  defaultLocale: string,
): { template: CompiledTemplate; fellBackFrom?: string } {
  const exact = catalog[catalogKey(templateId, locale)];
  if (exact !== undefined) return { template: exact };
  const fallback = catalog[catalogKey(templateId, defaultLocale)];
  if (fallback === undefined) {
    throw new RenderError(`no template "${templateId}" in locale "${locale}" or default "${defaultLocale}"`);
  }
  return { template: fallback, fellBackFrom: locale };
}

/** Renders subject, HTML and plain text of one message for one recipient. */
export async function renderEmail(
  template: CompiledTemplate,
  variables: RenderVariables,
): Promise<RenderedEmail> {
  try {
    const [subject, html] = await Promise.all([
      subjectLiquid.parseAndRender(template.subject, variables),
      liquid.parseAndRender(template.html, { ...variables, preheader: template.preheader }),
    ]);
    return {
      templateId: template.id,
      locale: template.locale,
      subject: subject.replace(/\s+/g, ' ').trim(),
      html,
      text: htmlToText(html),
    };
  } catch (error: unknown) {
    throw new RenderError(
      `template ${template.id}/${template.locale}: ${error instanceof Error ? error.message : String(error)}`,
      { cause: error },
    );
  }
}
