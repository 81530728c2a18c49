import { readdir, readFile } from 'node:fs/promises';
import { dirname, join, relative, resolve, sep } from 'node:path';
import { Liquid } from 'liquidjs';
import { LineCounter, parseDocument } from 'yaml';
import * as z from 'zod';
import { closest, didYouMean } from '../core/config/suggest.ts';
import { IncidentKindSchema } from '../core/customers/model.ts';
import {
  type CompiledTemplate,
  CompiledTemplateSchema,
  catalogKey,
  type TemplateCatalog,
} from '../core/rendering/compiled-template.ts';
import { LiquidRenderError, LiquidSyntaxError, parseLiquid } from '../core/rendering/liquid.ts';
import {
  liquidScope,
  missingCompliance,
  oneLine,
  RenderError,
  type RenderedEmail,
  type RenderVariables,
  renderEmail,
  selectTemplate,
  unsafeLinks,
} from '../core/rendering/render.ts';
import { sampleVariableSets } from '../core/rendering/sample-variables.ts';
import {
  alwaysAvailable,
  declaredVariables,
  isDeclaredPath,
  type OptionalVariable,
  OptionalVariableSchema,
  TemplateVariablesSchema,
} from '../core/rendering/template-variables.ts';
import { cachedJson } from './build-cache.ts';
import { compileMjml, partialsFingerprint } from './mjml-cache.ts';

/** One problem with a template file, at the line (and column, where known) of its source. */
export interface TemplateIssue {
  readonly file: string;
  readonly line: number;
  readonly column?: number;
  readonly message: string;
}

/** `file:line:column` (or `file:line`) of an issue. */
export const templateIssuePlace = (issue: TemplateIssue) =>
  `${issue.file}:${issue.line}${issue.column === undefined ? '' : `:${issue.column}`}`;

export class TemplateCompileError extends Error {
  override readonly name = 'TemplateCompileError';
  constructor(readonly issues: readonly TemplateIssue[]) {
    super(
      `templates failed to compile:\n${issues.map((i) => `${templateIssuePlace(i)}  ${i.message}`).join('\n')}`,
    );
  }
}

const FrontMatterSchema = z.strictObject({
  subject: z.string().min(1),
  preheader: z.string().default(''),
  /** Variables beyond customer, shop, unsubscribeUrl and tracking this message uses. */
  variables: z.array(OptionalVariableSchema).default([]),
});

const frontMatterPattern = /^---\n([\s\S]*?)\n---\n/;

/**
 * Compiles every `templates/<message>/<locale>.mjml` with MJML's strict validation. Each file
 * starts with YAML front matter (subject, preheader, the variables it uses); `templates/_partials/`
 * holds mj-includes. Then every Liquid variable a file references must be one it declared, and
 * every message must render strictly with each sample variable set: a missing variable fails the
 * build, never reaches an inbox as an empty string.
 */
export async function compileTemplates(templatesDir: string): Promise<TemplateCatalog> {
  const { catalog, issues } = await compileTemplateFolder(templatesDir);
  if (issues.length > 0) throw new TemplateCompileError(issues);
  return catalog;
}

/** What compiling the templates folder gave: every message that compiled, and every issue. */
export interface TemplateFolder {
  readonly catalog: TemplateCatalog;
  readonly issues: readonly TemplateIssue[];
  /** Every message folder, compiled or not: what the config may name. */
  readonly ids: readonly string[];
  /** Message folders with a file that did not compile. */
  readonly failed: readonly string[];
}

/**
 * The folder where the `rekindle` command keeps each template file's compiled template and issues;
 * bin/rekindle.js sets it inside the CLI bundle built from the current sources, so a change to any
 * of them starts an empty one. Without it every file is compiled and checked.
 */
export const templateCheckCacheVariable = 'REKINDLE_TEMPLATE_CHECK_CACHE';

