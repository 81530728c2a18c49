import { z } from 'zod';
import { RekindleConfigSchema } from './schema.ts';

/** The JSON Schema of the config as written (durations as text), for editor completion. */
export function configJsonSchema(): string {
  const schema = z.toJSONSchema(RekindleConfigSchema, { io: 'input', unrepresentable: 'any' });
  return `${JSON.stringify({ ...schema, title: 'Rekindle configuration (config/rekindle.yaml)' }, null, 2)}\n`;
}
