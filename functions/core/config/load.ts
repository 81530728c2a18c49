import { isMap, isScalar, isSeq, LineCounter, parseDocument, visit } from 'yaml';
import * as z from 'zod';
import { type RekindleConfig, RekindleConfigSchema } from './schema.ts';
import { closest } from './suggest.ts';

/** One problem in a config file, placed at its line and column (1-based). */
export interface ConfigIssue {
  readonly file: string;
  readonly line: number;
  readonly column: number;
  readonly path: string;
  readonly message: string;
}

/** The validated config, or every issue found with its place. */
export type ConfigResult = { ok: true; config: RekindleConfig } | { ok: false; issues: ConfigIssue[] };

/** Formats issues as `file:line:column  path  message`, one per line. */
export function formatConfigIssues(issues: readonly ConfigIssue[]): string {
  return issues
    .map(
      (issue) => `${issue.file}:${issue.line}:${issue.column}  ${issue.path || '(root)'}  ${issue.message}`,
    )
    .join('\n');
}

/** The config is invalid; `issues` says where. Thrown by callers that cannot go on without it. */
export class ConfigError extends Error {
  override readonly name = 'ConfigError';
  constructor(readonly issues: readonly ConfigIssue[]) {
    super(`invalid Rekindle config:\n${formatConfigIssues(issues)}`);
  }
}

/**
 * A file or folder the config and templates are read from cannot be read: usually rekindle was run
 * outside the project's directory. The CLI prints the message alone.
 */
export class ConfigInputError extends Error {
  override readonly name = 'ConfigInputError';
}

/** Runs `read`; a missing or unreadable `path` becomes a ConfigInputError that names it. */
export async function readConfigInput<T>(what: string, path: string, read: () => Promise<T>): Promise<T> {
  try {
    return await read();
  } catch (error: unknown) {
    const code = typeof error === 'object' && error !== null && 'code' in error ? error.code : undefined;
    if (code === 'ENOENT' || code === 'ENOTDIR' || code === 'EACCES' || code === 'EISDIR')
      throw new ConfigInputError(
        `cannot read the ${what} ${path} (${code}) from ${process.cwd()}: run rekindle in the project's directory, or give its path (--config, --templates)`,
        { cause: error },
      );
    throw error;
  }
}

/** Parses and validates the YAML text of `file`; every error carries its line and column. */
export function parseConfig(text: string, file: string): ConfigResult {
  const lineCounter = new LineCounter();
  const document = parseDocument(text, { lineCounter, prettyErrors: false });
  const place = (offset: number) => lineCounter.linePos(offset);
  if (document.errors.length > 0) {
    return {
      ok: false,
      issues: document.errors.map((error) => {
        const { line, col } = place(error.pos[0]);
        return { file, line, column: col, path: '', message: error.message.split('\n')[0] ?? error.message };
      }),
    };
  }
  let input: unknown;
  try {
    input = document.toJS();
  } catch (error: unknown) {
    // An unresolved alias or an alias bomb: yaml only finds out while building the data.
    const { line, col } = place(firstUnresolvedAlias(document) ?? 0);
    const message = error instanceof Error ? error.message : String(error);
    return { ok: false, issues: [{ file, line, column: col, path: '', message }] };
  }
  const prototypeKey = prototypeKeyOffset(document);
  if (prototypeKey !== undefined) {
    // zod drops a `__proto__` key of a record without a word; refuse it rather than lose it silently.
    const { line, col } = place(prototypeKey);
    return {
      ok: false,
      issues: [{ file, line, column: col, path: '', message: 'the key "__proto__" is not allowed' }],
    };
  }
  const result = RekindleConfigSchema.safeParse(input);
  if (result.success) return { ok: true, config: result.data };
  return { ok: false, issues: result.error.issues.map((issue) => locate(issue, document, place, file)) };
}

/**
 * An issue found after parsing (a check against the templates, say), placed at `path` in the
 * config text as a schema issue would be.
 */
export function configIssueAt(
  text: string,
  file: string,
  path: readonly (string | number)[],
  message: string,
): ConfigIssue {
  const lineCounter = new LineCounter();
  const document = parseDocument(text, { lineCounter, prettyErrors: false });
  const issue: z.core.$ZodIssue = { code: 'custom', path: [...path], message, input: undefined };
  return locate(issue, document, (offset) => lineCounter.linePos(offset), file);
}

