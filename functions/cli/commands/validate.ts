import { readdir, readFile } from 'node:fs/promises';
import { join, relative } from 'node:path';
import { parseArgs } from 'node:util';
import { localeGaps, TemplateCompileError } from '../../build/compile-templates.ts';
import { buildRuntimeBundle } from '../../build/runtime-bundle.ts';
import { ConfigError, formatConfigIssues } from '../../core/config/load.ts';
import { type LintSource, lintConfig, lintWording } from '../../core/sequences/lint.ts';
import type { Command } from '../command.ts';

/** Every message template's source (partials included), for the wording check. */
async function templateSources(templatesDir: string): Promise<LintSource[]> {
  const sources: LintSource[] = [];
  for (const folder of await readdir(templatesDir, { withFileTypes: true })) {
    if (!folder.isDirectory()) continue;
    for (const name of await readdir(join(templatesDir, folder.name))) {
      if (!name.endsWith('.mjml')) continue;
      const path = join(templatesDir, folder.name, name);
      sources.push({ file: relative(process.cwd(), path), text: await readFile(path, 'utf8') });
    }
  }
  return sources;
}

/** `rekindle validate`: the config and every template, with file, line and column for each error. */
export const validateCommand: Command = {
  name: 'validate',
  summary: 'check config/rekindle.yaml and compile every template strictly; warn on pushy wording',
  usage: 'rekindle validate [--config FILE] [--templates DIR]',
  async run(argv, out) {
    const { values } = parseArgs({
      args: [...argv],
      options: { config: { type: 'string' }, templates: { type: 'string' } },
      strict: true,
    });
    const configFile = values.config ?? 'config/rekindle.yaml';
    const templatesDir = values.templates ?? 'templates';
    try {
      const bundle = await buildRuntimeBundle({ configFile, templatesDir });
      const warnings = [
        ...lintConfig(bundle.config, { file: configFile, text: await readFile(configFile, 'utf8') }),
        ...lintWording(await templateSources(templatesDir)),
      ];
      for (const warning of warnings)
        out.error(`${warning.file}:${warning.line}:${warning.column}  warning  ${warning.message}`);
      // Customers in a language a message lacks still get it, in the default locale: worth knowing.
      const gaps = localeGaps(bundle.templates, bundle.config.shop.defaultLocale, bundle.config.shop.locales);
      for (const gap of gaps) out.error(`warning  ${gap.message}`);
      const warned = warnings.length + gaps.length;
      const templates = Object.keys(bundle.templates).length;
      out.line(
        `${configFile}: valid (${bundle.config.sequences.length} sequences, ${templates} compiled templates${
          warned > 0 ? `, ${warned} warnings` : ''
        })`,
      );
      return 0;
    } catch (error: unknown) {
      if (error instanceof ConfigError) {
        out.error(formatConfigIssues(error.issues));
        return 1;
      }
      if (error instanceof TemplateCompileError) {
        out.error(error.issues.map((issue) => `${issue.file}:${issue.line}  ${issue.message}`).join('\n'));
        return 1;
      }
      throw error;
    }
  },
};
