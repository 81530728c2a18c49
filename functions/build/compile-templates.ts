import { readdir, readFile } from 'node:fs/promises';
import { dirname, join, relative, resolve, sep } from 'node:path';
import { Liquid } from 'liquidjs';
import mjml2html from 'mjml';
import { parse as parseYaml } from 'yaml';
import { z } from 'zod';
import {
  type CompiledTemplate,
  catalogKey,
  type TemplateCatalog,
} from '../core/rendering/compiled-template.ts';
import {
  missingCompliance,
  RenderError,
  renderEmail,
  selectTemplate,
  unsafeLinks,
} from '../core/rendering/render.ts';
import { sampleVariableSets } from '../core/rendering/sample-variables.ts';
import {
  declaredVariables,
  isDeclaredPath,
  type OptionalVariable,
  OptionalVariableSchema,
} from '../core/rendering/template-variables.ts';

/** One problem with a template file, with its line where MJML gives one. */
export interface TemplateIssue {
  readonly file: string;
  readonly line: number;
  readonly message: string;
}

export class TemplateCompileError extends Error {
  override readonly name = 'TemplateCompileError';
  constructor(readonly issues: readonly TemplateIssue[]) {
    super(
      `templates failed to compile:\n${issues.map((i) => `${i.file}:${i.line}  ${i.message}`).join('\n')}`,
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
  const catalog: TemplateCatalog = {};
  const issues: TemplateIssue[] = [];
  const folders = (await readdir(templatesDir, { withFileTypes: true })).filter(
    (entry) => entry.isDirectory() && !entry.name.startsWith('_'),
  );
  for (const folder of folders) {
    const files = (await readdir(join(templatesDir, folder.name))).filter((name) => name.endsWith('.mjml'));
    for (const name of files) {
      const path = join(templatesDir, folder.name, name);
      const file = relative(process.cwd(), path);
      const source = await readFile(path, 'utf8');
      const result = await compileOne(folder.name, name.replace(/\.mjml$/, ''), source, {
        path,
        file,
        templatesDir,
      });
      if (result.ok) {
        catalog[catalogKey(result.template.id, result.template.locale)] = result.template;
        issues.push(...(await sampleRenderIssues(result.template, file)));
      } else issues.push(...result.issues);
    }
  }
  issues.push(...(await partialIssues(templatesDir)));
  if (issues.length > 0) throw new TemplateCompileError(issues);
  return catalog;
}

/** A missing locale, which its customers get in the default one instead. */
export interface LocaleGap {
  readonly templateId: string;
  readonly locale: string;
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
            message: `templates/${templateId} has no ${files}; customers in "${locale}" get it in "${chosen.template.locale}"`,
          },
        ];
      } catch (error: unknown) {
        if (!(error instanceof RenderError)) throw error;
        return [
          {
            templateId,
            locale,
            message: `templates/${templateId} has no ${files} and none in the default "${defaultLocale}"; customers in "${locale}" cannot get it`,
          },
        ];
      }
    }),
  );
}

const analyser = new Liquid();

/** Liquid variables in `source` that are not declared, with their line (offset by `firstLine - 1`). */
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
        message: `"${variable.segments.join('.')}" is not a declared variable (declare ${String(
          variable.segments[0],
        )} under "variables:" in the front matter, or see docs/templates.md)`,
      }));
  } catch (error: unknown) {
    return [
      { file, line: firstLine, message: `Liquid: ${error instanceof Error ? error.message : String(error)}` },
    ];
  }
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
async function sampleRenderIssues(template: CompiledTemplate, file: string): Promise<TemplateIssue[]> {
  for (const sample of sampleVariableSets()) {
    const situation = sample.incident === null ? 'no incident' : `a ${sample.incident.kind} incident`;
    try {
      const rendered = await renderEmail(template, {
        ...declaredVariables(sample, template.variables),
        customer: sample.customer,
        shop: sample.shop,
        unsubscribeUrl: sample.unsubscribeUrl,
        tracking: sample.tracking,
      });
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
      return [
        {
          file,
          line: 1,
          message: `does not render for a customer with ${situation}: ${error instanceof Error ? error.message : String(error)}`,
        },
      ];
    }
  }
  return [];
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
  where: { path: string; file: string; templatesDir: string },
): Promise<{ ok: true; template: CompiledTemplate } | { ok: false; issues: TemplateIssue[] }> {
  const { path, file, templatesDir } = where;
  const front = frontMatterPattern.exec(source);
  if (front === null) {
    return { ok: false, issues: [{ file, line: 1, message: 'missing front matter (--- subject: … ---)' }] };
  }
  const meta = FrontMatterSchema.safeParse(parseYaml(front[1] ?? ''));
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
  if (undeclared.length > 0) return { ok: false, issues: undeclared };
  const unreadable = await missingIncludes(body, path, { file, lineOffset: bodyLineOffset, templatesDir });
  if (unreadable.length > 0) return { ok: false, issues: unreadable };
  try {
    const { html, errors } = await mjml2html(body, {
      validationLevel: 'strict',
      filePath: path,
      keepComments: false,
      // MJML 5 ignores mj-include unless told, and only inside includePath.
      ignoreIncludes: false,
      includePath: resolve(templatesDir),
      // No web fonts: nothing in our mail loads from a third party.
      fonts: {},
    });
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
    return {
      ok: false,
      issues: [{ file, line: 1, message: error instanceof Error ? error.message : String(error) }],
    };
  }
}