const TemplateIssueSchema = z.object({
  file: z.string(),
  line: z.number(),
  column: z.number().optional(),
  message: z.string(),
});
/** One template file checked: its compiled template (when it compiled) and its issues. */
const CheckedFileSchema = z.object({
  template: CompiledTemplateSchema.optional(),
  issues: z.array(TemplateIssueSchema),
});

/** {@link compileTemplates} without throwing: `rekindle validate` reports these with the config's. */
export async function compileTemplateFolder(templatesDir: string): Promise<TemplateFolder> {
  const catalog: TemplateCatalog = {};
  const issues: TemplateIssue[] = [];
  const failed = new Set<string>();
  const folders = (await readdir(templatesDir, { withFileTypes: true })).filter(
    (entry) => entry.isDirectory() && !entry.name.startsWith('_'),
  );
  const partials = await partialsFingerprint(templatesDir);
  for (const folder of folders) {
    const before = issues.length;
    const files = (await readdir(join(templatesDir, folder.name))).filter((name) => name.endsWith('.mjml'));
    for (const name of files) {
      const path = join(templatesDir, folder.name, name);
      const file = relative(process.cwd(), path);
      const source = await readFile(path, 'utf8');
      // Kept per build of the code that checks (see templateCheckCacheVariable): the same file,
      // partials and code give the same template and issues.
      const checked = await cachedJson(
        process.env[templateCheckCacheVariable],
        [file, path, source, partials],
        CheckedFileSchema,
        async () => {
          const result = await compileOne(folder.name, name.replace(/\.mjml$/, ''), source, {
            path,
            file,
            templatesDir,
            partials,
          });
          return result.ok
            ? { template: result.template, issues: await sampleRenderIssues(result.template, file, source) }
            : { issues: result.issues };
        },
      );
      if (checked.template !== undefined)
        catalog[catalogKey(checked.template.id, checked.template.locale)] = checked.template;
      issues.push(...checked.issues);
    }
    if (issues.length > before) failed.add(folder.name);
  }
  issues.push(...(await partialIssues(templatesDir)));
  return { catalog, issues, ids: folders.map((folder) => folder.name).sort(), failed: [...failed].sort() };
}

/** A missing locale, which its customers get in the default one instead. */
export interface LocaleGap {
  readonly templateId: string;
  readonly locale: string;
  /** The locale its customers get instead, if any. */
  readonly servedLocale?: string;
  readonly message: string;
}

/**
 * Locales a message lacks, whose customers are written to in the default locale instead:
 * `locales` (the shop's customers' languages, `shop.locales`), or by default every locale some
 * message has. A regional locale (`hi-IN`) is covered by its base language's file. Warnings for
 * `rekindle validate`, not errors.
 */
export function localeGaps(
  catalog: TemplateCatalog,
  defaultLocale: string,
  locales?: readonly string[],
): LocaleGap[] {
  const templates = Object.values(catalog);
  const wanted = [...new Set(locales ?? templates.map((template) => template.locale))].sort();
  const ids = [...new Set(templates.map((template) => template.id))].sort();
  return ids.flatMap((templateId) =>
    wanted.flatMap((locale) => {
      const base = locale.split('-')[0] ?? locale;
      const files = base === locale ? `${locale}.mjml` : `${locale}.mjml or ${base}.mjml`;
      try {
        const chosen = selectTemplate(catalog, templateId, locale, defaultLocale);
        if (chosen.fellBackFrom === undefined) return [];
        return [
          {
            templateId,
            locale,
            servedLocale: chosen.template.locale,
            message: `templates/${templateId} has no ${files}: customers in "${locale}" get it in "${chosen.template.locale}", unannounced; add templates/${templateId}/${base}.mjml`,
          },
        ];
      } catch (error: unknown) {
        if (!(error instanceof RenderError)) throw error;
        return [
          {
            templateId,
            locale,
            message: `templates/${templateId} has no ${files} and none in the default "${defaultLocale}": customers in "${locale}" cannot get it; add templates/${templateId}/${base}.mjml`,
          },
        ];
      }
    }),
  );
}

