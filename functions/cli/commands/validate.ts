import { parseArgs } from 'node:util';
import { TemplateCompileError } from '../../build/compile-templates.ts';
import { buildRuntimeBundle } from '../../build/runtime-bundle.ts';
import { ConfigError, formatConfigIssues } from '../../core/config/load.ts';
import type { Command } from '../command.ts';

/** `rekindle validate`: the config and every template, with file, line and column for each error. */
export const validateCommand: Command = {
  name: 'validate',
  summary: 'check config/rekindle.yaml and compile every template strictly',
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
      const templates = Object.keys(bundle.templates).length;
      out.line(
        `${configFile}: valid (${bundle.config.sequences.length} sequences, ${templates} compiled templates)`,
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
