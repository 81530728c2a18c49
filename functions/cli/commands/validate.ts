import { parseArgs } from 'node:util';
import { checkProject, formatFinding } from '../../build/check-project.ts';
import type { Command } from '../command.ts';

/**
 * `rekindle validate`: the config and every template in one run, each finding at the file, line
 * and column a person edits. Exit 0 when clean (warnings allowed), 1 on an error, or on a warning
 * under `--strict`.
 */
export const validateCommand: Command = {
  name: 'validate',
  summary:
    'check config/rekindle.yaml and every template: errors, and warnings for what is valid but likely wrong',
  usage: 'rekindle validate [--config FILE] [--templates DIR] [--strict]',
  async run(argv, out) {
    const { values } = parseArgs({
      args: [...argv],
      options: {
        config: { type: 'string' },
        templates: { type: 'string' },
        strict: { type: 'boolean', default: false },
      },
      strict: true,
    });
    const configFile = values.config ?? 'config/rekindle.yaml';
    const templatesDir = values.templates ?? 'templates';
    const check = await checkProject({ configFile, templatesDir });
    const errors = check.findings.filter((finding) => finding.severity === 'error');
    const warnings = check.findings.filter((finding) => finding.severity === 'warning');
    for (const finding of [...errors, ...warnings]) out.error(formatFinding(finding));
    const counts = [
      ...(errors.length > 0 ? [`${errors.length} error${errors.length === 1 ? '' : 's'}`] : []),
      ...(warnings.length > 0 ? [`${warnings.length} warning${warnings.length === 1 ? '' : 's'}`] : []),
    ].join(', ');
    const failed = errors.length > 0 || (values.strict && warnings.length > 0);
    if (failed) {
      out.error(
        `${configFile}: ${counts}${errors.length === 0 ? ' (--strict treats warnings as errors)' : ''}`,
      );
      return 1;
    }
    out.line(
      `${configFile}: valid (${check.config?.sequences.length ?? 0} sequences, ${check.templateCount} compiled templates${
        counts === '' ? '' : `, ${counts}`
      })`,
    );
    return 0;
  },
};