const analyser = new Liquid();

/** The fields of the object a variable path leads to, if it leads to one (`customer` → id, firstName, email). */
function fieldsAt(path: readonly (string | number)[]): string[] | undefined {
  let schema: z.ZodType = TemplateVariablesSchema;
  for (const segment of path) {
    while (schema instanceof z.ZodNullable || schema instanceof z.ZodOptional)
      schema = schema.unwrap() as z.ZodType;
    if (schema instanceof z.ZodArray) {
      schema = schema.element as z.ZodType;
      if (typeof segment === 'number') continue;
      while (schema instanceof z.ZodNullable || schema instanceof z.ZodOptional)
        schema = schema.unwrap() as z.ZodType;
    }
    if (!(schema instanceof z.ZodObject)) return undefined;
    const shape: Record<string, unknown> = schema.shape;
    const next = typeof segment === 'string' && Object.hasOwn(shape, segment) ? shape[segment] : undefined;
    if (!(next instanceof z.ZodType)) return undefined;
    schema = next;
  }
  while (schema instanceof z.ZodNullable || schema instanceof z.ZodOptional)
    schema = schema.unwrap() as z.ZodType;
  if (schema instanceof z.ZodArray) return ['size', 'first', 'last'];
  return schema instanceof z.ZodObject ? Object.keys(schema.shape) : undefined;
}

/** Why `path` cannot be used, and what to write instead. */
function undeclaredMessage(
  path: readonly (string | number)[],
  declared: readonly OptionalVariable[],
): string {
  const shown = path.join('.');
  const [head] = path;
  const optional: readonly string[] = OptionalVariableSchema.options;
  const usable = [...alwaysAvailable, 'preheader', ...declared];
  if (typeof head !== 'string' || (!usable.includes(head) && !optional.includes(head)))
    return `"${shown}" is not a variable a template can use (always: ${[...alwaysAvailable, 'preheader'].join(', ')}; declared in the front matter: ${optional.join(', ')})${didYouMean(String(head), [...usable, ...optional])}`;
  if (!usable.includes(head))
    return `"${shown}" uses ${head}, which this template has not declared: add it to "variables:" in the front matter (variables: [${[...declared, head].join(', ')}])`;
  // The head is there: some field along the path is not.
  for (let length = 1; length < path.length; length += 1) {
    const fields = fieldsAt(path.slice(0, length));
    const name = path[length];
    if (fields === undefined || typeof name !== 'string' || fields.includes(name)) continue;
    const owner = path.slice(0, length).join('.');
    const declaredNote = optional.includes(head) ? `${head} is declared, but ` : '';
    return `"${shown}": ${declaredNote}${owner} has no field "${name}" (its fields: ${fields.join(', ')})${didYouMean(name, fields)}`;
  }
  return `"${shown}" is not a field templates are given (see docs/templates.md)`;
}

/** Liquid variables in `source` that are not declared, at their line and column (offset by `firstLine - 1`). */
function undeclaredVariables(
  source: string,
  declared: readonly OptionalVariable[],
  file: string,
  firstLine: number,
): TemplateIssue[] {
  try {
    const analysis = analyser.analyzeSync(analyser.parse(source));
    return Object.values(analysis.globals)
      .flat()
      .filter(
        // A computed index (`updates[i]`) stands for any element.
        (variable) =>
          !isDeclaredPath(
            variable.segments.map((segment) => (typeof segment === 'object' ? 0 : segment)),
            declared,
          ),
      )
      .map((variable) => ({
        file,
        line: (variable.location.row ?? 1) + firstLine - 1,
        column: variable.location.col,
        message: undeclaredMessage(
          variable.segments.map((segment) => (typeof segment === 'object' ? 0 : segment)),
          declared,
        ),
      }));
  } catch (error: unknown) {
    return [
      { file, line: firstLine, message: `Liquid: ${error instanceof Error ? error.message : String(error)}` },
    ];
  }
}

