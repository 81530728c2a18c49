import { readdir, readFile } from 'node:fs/promises';
import { dirname, join, relative } from 'node:path';
import { configWarnings } from '../core/config/checks.ts';
import { type ConfigIssue, configIssueAt, parseConfig, readConfigInput } from '../core/config/load.ts';
import type { RekindleConfig } from '../core/config/schema.ts';
import { type LintSource, lintConfig, lintWording } from '../core/sequences/lint.ts';
import { compileTemplateFolder, localeGaps, type TemplateIssue } from './compile-templates.ts';
import { projectNames } from './project-schema.ts';
import { templateReferences } from './runtime-bundle.ts';

/** One finding of `rekindle validate`, at the line and column of the file a person edits. */
export interface Finding {
  readonly severity: 'error' | 'warning';
  readonly file: string;
  readonly line: number;
  readonly column?: number;
  /** Where in the config (`segments.1.holdoutPercent`), for config findings. */
  readonly path?: string;
  readonly message: string;
}

/** What checking the config and templates found, with what they hold when they parsed. */
export interface ProjectCheck {
  readonly findings: readonly Finding[];
  readonly config?: RekindleConfig;
  readonly templateCount: number;
}

/** `file:line:column  error  path  message`, one finding per line. */
export function formatFinding(finding: Finding): string {
  const place = `${finding.file}:${finding.line}${finding.column === undefined ? '' : `:${finding.column}`}`;
  return [place, finding.severity, ...(finding.path ? [finding.path] : []), finding.message].join('  ');
}

const fromConfig =
  (severity: Finding['severity']) =>
  (issue: ConfigIssue): Finding => ({ severity, ...issue });
const fromTemplate = (issue: TemplateIssue): Finding => ({ severity: 'error', ...issue });

/** Every message template's source (partials included), for the wording check. */
async function templateSources(templatesDir: string): Promise<LintSource[]> {
  const sources: LintSource[] = [];
  for (const folder of await readdir(templatesDir, { withFileTypes: true })) {
    if (!folder.isDirectory()) continue;
    for (const name of await readdir(join(templatesDir, folder.name))) {
      if (!name.endsWith('.mjml')) continue;
      const path = join(templatesDir, folder.name, name);
      sources.push({ file: relative(process.cwd(), path), text: await readFile(path, 'utf8') });
    }
  }
  return sources;
}

/**
 * Checks the config and every template in one go, so a person sees all of it in one run: config
 * errors, template errors, what the config says about the templates, and the warnings (what is
 * valid but most likely not meant). Unreadable paths still throw a ConfigInputError.
 */
export async function checkProject(paths: {
  configFile: string;
  templatesDir: string;
}): Promise<ProjectCheck> {
  const text = await readConfigInput('config file', paths.configFile, () =>
    readFile(paths.configFile, 'utf8'),
  );
  const source = { file: paths.configFile, text };
  const parsed = parseConfig(text, paths.configFile);
  const folder = await readConfigInput('templates folder', paths.templatesDir, () =>
    compileTemplateFolder(paths.templatesDir),
  );
  const findings: Finding[] = [
    ...(parsed.ok ? [] : parsed.issues.map(fromConfig('error'))),
    ...folder.issues.map(fromTemplate),
  ];
  if (parsed.ok) {
    const { config } = parsed;
    const references = templateReferences(config, source, folder.catalog, {
      templatesDir: paths.templatesDir,
      ids: folder.ids,
    });
    findings.push(...references.errors.map(fromConfig('error')));
    findings.push(...configWarnings(config, source).map(fromConfig('warning')));
    findings.push(
      ...lintConfig(config, source).map((warning) => ({ severity: 'warning' as const, ...warning })),
    );
    findings.push(...references.warnings.map(fromConfig('warning')));
    // Customers in a language a message lacks still get it, in the default locale: worth knowing.
    // At the shop's locale that names it, else at the file its customers get instead.
    // A message with a file that did not compile has its errors already; its gaps would be guesses.
    const gaps = localeGaps(folder.catalog, config.shop.defaultLocale, config.shop.locales).filter(
      (gap) => !folder.failed.includes(gap.templateId),
    );
    for (const gap of gaps) {
      const index = config.shop.locales?.indexOf(gap.locale) ?? -1;
      findings.push(
        index >= 0
          ? {
              severity: 'warning',
              ...configIssueAt(text, paths.configFile, ['shop', 'locales', index], gap.message),
            }
          : {
              severity: 'warning',
              file: relative(
                process.cwd(),
                join(paths.templatesDir, gap.templateId, `${gap.servedLocale ?? gap.locale}.mjml`),
              ),
              line: 1,
              column: 1,
              message: gap.message,
            },
      );
    }
  }
  findings.push(...(await staleSchema(paths, text)));
  findings.push(
    ...lintWording(await templateSources(paths.templatesDir)).map((warning) => ({
      severity: 'warning' as const,
      ...warning,
    })),
  );
  return {
    findings,
    ...(parsed.ok ? { config: parsed.config } : {}),
    templateCount: Object.keys(folder.catalog).length,
  };
}

/** The enum of names at `path` in a JSON Schema, following anyOf; empty when there is none. */
function enumAt(schema: unknown, path: readonly string[]): string[] {
  let node: unknown = schema;
  for (const key of path)
    node =
      typeof node === 'object' && node !== null
        ? Object.entries(node).find(([name]) => name === key)?.[1]
        : undefined;
  const options =
    typeof node === 'object' && node !== null && 'anyOf' in node && Array.isArray(node.anyOf)
      ? node.anyOf
      : [node];
  return options.flatMap((option: unknown) =>
    typeof option === 'object' && option !== null && 'enum' in option && Array.isArray(option.enum)
      ? option.enum.filter((name: unknown): name is string => typeof name === 'string')
      : [],
  );
}

/**
 * A warning when the JSON Schema the config names (`# yaml-language-server: $schema=…`) does not
 * know a template or sequence the project has: the editor would flag a correct name as an error.
 */
async function staleSchema(
  paths: { configFile: string; templatesDir: string },
  text: string,
): Promise<Finding[]> {
  const reference = /^# yaml-language-server: \$schema=(\S+)/m.exec(text)?.[1];
  if (reference === undefined || /^[a-z]+:/i.test(reference)) return [];
  const schemaFile = join(dirname(paths.configFile), reference);
  let schema: unknown;
  try {
    schema = JSON.parse(await readFile(schemaFile, 'utf8'));
  } catch {
    return [];
  }
  const names = await projectNames(paths);
  const known = [
    ...enumAt(schema, ['properties', 'segments', 'items', 'properties', 'sequence']),
    ...enumAt(schema, [
      'properties',
      'sequences',
      'items',
      'properties',
      'steps',
      'items',
      'properties',
      'template',
    ]),
  ];
  const unknown = [...names.sequenceIds, ...names.templateIds].filter((name) => !known.includes(name));
  if (unknown.length === 0) return [];
  return [
    {
      severity: 'warning',
      file: relative(process.cwd(), schemaFile),
      line: 1,
      column: 1,
      message: `does not know ${unknown.map((name) => `"${name}"`).join(', ')}: an editor using it flags ${unknown.length === 1 ? 'that name' : 'those names'} as wrong; run npx rekindle config-schema`,
    },
  ];
}
