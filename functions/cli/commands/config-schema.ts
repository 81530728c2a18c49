import { writeFile } from 'node:fs/promises';
import { parseArgs } from 'node:util';
import { projectConfigSchema } from '../../build/project-schema.ts';
import type { Command } from '../command.ts';

/**
 * `rekindle config-schema`: regenerates config/rekindle.schema.json from the zod schema, completed
 * with the project's template and sequence names. Run it after adding a template or a sequence.
 */
export const configSchemaCommand: Command = {
  name: 'config-schema',
  summary:
    'write the JSON Schema of the config (editor completion of fields, templates, sequences, time zones)',
  usage: 'rekindle config-schema [--config FILE] [--templates DIR] [--out FILE]',
  async run(argv, out) {
    const { values } = parseArgs({
      args: [...argv],
      options: { config: { type: 'string' }, templates: { type: 'string' }, out: { type: 'string' } },
      strict: true,
    });
    const file = values.out ?? 'config/rekindle.schema.json';
    const schema = await projectConfigSchema({
      configFile: values.config ?? 'config/rekindle.yaml',
      templatesDir: values.templates ?? 'templates',
    });
    await writeFile(file, schema);
    out.line(`wrote ${file}`);
    return 0;
  },
};
