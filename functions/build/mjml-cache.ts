import { readdir, readFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { MjmlOptions } from 'mjml';
import * as z from 'zod';
import { cachedJson } from './build-cache.ts';

/** What MJML gave for a template body: the HTML and its validation errors (line, message). */
export interface MjmlOutput {
  readonly html: string;
  readonly errors: readonly { readonly line: number; readonly message: string }[];
}

const MjmlOutputSchema = z.object({
  html: z.string(),
  errors: z.array(z.object({ line: z.number(), message: z.string() })),
});

/** MJML itself, loaded on first use: thousands of files that a cached compile never needs. */
const mjml = async (body: string, options: MjmlOptions): Promise<MjmlOutput> =>
  (await import('mjml')).default(body, options);

/**
 * The name of the folder of MJML results the `rekindle` command keeps (bin/rekindle.js sets it to
 * a folder per installed MJML version); without it every body is compiled.
 */
export const mjmlCacheVariable = 'REKINDLE_MJML_CACHE';

/**
 * Every partial under `templatesDir/_*`, path and text: part of each body's cache key, since an
 * `mj-include` puts their content into the output.
 */
export async function partialsFingerprint(templatesDir: string): Promise<string> {
  const parts: string[] = [];
  const walk = async (dir: string): Promise<void> => {
    const entries = (await readdir(dir, { withFileTypes: true })).sort((a, b) =>
      a.name.localeCompare(b.name),
    );
    for (const entry of entries) {
      const path = join(dir, entry.name);
      if (entry.isDirectory()) await walk(path);
      else parts.push(`${path}\0${await readFile(path, 'utf8')}`);
    }
  };
  for (const entry of (await readdir(templatesDir, { withFileTypes: true })).sort((a, b) =>
    a.name.localeCompare(b.name),
  ))
    if (entry.isDirectory() && entry.name.startsWith('_')) await walk(join(templatesDir, entry.name));
  return parts.join('\0');
}

/**
 * MJML's output for `body`, from `cacheDir` when the same body, options (the file's path among
 * them) and partials were compiled before with this MJML; otherwise compiled and kept. Only a
 * result is kept, never a thrown error, and a cache that cannot be read or written is passed by.
 */
export async function compileMjml(
  body: string,
  options: MjmlOptions,
  partials: string,
  cache: {
    readonly cacheDir?: string | undefined;
    readonly compile?: (body: string, options: MjmlOptions) => Promise<MjmlOutput>;
  } = {},
): Promise<MjmlOutput> {
  const compile = cache.compile ?? mjml;
  return cachedJson(
    cache.cacheDir ?? process.env[mjmlCacheVariable],
    [JSON.stringify(options), body, partials],
    MjmlOutputSchema,
    async () => {
      const output = await compile(body, options);
      return { html: output.html, errors: output.errors.map(({ line, message }) => ({ line, message })) };
    },
  );
}