/** Where the first alias without an earlier anchor is, else the first alias (of a bomb), if any. */
function firstUnresolvedAlias(document: ReturnType<typeof parseDocument>): number | undefined {
  let unresolved: number | undefined;
  let first: number | undefined;
  visit(document, {
    Alias(_key, node) {
      const offset = node.range?.[0];
      first ??= offset;
      if (node.resolve(document) === undefined) {
        unresolved = offset;
        return visit.BREAK;
      }
      return undefined;
    },
  });
  return unresolved ?? first;
}

/** The offset of a `__proto__` mapping key, if the document has one. */
function prototypeKeyOffset(document: ReturnType<typeof parseDocument>): number | undefined {
  let offset: number | undefined;
  visit(document, {
    Pair(_key, pair) {
      if (isScalar(pair.key) && pair.key.value === '__proto__') {
        offset = pair.key.range?.[0] ?? 0;
        return visit.BREAK;
      }
      return undefined;
    },
  });
  return offset;
}

function locate(
  issue: z.core.$ZodIssue,
  document: ReturnType<typeof parseDocument>,
  place: (offset: number) => { line: number; col: number },
  file: string,
): ConfigIssue {
  const path = issue.path.map(String);
  // Walk down as far as the document goes: a missing field is reported at its parent.
  let node: unknown = document.contents;
  let range: readonly number[] | undefined = document.contents?.range ?? undefined;
  for (const segment of issue.path) {
    let next: unknown;
    if (isMap(node)) {
      const pair = node.items.find(
        (item) => String((item.key as { value?: unknown } | null)?.value) === String(segment),
      );
      if (pair === undefined) break;
      const key = pair.key as { range?: readonly number[] } | null;
      if (issue.code === 'unrecognized_keys' || pair.value === null) range = key?.range ?? range;
      next = pair.value;
      range = (next as { range?: readonly number[] } | null)?.range ?? key?.range ?? range;
    } else if (isSeq(node) && typeof segment === 'number') {
      next = node.items[segment];
      range = (next as { range?: readonly number[] } | undefined)?.range ?? range;
    } else break;
    node = next;
  }
  if (issue.code === 'unrecognized_keys' && isMap(node)) {
    const unknownKey = issue.keys[0];
    const pair = node.items.find(
      (item) => String((item.key as { value?: unknown } | null)?.value) === unknownKey,
    );
    range = (pair?.key as { range?: readonly number[] } | null)?.range ?? range;
  }
  const { line, col } = place(range?.[0] ?? 0);
  const message =
    issue.code === 'unrecognized_keys' ? unknownKeysMessage(issue.keys, issue.path) : issue.message;
  return { file, line, column: col, path: path.join('.'), message };
}

/** What a field may hold, as far as the key names go: the config's JSON Schema, read loosely. */
interface SchemaNode {
  readonly properties?: Record<string, SchemaNode>;
  readonly items?: SchemaNode;
  readonly anyOf?: readonly SchemaNode[];
  readonly allOf?: readonly SchemaNode[];
}

let configSchemaNode: SchemaNode | undefined;

/** The config's JSON Schema as plain JSON (only key names are looked at), built once. */
function configSchema(): SchemaNode {
  if (configSchemaNode === undefined)
    configSchemaNode = JSON.parse(
      JSON.stringify(z.toJSONSchema(RekindleConfigSchema, { io: 'input', unrepresentable: 'any' })),
    );
  return configSchemaNode ?? {};
}

const alternatives = (node: SchemaNode): SchemaNode[] => [
  node,
  ...(node.anyOf ?? []).flatMap(alternatives),
  ...(node.allOf ?? []).flatMap(alternatives),
];

/** The field names the object at `path` may have. */
export function knownKeys(path: readonly PropertyKey[]): string[] {
  let nodes = [configSchema()];
  for (const segment of path) {
    nodes = nodes.flatMap(alternatives).flatMap((node) => {
      const next = typeof segment === 'number' ? node.items : node.properties?.[String(segment)];
      return next === undefined ? [] : [next];
    });
  }
  return [...new Set(nodes.flatMap(alternatives).flatMap((node) => Object.keys(node.properties ?? {})))];
}

/** `unknown field "holdoutPercnt" (did you mean "holdoutPercent"?)`, or the fields it may have. */
function unknownKeysMessage(keys: readonly string[], path: readonly PropertyKey[]): string {
  const known = knownKeys(path).filter((key) => key !== '$schema');
  return keys
    .map((key) => {
      const match = closest(key, known);
      return match === undefined
        ? `unknown field "${key}" (expected one of ${known.join(', ')})`
        : `unknown field "${key}"; did you mean "${match}"?`;
    })
    .join('; ');
}
