import { readdir, readFile } from 'node:fs/promises';
import { join, relative, resolve } from 'node:path';
import mjml2html from 'mjml';
import { parse as parseYaml } from 'yaml';
import { z } from 'zod';
import {
  type CompiledTemplate,
  catalogKey,
  type TemplateCatalog,
} from '../core/rendering/compiled-template.ts';

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
});

const frontMatterPattern = /^---\n([\s\S]*?)\n---\n/;

/**
 * Compiles every `templates/<message>/<locale>.mjml` with MJML's strict validation. Each file
 * starts with YAML front matter (subject, preheader); `templates/_partials/` holds mj-includes.
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
      if (result.ok) catalog[catalogKey(result.template.id, result.template.locale)] = result.template;
      else issues.push(...result.issues);
    }
  }
  if (issues.length > 0) throw new TemplateCompileError(issues);
  return catalog;
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
      template: { id, locale, subject: meta.data.subject, preheader: meta.data.preheader, html },
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