/** Line and column (1-based) of `offset` in `text`. */
function placeOf(text: string, offset: number, lineOffset = 0): { line: number; column: number } {
  const before = text.slice(0, offset).split('\n');
  return { line: before.length + lineOffset, column: (before.at(-1)?.length ?? 0) + 1 };
}

const incidentKinds: readonly string[] = IncidentKindSchema.options;

/**
 * `{% when "damage" %}` under `{% case incident.kind %}`: no incident has that kind, so its
 * customers silently get the `{% else %}` text.
 */
function unknownIncidentKinds(source: string, file: string): TemplateIssue[] {
  const issues: TemplateIssue[] = [];
  for (const block of source.matchAll(/{%-?\s*case\s+([\w.]+)\s*-?%}([\s\S]*?){%-?\s*endcase\s*-?%}/g)) {
    if (!/(^|\.)kind$/.test(block[1] ?? '')) continue;
    const start = (block.index ?? 0) + block[0].indexOf(block[2] ?? '');
    for (const when of (block[2] ?? '').matchAll(/{%-?\s*when\s+([^%]*?)\s*-?%}/g)) {
      for (const value of (when[1] ?? '').matchAll(/"([^"]*)"|'([^']*)'/g)) {
        const kind = value[1] ?? value[2] ?? '';
        if (incidentKinds.includes(kind)) continue;
        const match = closest(kind, incidentKinds);
        issues.push({
          file,
          ...placeOf(source, start + (when.index ?? 0)),
          message: `{% when "${kind}" %}: "${kind}" is not an incident kind, so customers with ${
            match === undefined ? 'that problem' : `a ${match} incident`
          } get the {% else %} text instead${match === undefined ? '' : `; did you mean "${match}"?`} (kinds: ${incidentKinds.join(', ')})`,
        });
      }
    }
  }
  return issues;
}

/** MJML's elements, for "did you mean" on an unknown one. */
const knownElements = [
  'mjml',
  'mj-head',
  'mj-body',
  'mj-include',
  'mj-attributes',
  'mj-all',
  'mj-class',
  'mj-breakpoint',
  'mj-font',
  'mj-html-attributes',
  'mj-preview',
  'mj-style',
  'mj-title',
  'mj-accordion',
  'mj-button',
  'mj-carousel',
  'mj-column',
  'mj-divider',
  'mj-group',
  'mj-hero',
  'mj-image',
  'mj-navbar',
  'mj-raw',
  'mj-section',
  'mj-social',
  'mj-spacer',
  'mj-table',
  'mj-text',
  'mj-wrapper',
];

/** MJML elements that need no closing tag when written without one. */
const emptyElements = new Set([
  'mj-include',
  'mj-breakpoint',
  'mj-all',
  'mj-class',
  'mj-font',
  'mj-image',
  'mj-divider',
  'mj-spacer',
  'mj-carousel-image',
  'mj-social-element',
]);

/**
 * Opening MJML tags left unclosed (`<mj-text>` without `</mj-text>`): MJML closes them itself,
 * silently, wherever the next element starts, and the paragraphs run together.
 */
