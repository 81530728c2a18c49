import { brotliDecompressSync } from 'node:zlib';
import type { RekindleConfig } from '../core/config/schema.ts';
import type { TemplateCatalog } from '../core/rendering/compiled-template.ts';
import { EnvironmentError } from './environment.ts';

/** The config and templates a function runs with, as the build validated and compiled them. */
export interface LoadedBundle {
  readonly config: RekindleConfig;
  readonly templates: TemplateCatalog;
}

/** The prefix of a baked bundle that is Brotli-compressed JSON in base64 (build/runtime-bundle.ts). */
export const bakedCompression = 'brotli-base64:';

/**
 * The layout of a serialized bundle: the parsed config (defaults applied, durations converted), not
 * the marketer's YAML. A function refuses a bundle of another layout rather than misread it.
 */
export const bundleFormat = 2;

/**
 * The config and templates baked into this Lambda at synth: esbuild replaces the expression
 * `process.env.REKINDLE_BUNDLE` with the compressed JSON text (infra/constructs/rekindle-function.ts);
 * the local runtime passes the JSON text itself. The build validated the config and checked it
 * survives JSON (build/runtime-bundle.ts), so a cold start does not parse it again: building zod's
 * config schema and parsing with it cost every function 50–70 ms at its first event.
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
  const bundle: unknown = JSON.parse(text);
  if (!isBakedBundle(bundle)) {
    throw new EnvironmentError(
      `REKINDLE_BUNDLE is not a bundle of format ${bundleFormat} with a config and templates: rebuild the function (cdk deploy) with this code`,
    );
  }
  return { config: bundle.config, templates: bundle.templates };
}

/** The envelope only: what is inside was validated when the build wrote it. */
function isBakedBundle(value: unknown): value is LoadedBundle {
  if (typeof value !== 'object' || value === null) return false;
  const { format, config, templates } = value as Record<string, unknown>;
  return (
    format === bundleFormat &&
    typeof config === 'object' &&
    config !== null &&
    typeof templates === 'object' &&
    templates !== null
  );
}
