import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { brotliCompressSync, constants } from 'node:zlib';
import type { ConfigSource } from '../core/config/checks.ts';
import {
  ConfigError,
  type ConfigIssue,
  configIssueAt,
  parseConfig,
  readConfigInput,
} from '../core/config/load.ts';
import type { RekindleConfig } from '../core/config/schema.ts';
import { didYouMean } from '../core/config/suggest.ts';
import { untrackedConditions } from '../core/domain/tracking.ts';
import type { TemplateCatalog } from '../core/rendering/compiled-template.ts';
import { bakedCompression, bundleFormat, type LoadedBundle } from '../handlers/runtime-bundle.ts';
import { compileTemplates } from './compile-templates.ts';

/** What every function needs besides its environment: the validated config and compiled templates. */
export interface RuntimeBundle {
  readonly config: RekindleConfig;
  readonly templates: TemplateCatalog;
  /** The JSON baked into the Lambda that renders (send-step); it reads it back without parsing again. */
  readonly serialized: string;
  /** The same without the templates, for every function that renders nothing: smaller, quicker to parse. */
  readonly serializedConfig: string;
}

/** What a function's bundle is baked with: the full bundle or the config alone. */
export type BakedBundle = Pick<RuntimeBundle, 'serialized' | 'serializedConfig'>;

/** The identifier esbuild substitutes for `process.env.REKINDLE_BUNDLE`; the injected module exports it. */
export const bakedBundleIdentifier = '__REKINDLE_BUNDLE__';

/**
 * The module esbuild injects into a function's bundle, defining {@link bakedBundleIdentifier}: the
 * serialized bundle as one string constant (as `--define` it would exceed Linux's 128 KiB argument),
 * Brotli-compressed and in base64: the sender's compiled HTML, escaped twice as a JSON string in a
 * JS string, was 290 KB of its bundle and is 15 KB so (loadRuntimeBundle expands it).
 */
export function bakedBundleModule(serialized: string): string {
  const compressed = brotliCompressSync(serialized, {
    params: { [constants.BROTLI_PARAM_QUALITY]: constants.BROTLI_MAX_QUALITY },
  });
  return `export const ${bakedBundleIdentifier} = ${JSON.stringify(`${bakedCompression}${compressed.toString('base64')}`)};\n`;
}

/**
 * Reads and validates the marketer's config and compiles the templates. Used by `cdk synth` (the
 * result is baked into each bundle), by `rekindle validate` and by the local runtime, so a bad
 * config fails all three with the same messages.
 */
export async function buildRuntimeBundle(paths: {
  configFile: string;
  templatesDir: string;
}): Promise<RuntimeBundle> {
  const text = await readConfigInput('config file', paths.configFile, () =>
    readFile(paths.configFile, 'utf8'),
  );
  const parsed = parseConfig(text, paths.configFile);
  if (!parsed.ok) throw new ConfigError(parsed.issues);
  const templates = await readConfigInput('templates folder', paths.templatesDir, () =>
    compileTemplates(paths.templatesDir),
  );
  const { errors } = templateReferences(parsed.config, { file: paths.configFile, text }, templates, {
    templatesDir: paths.templatesDir,
  });
  if (errors.length > 0) throw new ConfigError(errors);
  return {
    config: parsed.config,
    templates,
    serialized: serializeBundle({ config: parsed.config, templates }),
    serializedConfig: serializeBundle({ config: parsed.config, templates: {} }),
  };
}

/**
 * The bundle as the functions read it (handlers/runtime-bundle.ts), which trust it without a second
 * parse: so it must read back as exactly what was validated. A value JSON would change (a Date, a
 * Map, an infinite number, an undefined array item) is a defect of the config schema, caught here.
 */
export function serializeBundle(bundle: LoadedBundle): string {
  const changed = jsonChangedPath(bundle, '');
  if (changed !== undefined) {
    throw new Error(`the validated config cannot be baked: JSON would change ${changed || 'the bundle'}`);
  }
  return JSON.stringify({ format: bundleFormat, ...bundle });
}