function unclosedElements(source: string, file: string, lineOffset: number): TemplateIssue[] {
  const issues: TemplateIssue[] = [];
  const open: { name: string; offset: number }[] = [];
  const unclosed = (element: { name: string; offset: number }, closedBy: string) =>
    issues.push({
      file,
      ...placeOf(source, element.offset, lineOffset),
      message: `<${element.name}> is never closed (${closedBy}): MJML closes it silently and what follows runs into it; add </${element.name}> where it ends`,
    });
  // mj-raw holds HTML and Liquid, not MJML; comments are skipped.
  const text = source.replace(/<!--[\s\S]*?-->/g, (comment) => ' '.repeat(comment.length));
  for (const tag of text.matchAll(/<(\/?)(mjml|mj-[a-z-]+)\b[^>]*?(\/?)>/g)) {
    const [, closing, name = '', selfClosing] = tag;
    if (selfClosing === '/') continue;
    if (closing === '') {
      open.push({ name, offset: tag.index ?? 0 });
      continue;
    }
    if (!open.some((element) => element.name === name)) continue;
    for (let top = open.pop(); top !== undefined && top.name !== name; top = open.pop())
      if (!emptyElements.has(top.name)) unclosed(top, `</${name}> comes first`);
  }
  for (const element of open) if (!emptyElements.has(element.name)) unclosed(element, 'the file ends first');
  return issues.sort((a, b) => a.line - b.line);
}

/** Partials may use only what every message has: customer, shop, unsubscribeUrl, tracking. */
async function partialIssues(templatesDir: string): Promise<TemplateIssue[]> {
  const issues: TemplateIssue[] = [];
  const walk = async (dir: string): Promise<void> => {
    for (const entry of await readdir(dir, { withFileTypes: true })) {
      const path = join(dir, entry.name);
      if (entry.isDirectory()) await walk(path);
      else if (entry.name.endsWith('.mjml'))
        issues.push(
          ...undeclaredVariables(await readFile(path, 'utf8'), [], relative(process.cwd(), path), 1),
        );
    }
  };
  const partials = (await readdir(templatesDir, { withFileTypes: true })).filter(
    (entry) => entry.isDirectory() && entry.name.startsWith('_'),
  );
  for (const folder of partials) await walk(join(templatesDir, folder.name));
  return issues;
}

/**
 * Renders the message with every sample variable set; the first failure is the issue. Each render
 * must also carry what every email owes its reader: the unsubscribe link, the postal address and,
 * in an element of class `rk-reason`, why they get it.
 */
async function sampleRenderIssues(
  template: CompiledTemplate,
  file: string,
  source: string,
): Promise<TemplateIssue[]> {
  const unsupported = syntaxIssue(template, file, source);
  if (unsupported !== undefined) return [unsupported];
  for (const sample of sampleVariableSets()) {
    const situation = sample.incident === null ? 'no incident' : `a ${sample.incident.kind} incident`;
    const variables: RenderVariables = {
      ...declaredVariables(sample, template.variables),
      customer: sample.customer,
      shop: sample.shop,
      unsubscribeUrl: sample.unsubscribeUrl,
      tracking: sample.tracking,
    };
    try {
      const rendered = await renderEmail(template, variables);
      const difference = engineDifference(template, variables, rendered);
      if (difference !== undefined)
        return [
          {
            file,
            line: 1,
            message: `renders differently from Liquid for a customer with ${situation}: ${difference}. The sender renders with its own Liquid (functions/core/rendering/liquid.ts); write this part another way, or report it`,
          },
        ];
      const missing = missingCompliance(rendered, {
        unsubscribeUrl: sample.unsubscribeUrl,
        postalAddress: sample.shop.postalAddress,
      });
      const unsafe = unsafeLinks(rendered.html);
      if (unsafe.length > 0)
        return [
          {
            file,
            line: 1,
            message: `renders a link that is not http(s), mailto or tel for a customer with ${situation}: ${unsafe.join(', ')} (javascript: and data: links are never sent)`,
          },
        ];
      if (!/class="[^"]*\brk-reason\b/.test(rendered.html))
        missing.push('the reason they get it (the footer\'s css-class="rk-reason" text)');
      if (missing.length > 0) {
        return [
          {
            file,
            line: 1,
            message: `renders without ${missing.join(', ')} for a customer with ${situation}: every email needs the footer partial (_partials/footer/${template.locale}.mjml)`,
          },
        ];
      }
    } catch (error: unknown) {
      return [renderIssue(error, source, file, situation)];
    }
  }
  return [];
}

