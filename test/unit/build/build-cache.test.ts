import { cp, mkdtemp, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { z } from 'zod';
import { cachedJson } from '../../../functions/build/build-cache.ts';
import {
  compileTemplateFolder,
  templateCheckCacheVariable,
} from '../../../functions/build/compile-templates.ts';
import { compileMjml } from '../../../functions/build/mjml-cache.ts';

let dir: string;
beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), 'rekindle-build-cache-'));
});
afterEach(async () => {
  vi.unstubAllEnvs();
  await rm(dir, { recursive: true, force: true });
});

const Schema = z.object({ n: z.number() });

describe('a value kept between runs', () => {
  it('is computed once per key and read back after', async () => {
    const compute = vi.fn(async () => ({ n: 1 }));

    expect(await cachedJson(dir, ['a', 'b'], Schema, compute)).toEqual({ n: 1 });
    expect(await cachedJson(dir, ['a', 'b'], Schema, compute)).toEqual({ n: 1 });
    expect(compute).toHaveBeenCalledTimes(1);

    // The parts of a key are kept apart: ["ab", ""] is another key than ["a", "b"].
    await cachedJson(dir, ['ab', ''], Schema, compute);
    expect(compute).toHaveBeenCalledTimes(2);
  });

  it('computes again what it cannot read back, and keeps nothing of a failure', async () => {
    await cachedJson(dir, ['k'], Schema, async () => ({ n: 1 }));
    const [file] = await readdir(dir);
    await writeFile(join(dir, file ?? ''), '{"n":"not a number"}');

    expect(await cachedJson(dir, ['k'], Schema, async () => ({ n: 2 }))).toEqual({ n: 2 });
    await expect(cachedJson(dir, ['broken'], Schema, () => Promise.reject(new Error('no')))).rejects.toThrow(
      'no',
    );
    expect(await readdir(dir)).toHaveLength(1);
  });

  it('always computes without a folder', async () => {
    const compute = vi.fn(async () => ({ n: 1 }));
    await cachedJson(undefined, ['k'], Schema, compute);
    await cachedJson(undefined, ['k'], Schema, compute);
    expect(compute).toHaveBeenCalledTimes(2);
  });
});

describe('MJML output kept per body, options and partials', () => {
  it('compiles a body again only when it, an option or a partial changed', async () => {
    const compile = vi.fn(async (body: string) => ({ html: `<p>${body}</p>`, errors: [] }));
    const options = { validationLevel: 'strict' as const, filePath: 'templates/a/en.mjml' };

    await compileMjml('hi', options, 'partials v1', { cacheDir: dir, compile });
    expect(await compileMjml('hi', options, 'partials v1', { cacheDir: dir, compile })).toEqual({
      html: '<p>hi</p>',
      errors: [],
    });
    expect(compile).toHaveBeenCalledTimes(1);
    await compileMjml('hi', options, 'partials v2', { cacheDir: dir, compile });
    await compileMjml('hi', { ...options, filePath: 'templates/b/en.mjml' }, 'partials v2', {
      cacheDir: dir,
      compile,
    });
    await compileMjml('hello', options, 'partials v2', { cacheDir: dir, compile });
    expect(compile).toHaveBeenCalledTimes(4);
  });
});

describe('the template folder checked through the cache', () => {
  it('gives the same templates and issues as without it, for working and broken files', async () => {
    const templates = join(dir, 'templates');
    await cp('templates', templates, { recursive: true });
    const apology = join(templates, 'apology', 'en.mjml');
    await writeFile(apology, (await readFile(apology, 'utf8')).replace('<mj-text', '<mj-txt'));
    const uncached = await compileTemplateFolder(templates);

    vi.stubEnv(templateCheckCacheVariable, join(dir, 'cache'));
    const first = await compileTemplateFolder(templates);
    const second = await compileTemplateFolder(templates);

    expect(uncached.issues.length).toBeGreaterThan(0);
    expect(first).toEqual(uncached);
    expect(second).toEqual(uncached);
    // One entry per template file, the broken one included.
    const files = await Promise.all(uncached.ids.map((id) => readdir(join(templates, id))));
    expect(await readdir(join(dir, 'cache'))).toHaveLength(
      files.flat().filter((name) => name.endsWith('.mjml')).length,
    );
  });
});
