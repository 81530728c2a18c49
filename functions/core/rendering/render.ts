import type { CompiledTemplate, TemplateCatalog } from './compiled-template.ts';
import { catalogKey } from './compiled-template.ts';
import { htmlToText } from './html-to-text.ts';
import { type LiquidTemplate, parseLiquid, renderLiquid } from './liquid.ts';
import type { ShopVariables, TrackingVariables } from './template-variables.ts';

/** The values a message may use; every string is HTML-escaped on output. */
export interface RenderVariables {
  readonly customer: { readonly id: string; readonly firstName: string; readonly email: string };
  readonly shop: ShopVariables;
  readonly unsubscribeUrl: string;
  readonly tracking: TrackingVariables;
  readonly [name: string]: unknown;
}

export interface RenderedEmail {
  readonly templateId: string;
  readonly locale: string;
  readonly subject: string;
  readonly preheader: string;
  readonly html: string;
  readonly text: string;
}

/** A template could not be rendered for this recipient (missing variable, unknown template). */
export class RenderError extends Error {
  override readonly name = 'RenderError';
}

/**
 * Null means "none" in the variables, but Liquid reads a field of null as empty; dropping nulls
 * makes `{{ incident.kind }}` outside `{% if incident %}` fail instead of printing nothing.
 */
function withoutNulls(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(withoutNulls);
  if (value === null || typeof value !== 'object') return value;
  const result: Record<string, unknown> = {};
  for (const [key, field] of Object.entries(value)) if (field !== null) result[key] = withoutNulls(field);
  return result;
}

/** What Liquid reads: the variables without their nulls (the build renders liquidjs with the same). */
export function liquidScope(variables: RenderVariables): Record<string, unknown> {
  const scope = withoutNulls(variables);
  return (typeof scope === 'object' && scope !== null ? scope : {}) as Record<string, unknown>;
}

interface ParsedTemplate {
  readonly subject: LiquidTemplate;
  readonly preheader: LiquidTemplate;
  readonly html: LiquidTemplate;
}

// Parsing the compiled HTML costs more than rendering it: parse each template once per container.
const parsed = new WeakMap<CompiledTemplate, ParsedTemplate>();

function parse(template: CompiledTemplate): ParsedTemplate {
  let entry = parsed.get(template);
  if (entry === undefined) {
    entry = {
      subject: parseLiquid(template.subject),
      preheader: parseLiquid(template.preheader),
      html: parseLiquid(template.html),
    };
    parsed.set(template, entry);
  }
  return entry;
}

/**
 * Picks the customer's locale, then its base language (`hi` for `hi-IN`), then the default
 * locale or its base language (`en.mjml` for an `en-GB` shop); `fellBackFrom` says the customer's
 * language had no version.
 */
export function selectTemplate(
  catalog: TemplateCatalog,
  templateId: string,
  locale: string,
  defaultLocale: string,
): { template: CompiledTemplate; fellBackFrom?: string } {
  const base = locale.split('-')[0] ?? locale;
  const exact = catalog[catalogKey(templateId, locale)] ?? catalog[catalogKey(templateId, base)];
  if (exact !== undefined) return { template: exact };
  const fallback =
    catalog[catalogKey(templateId, defaultLocale)] ??
    catalog[catalogKey(templateId, defaultLocale.split('-')[0] ?? defaultLocale)];
  if (fallback === undefined) {
    throw new RenderError(`no template "${templateId}" in locale "${locale}" or default "${defaultLocale}"`);
  }
  return { template: fallback, fellBackFrom: locale };
}

/** Text on one line: runs of whitespace as one space (subjects and preheaders). */
export const oneLine = (text: string) => text.replace(/\s+/g, ' ').trim();

/**
 * Renders subject, preheader, HTML and plain text of one message for one recipient. Strictly, as
 * liquidjs's strictVariables and lenientIf (liquid.ts): an unknown or absent variable is an error,
 * never an empty string in someone's inbox, and `{% if incident %}` may test for one. In the HTML
 * every {{ value }} is escaped, so a name like "<script>" stays inert; subject and preheader are
 * plain text, escaped where they are placed in HTML.
 */
export async function renderEmail(
  template: CompiledTemplate,
  variables: RenderVariables,
): Promise<RenderedEmail> {
  try {
    const parts = parse(template);
    const context = liquidScope(variables);
    const subject = renderLiquid(parts.subject, context, { escape: false });
    const preheader = renderLiquid(parts.preheader, context, { escape: false });
    const html = renderLiquid(parts.html, { ...context, preheader: oneLine(preheader) }, { escape: true });
    return {
      templateId: template.id,
      locale: template.locale,
      subject: oneLine(subject),
      preheader: oneLine(preheader),
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

const htmlEscapes: Record<string, string> = {
  '&': '&amp;',
  '<': '&lt;',
  '>': '&gt;',
  '"': '&#34;',
  "'": '&#39;',
};
const escapeHtml = (text: string) => text.replace(/[&<>"']/g, (char) => htmlEscapes[char] ?? char);

/**
 * What every email must carry and this one lacks: a link to the unsubscribe URL and the postal
 * address, in the HTML and the plain text alike. Empty when nothing is missing.
 */
export function missingCompliance(
  email: { readonly html: string; readonly text: string },
  required: { readonly unsubscribeUrl: string; readonly postalAddress: string },
): string[] {
  const missing: string[] = [];
  if (!email.html.includes(`href="${escapeHtml(required.unsubscribeUrl)}"`))
    missing.push('the unsubscribe link in the HTML');
  if (!email.text.includes(required.unsubscribeUrl)) missing.push('the unsubscribe link in the text');
  if (!email.text.includes(required.postalAddress.replace(/\s+/g, ' '))) missing.push('the postal address');
  return missing;
}

/** Link schemes an email may carry; anything else (javascript:, data:, vbscript:, file:…) is refused. */
const SAFE_SCHEMES = new Set(['http', 'https', 'mailto', 'tel', 'sms']);
const namedEntities: Record<string, string> = { colon: ':', tab: '\t', newline: '\n', amp: '&' };

/**
 * The link targets (`href`, and `src`/`action`/`formaction`/`background`) of rendered HTML whose
 * scheme is not http(s), mailto, tel or sms, as a browser would read them: entities decoded, and
 * the tabs, newlines and control characters a browser ignores inside a scheme dropped. Empty when
 * every link is safe, whether it was written in the template or built from variables.
 */
export function unsafeLinks(html: string): string[] {
  const unsafe: string[] = [];
  for (const match of html.matchAll(
    /\b(?:href|src|action|formaction|background)\s*=\s*("[^"]*"|'[^']*'|[^\s>]+)/gi,
  )) {
    const raw = (match[1] ?? '').replace(/^["']|["']$/g, '');
    const decoded = raw
      .replace(/&#x([0-9a-f]{1,6});?/gi, (_, hex: string) =>
        String.fromCodePoint(Math.min(Number.parseInt(hex, 16), 0x10ffff)),
      )
      .replace(/&#(\d{1,7});?/g, (_, dec: string) =>
        String.fromCodePoint(Math.min(Number.parseInt(dec, 10), 0x10ffff)),
      )
      .replace(/&([a-z]+);/gi, (entity, name: string) => namedEntities[name.toLowerCase()] ?? entity);
    const compact = decoded.replace(/[\p{Cc}\p{Zs}]+/gu, '').toLowerCase();
    const scheme = /^([a-z][a-z0-9+.-]*):/.exec(compact)?.[1];
    if (scheme !== undefined && !SAFE_SCHEMES.has(scheme)) unsafe.push(raw.slice(0, 80));
  }
  return unsafe;
}