/**
 * A tag or filter the sender's Liquid does not have, at its line in the source: checked before any
 * sample renders, so the message names what to change rather than a failed render.
 */
function syntaxIssue(template: CompiledTemplate, file: string, source: string): TemplateIssue | undefined {
  for (const part of [template.subject, template.preheader, template.html]) {
    try {
      parseLiquid(part);
    } catch (error: unknown) {
      if (!(error instanceof LiquidSyntaxError)) throw error;
      const offset = nthIndexOf(source, error.source, repeatOf(error));
      return {
        file,
        ...(offset < 0 ? { line: 1 } : placeOf(source, offset)),
        message: `Liquid: ${error.message}`,
      };
    }
  }
  return undefined;
}

// liquidjs with the options the sender's Liquid follows: the reference every template is checked against.
const strictLiquid = { strictVariables: true, strictFilters: true, lenientIf: true } as const;
const referenceText = new Liquid(strictLiquid);
const referenceHtml = new Liquid({ ...strictLiquid, outputEscape: 'escape' });

/**
 * Where liquidjs renders `template` differently from the sender's `rendered` (subject, preheader,
 * HTML), as a short description; none when they agree, as every shipped template does.
 */
export function engineDifference(
  template: CompiledTemplate,
  variables: RenderVariables,
  rendered: RenderedEmail,
): string | undefined {
  const scope = liquidScope(variables);
  const parts: [string, () => string, string][] = [
    ['subject', () => oneLine(referenceText.parseAndRenderSync(template.subject, scope)), rendered.subject],
    [
      'preheader',
      () => oneLine(referenceText.parseAndRenderSync(template.preheader, scope)),
      rendered.preheader,
    ],
    [
      'HTML',
      () => referenceHtml.parseAndRenderSync(template.html, { ...scope, preheader: rendered.preheader }),
      rendered.html,
    ],
  ];
  for (const [part, reference, ours] of parts) {
    let expected: string;
    try {
      expected = reference();
    } catch (error: unknown) {
      return `liquidjs fails on the ${part} (${error instanceof Error ? error.message : String(error)}) where the sender renders it`;
    }
    if (expected === ours) continue;
    let at = 0;
    while (at < expected.length && expected[at] === ours[at]) at += 1;
    const around = (text: string) => JSON.stringify(text.slice(Math.max(0, at - 30), at + 30));
    return `in the ${part}, liquidjs gives ${around(expected)} where the sender gives ${around(ours)}`;
  }
  return undefined;
}

/** Which repeat of its tag, as written, in the template's text the error is at (0 for the first). */
const repeatOf = (error: LiquidRenderError | LiquidSyntaxError) =>
  error.input.slice(0, error.offset).split(error.source).length - 1;

/** Where the `n`th (0-based) `needle` in `text` starts, else the first, else -1. */
function nthIndexOf(text: string, needle: string, n: number): number {
  let offset = text.indexOf(needle);
  for (let seen = 0; seen < n && offset >= 0; seen += 1) {
    const next = text.indexOf(needle, offset + needle.length);
    if (next < 0) return text.indexOf(needle);
    offset = next;
  }
  return offset;
}

/**
 * A failed render, placed at the Liquid tag of the source (`.mjml`) that failed, not at a line of
 * the compiled HTML.
 */
