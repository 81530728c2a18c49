import { writeFile } from 'node:fs/promises';
import { parseArgs } from 'node:util';
import { configJsonSchema } from '../../core/config/json-schema.ts';
import type { Command } from '../command.ts';

/** `rekindle config-schema`: regenerates config/rekindle.schema.json from the zod schema. */
export const configSchemaCommand: Command = {
  name: 'config-schema',
  summary: 'write the JSON Schema of the config (for editor completion)',
  usage: 'rekindle config-schema [--out FILE]',
  async run(argv, out) {
    const { values } = parseArgs({ args: [...argv], options: { out: { type: 'string' } }, strict: true });
    const file = values.out ?? 'config/rekindle.schema.json';
    await writeFile(file, configJsonSchema());
    out.line(`wrote ${file}`);
    return 0;
  },
};
