import { readdir, readFile } from 'node:fs/promises';
import { parse } from 'yaml';
import { configJsonSchema, type ProjectNames } from '../core/config/json-schema.ts';
import { readConfigInput } from '../core/config/load.ts';

/**
 * The project's template folders and the sequence ids its config declares, read loosely (a config
 * with errors still names its sequences), for the JSON Schema's completion.
 */
export async function projectNames(paths: {
  configFile: string;
  templatesDir: string;
}): Promise<ProjectNames> {
  const entries = await readConfigInput('templates folder', paths.templatesDir, () =>
    readdir(paths.templatesDir, { withFileTypes: true }),
  );
  const templateIds = entries
    .filter((entry) => entry.isDirectory() && !entry.name.startsWith('_'))
    .map((entry) => entry.name)
    .sort();
  const text = await readConfigInput('config file', paths.configFile, () =>
    readFile(paths.configFile, 'utf8'),
  );
  let data: unknown;
  try {
    data = parse(text);
  } catch {
    data = undefined;
  }
  const sequences =
    typeof data === 'object' && data !== null && 'sequences' in data && Array.isArray(data.sequences)
      ? data.sequences
      : [];
  const sequenceIds = sequences
    .map((sequence: unknown) =>
      typeof sequence === 'object' && sequence !== null && 'id' in sequence && typeof sequence.id === 'string'
        ? sequence.id
        : undefined,
    )
    .filter((id): id is string => id !== undefined);
  return { templateIds, sequenceIds: [...new Set(sequenceIds)] };
}

/** The JSON Schema `rekindle config-schema` writes: the config's, completed with the project's names. */
export async function projectConfigSchema(paths: {
  configFile: string;
  templatesDir: string;
}): Promise<string> {
  return configJsonSchema(await projectNames(paths));
}