function renderIssue(error: unknown, source: string, file: string, situation: string): TemplateIssue {
  const cause = error instanceof Error ? error.cause : undefined;
  const located =
    cause instanceof LiquidRenderError || cause instanceof LiquidSyntaxError ? cause : undefined;
  // The value that failed as written (`incident.kind`), else its tag; placed at the repeat of the
  // tag in the source that failed in the compiled HTML, at the value inside it.
  const expression = located instanceof LiquidRenderError ? located.expression : undefined;
  const tag = expression ?? located?.source;
  const tagOffset = located === undefined ? -1 : nthIndexOf(source, located.source, repeatOf(located));
  const offset =
    tagOffset < 0 || expression === undefined
      ? tagOffset
      : tagOffset + Math.max(0, located?.source.indexOf(expression) ?? 0);
  const where = offset < 0 ? { line: 1 } : placeOf(source, offset);
  const missing = /undefined variable: (\w+)/.exec(cause instanceof Error ? cause.message : '')?.[1];
  if (tag !== undefined && missing !== undefined)
    return {
      file,
      ...where,
      message: `"${tag.trim()}" fails for a customer with ${situation}: ${missing} is empty for them; put it inside {% if ${missing} %} … {% endif %}`,
    };
  const reason = cause instanceof Error ? cause.message.replace(/, line:\d+, col:\d+$/, '') : String(error);
  return { file, ...where, message: `does not render for a customer with ${situation}: ${reason}` };
}

const includePattern = /<mj-include\s[^>]*\bpath="([^"]+)"/g;

/**
 * Every mj-include in `source` (and in what it includes) whose file does not exist, with its line.
 * MJML itself leaves only an HTML comment where such a file should be.
 */
async function missingIncludes(
  source: string,
  from: string,
  where: { file: string; lineOffset: number; templatesDir: string },
  seen: ReadonlySet<string> = new Set(),
): Promise<TemplateIssue[]> {
  const issues: TemplateIssue[] = [];
  for (const match of source.matchAll(includePattern)) {
    const target = resolve(dirname(from), match[1] ?? '');
    const line = source.slice(0, match.index).split('\n').length + where.lineOffset;
    const shown = relative(process.cwd(), target);
    if (!target.startsWith(`${resolve(where.templatesDir)}${sep}`)) {
      issues.push({
        file: where.file,
        line,
        message: `mj-include "${match[1]}" is outside the templates folder`,
      });
      continue;
    }
    let included: string;
    try {
      included = await readFile(target, 'utf8');
    } catch {
      issues.push({ file: where.file, line, message: `mj-include of a missing file: ${shown}` });
      continue;
    }
    if (seen.has(target)) continue;
    issues.push(...(await missingIncludes(included, target, where, new Set([...seen, target]))));
  }
  return issues;
}

/**
 * Two changes to MJML's output. It hides the preheader with white text, which spam filters read as
 * hidden text (HTML_FONT_LOW_CONTRAST): this hides it without a colour, also from Outlook
 * (mso-hide). And it labels the article wrapper with the title, which leaves that label outside
 * every landmark (axe: region); the h1 in the banner names the email instead.
 */
function finishHtml(html: string): string {
  return html
    .replace(
      /<div style="display:none;font-size:1px;color:#ffffff;line-height:1px;max-height:0px;max-width:0px;opacity:0;overflow:hidden;">/,
      '<div class="rk-preheader" style="display:none;max-height:0;max-width:0;overflow:hidden;mso-hide:all;font-size:1px;line-height:1px;opacity:0;">',
    )
    .replace(/(<div\s+)aria-label="[^"]*"\s+(aria-roledescription="email" role="article")/, '$1$2');
}

