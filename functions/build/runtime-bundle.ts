import { readFile } from 'node:fs/promises';
import { ConfigError, configIssueAt, parseConfig, readConfigInput } from '../core/config/load.ts';
import type { RekindleConfig } from '../core/config/schema.ts';
import { untrackedConditions } from '../core/domain/tracking.ts';
import type { TemplateCatalog } from '../core/rendering/compiled-template.ts';
import { compileTemplates } from './compile-templates.ts';

/** What every function needs besides its environment: the validated config and compiled templates. */
export interface RuntimeBundle {
  readonly config: RekindleConfig;
  readonly templates: TemplateCatalog;
  /** The JSON baked into the Lambda that renders (send-step); it parses it again at cold start. */
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
 * serialized bundle as one string constant (as `--define` it would exceed Linux's 128 KiB argument).
 */
export function bakedBundleModule(serialized: string): string {
  return `export const ${bakedBundleIdentifier} = ${JSON.stringify(serialized)};\n`;
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
  const defaultLocale = parsed.config.shop.defaultLocale;
  // An `en-GB` shop's default is `en.mjml` unless it has an `en-GB.mjml`.
  const defaultLanguage = defaultLocale.split('-')[0] ?? defaultLocale;
  const defaultVersion = (templateId: string) =>
    templates[`${templateId}/${defaultLocale}`] ?? templates[`${templateId}/${defaultLanguage}`];
  const issue = (path: readonly (string | number)[], message: string) =>
    configIssueAt(text, paths.configFile, path, message);
  const missing = parsed.config.sequences.flatMap((sequence, sequenceIndex) =>
    sequence.steps.flatMap((step, stepIndex) => {
      const where = ['sequences', sequenceIndex, 'steps', stepIndex];
      const alternative = typeof step.otherwise === 'object' ? step.otherwise.template : undefined;
      const absent = [step.template, ...(alternative === undefined ? [] : [alternative])]
        .filter((templateId) => defaultVersion(templateId) === undefined)
        .map((templateId) =>
          issue(
            templateId === step.template ? [...where, 'template'] : [...where, 'otherwise', 'template'],
            `no template "${templateId}" in the default locale "${parsed.config.shop.defaultLocale}" under ${paths.templatesDir}`,
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
  const blind = untrackedConditions(parsed.config).map(({ sequenceIndex, stepIndex, message }) =>
    issue(['sequences', sequenceIndex, 'steps', stepIndex, 'when'], message),
  );
  if (missing.length + blind.length > 0) throw new ConfigError([...missing, ...blind]);
  return {
    config: parsed.config,
    templates,
    serialized: JSON.stringify({ config: parsed.input, templates }),
    serializedConfig: JSON.stringify({ config: parsed.input, templates: {} }),
  };
}
