import { brotliDecompressSync } from 'node:zlib';
import * as z from 'zod';
import { RekindleConfigSchema } from '../core/config/schema.ts';
import { TemplateCatalogSchema } from '../core/rendering/compiled-template.ts';
import { EnvironmentError } from './environment.ts';

const SerializedBundleSchema = z.object({ config: RekindleConfigSchema, templates: TemplateCatalogSchema });
export type LoadedBundle = z.infer<typeof SerializedBundleSchema>;

/** The prefix of a baked bundle that is Brotli-compressed JSON in base64 (build/runtime-bundle.ts). */
export const bakedCompression = 'brotli-base64:';

/**
 * The config and templates baked into this Lambda at synth: esbuild replaces the expression
 * `process.env.REKINDLE_BUNDLE` with the compressed JSON text (infra/constructs/rekindle-function.ts);
 * the local runtime passes the JSON text itself.
 */
export function loadRuntimeBundle(
  serialized: string | undefined = process.env.REKINDLE_BUNDLE,
): LoadedBundle {
  if (serialized === undefined || serialized === '') {
    throw new EnvironmentError('REKINDLE_BUNDLE was not baked into this function at build time');
  }
  const text = serialized.startsWith(bakedCompression)
    ? brotliDecompressSync(Buffer.from(serialized.slice(bakedCompression.length), 'base64')).toString('utf8')
    : serialized;
  const parsed = SerializedBundleSchema.safeParse(JSON.parse(text));
  if (!parsed.success)
    throw new EnvironmentError(`REKINDLE_BUNDLE is invalid:\n${z.prettifyError(parsed.error)}`);
  return parsed.data;
}