async function compileOne(
  id: string,
  locale: string,
  source: string,
  where: { path: string; file: string; templatesDir: string; partials: string },
): Promise<{ ok: true; template: CompiledTemplate } | { ok: false; issues: TemplateIssue[] }> {
  const { path, file, templatesDir } = where;
  const front = frontMatterPattern.exec(source);
  if (front === null) {
    return { ok: false, issues: [{ file, line: 1, message: 'missing front matter (--- subject: … ---)' }] };
  }
  const lineCounter = new LineCounter();
  const document = parseDocument(front[1] ?? '', { lineCounter, prettyErrors: false });
  const [yamlError] = document.errors;
  if (yamlError !== undefined) {
    // Line 1 is the opening ---.
    const { line, col } = lineCounter.linePos(yamlError.pos[0]);
    const firstLine = yamlError.message.split('\n')[0] ?? yamlError.message;
    return {
      ok: false,
      issues: [
        {
          file,
          line: line + 1,
          column: col,
          message: `front matter: ${firstLine.replace(/ at line \d+, column \d+:?$/, '')}${
            yamlError.code === 'BLOCK_AS_IMPLICIT_KEY' || yamlError.code === 'MULTILINE_IMPLICIT_KEY'
              ? ' (a value holding ": " must be quoted: subject: "Still there: a question")'
              : ''
          }`,
        },
      ],
    };
  }
  const meta = FrontMatterSchema.safeParse(document.toJS());
  if (!meta.success) {
    return {
      ok: false,
      issues: [{ file, line: 2, message: z.prettifyError(meta.error).replace(/\n/g, ' ') }],
    };
  }
  const body = source.slice(front[0].length);
  const bodyLineOffset = front[0].split('\n').length - 1;
  const undeclared = [
    ...undeclaredVariables(meta.data.subject, meta.data.variables, file, 2),
    ...undeclaredVariables(meta.data.preheader, meta.data.variables, file, 3),
    ...undeclaredVariables(body, meta.data.variables, file, bodyLineOffset + 1),
  ];
  const structural = [
    ...undeclared,
    ...unknownIncidentKinds(source, file),
    ...unclosedElements(body, file, bodyLineOffset),
  ];
  if (structural.length > 0) return { ok: false, issues: structural };
  const unreadable = await missingIncludes(body, path, { file, lineOffset: bodyLineOffset, templatesDir });
  if (unreadable.length > 0) return { ok: false, issues: unreadable };
  try {
    const { html, errors } = await compileMjml(
      body,
      {
        validationLevel: 'strict',
        filePath: path,
        keepComments: false,
        // MJML 5 ignores mj-include unless told, and only inside includePath.
        ignoreIncludes: false,
        includePath: resolve(templatesDir),
        // No web fonts: nothing in our mail loads from a third party.
        fonts: {},
      },
      where.partials,
    );
    if (errors.length > 0) {
      return {
        ok: false,
        issues: errors.map((error) => ({ file, line: error.line + bodyLineOffset, message: error.message })),
      };
    }
    return {
      ok: true,
      template: {
        id,
        locale,
        subject: meta.data.subject,
        preheader: meta.data.preheader,
        html: finishHtml(html),
        variables: meta.data.variables,
      },
    };
  } catch (error: unknown) {
    // Strict validation throws with every error listed in `details`.
    const details = (error as { details?: { line: number; message: string }[] }).details;
    if (Array.isArray(details)) {
      return {
        ok: false,
        issues: details.map((detail) => ({
          file,
          line: detail.line + bodyLineOffset,
          message: detail.message,
        })),
      };
    }
    // Otherwise each error is a line "Line 13 of /path/to/folder (mj-txt) — what is wrong".
    const listed = [
      ...(error instanceof Error ? error.message : '').matchAll(/Line (\d+) of \S+ \(([\w-]+)\) — (.*)/g),
    ];
    if (listed.length > 0) {
      return {
        ok: false,
        issues: listed.map(([, line, element, message]) => {
          const at = Number(line) + bodyLineOffset;
          // MJML gives the line only; the element's tag on it gives the column.
          const column = (source.split('\n')[at - 1] ?? '').indexOf(`<${element}`) + 1;
          return {
            file,
            line: at,
            ...(column > 0 ? { column } : {}),
            message: `<${element}>: ${message}${didYouMean(element ?? '', knownElements)}`,
          };
        }),
      };
    }
    return {
      ok: false,
      issues: [{ file, line: 1, message: error instanceof Error ? error.message : String(error) }],
    };
  }
}