/** The path of the first value in `value` that JSON.stringify would not write back as itself. */
export function jsonChangedPath(value: unknown, path: string): string | undefined {
  if (value === null || typeof value === 'string' || typeof value === 'boolean') return undefined;
  if (typeof value === 'number') return Number.isFinite(value) ? undefined : `${path} (${value})`;
  if (Array.isArray(value)) {
    for (const [index, item] of value.entries()) {
      const changed =
        item === undefined ? `${path}[${index}] (undefined)` : jsonChangedPath(item, `${path}[${index}]`);
      if (changed !== undefined) return changed;
    }
    return undefined;
  }
  if (typeof value === 'object' && Object.getPrototypeOf(value) === Object.prototype) {
    for (const [key, item] of Object.entries(value)) {
      // An undefined property is dropped, and reads back as undefined all the same.
      const changed = item === undefined ? undefined : jsonChangedPath(item, `${path}.${key}`);
      if (changed !== undefined) return changed;
    }
    return undefined;
  }
  return `${path} (${typeof value === 'object' ? (value.constructor?.name ?? 'object') : typeof value})`;
}

/**
 * What the config says about the templates, checked against them: each template a step names
 * exists in the default locale (errors, with "did you mean"), a message showing the updates feed
 * is sent only with updates, a click or open condition is tracked; and each message folder is
 * named by some step (a warning otherwise). `ids` are every message folder, compiled or not.
 */
export function templateReferences(
  config: RekindleConfig,
  source: ConfigSource,
  templates: TemplateCatalog,
  options: { templatesDir: string; ids?: readonly string[] },
): { errors: ConfigIssue[]; warnings: ConfigIssue[] } {
  const defaultLocale = config.shop.defaultLocale;
  // An `en-GB` shop's default is `en.mjml` unless it has an `en-GB.mjml`.
  const defaultLanguage = defaultLocale.split('-')[0] ?? defaultLocale;
  const ids = options.ids ?? [...new Set(Object.values(templates).map((template) => template.id))];
  const present = new Set(ids);
  const defaultVersion = (templateId: string) =>
    templates[`${templateId}/${defaultLocale}`] ?? templates[`${templateId}/${defaultLanguage}`];
  const issue = (path: readonly (string | number)[], message: string) =>
    configIssueAt(source.text, source.file, path, message);
  const missing = config.sequences.flatMap((sequence, sequenceIndex) =>
    sequence.steps.flatMap((step, stepIndex) => {
      const where = ['sequences', sequenceIndex, 'steps', stepIndex];
      const alternative = typeof step.otherwise === 'object' ? step.otherwise.template : undefined;
      const absent = [step.template, ...(alternative === undefined ? [] : [alternative])]
        // A folder that failed to compile has its own errors; do not call it missing as well.
        .filter(
          (templateId) =>
            !present.has(templateId) ||
            (options.ids === undefined && defaultVersion(templateId) === undefined),
        )
        .map((templateId) =>
          issue(
            templateId === step.template ? [...where, 'template'] : [...where, 'otherwise', 'template'],
            present.has(templateId)
              ? `no template "${templateId}" in the default locale "${defaultLocale}" under ${options.templatesDir}`
              : `no template "${templateId}" in the default locale "${defaultLocale}" under ${options.templatesDir}${didYouMean(templateId, ids)}`,
          ),
        );
      // A message built around the updates feed promises fixes: with none for a customer it would be empty.
      const feed = defaultVersion(step.template)?.variables.includes('updates') === true;
      const unguarded =
        feed && !(step.requires ?? []).includes('updates')
          ? [
              issue(
                [...where, 'template'],
                `template "${step.template}" shows the updates feed: add "requires: updates" to step "${step.id}" so a customer with no relevant update is skipped (or sent "otherwise: { template: … }") instead of an email with nothing in it`,
              ),
            ]
          : [];
      return [...absent, ...unguarded];
    }),
  );
  // A condition on clicks (or opens) in a sequence that does not track them could never hold.
  const blind = untrackedConditions(config).map(({ sequenceIndex, stepIndex, message }) =>
    issue(['sequences', sequenceIndex, 'steps', stepIndex, 'when'], message),
  );
  const named = new Set(
    config.sequences.flatMap((sequence) =>
      sequence.steps.flatMap((step) => [
        step.template,
        ...(typeof step.otherwise === 'object' ? [step.otherwise.template] : []),
      ]),
    ),
  );
  const unused = ids
    .filter((templateId) => !named.has(templateId))
    .map((templateId) => {
      const version = defaultVersion(templateId);
      const file = join(options.templatesDir, templateId, `${version?.locale ?? defaultLanguage}.mjml`);
      return {
        file,
        line: 1,
        column: 1,
        path: '',
        message: `template "${templateId}" is not used: no step of a sequence names it, so nobody gets it; name it in a step ("template: ${templateId}") or remove ${join(options.templatesDir, templateId)}`,
      };
    });
  return { errors: [...missing, ...blind], warnings: unused };
}
