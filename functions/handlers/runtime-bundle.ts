import * as z from 'zod';
import { RekindleConfigSchema } from '../core/config/schema.ts';
import { TemplateCatalogSchema } from '../core/rendering/compiled-template.ts';
import { EnvironmentError } from './environment.ts';

const SerializedBundleSchema = z.object({ config: RekindleConfigSchema, templates: TemplateCatalogSchema });
export type LoadedBundle = z.infer<typeof SerializedBundleSchema>;

/**
 * The config and templates baked into this Lambda at synth: esbuild replaces the expression
 * `process.env.REKINDLE_BUNDLE` with the JSON text (infra/constructs/rekindle-function.ts).
 */
export function loadRuntimeBundle(
  serialized: string | undefined = process.env.REKINDLE_BUNDLE,
): LoadedBundle {
  if (serialized === undefined || serialized === '') {
    throw new EnvironmentError('REKINDLE_BUNDLE was not baked into this function at build time');
  }
  const parsed = SerializedBundleSchema.safeParse(JSON.parse(serialized));
  if (!parsed.success)
    throw new EnvironmentError(`REKINDLE_BUNDLE is invalid:\n${z.prettifyError(parsed.error)}`);
  return parsed.data;
}
