import { createHash } from 'node:crypto';
import { mkdir, readFile, rename, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { z } from 'zod';

/**
 * `compute()`, kept in `cacheDir` as JSON under a hash of `key` and read back through `schema` the
 * next time the same key is asked for. Without a folder it always computes. A value that cannot be
 * read (missing, unparsable, another shape) is computed again; one that cannot be written is not
 * kept. Only results are kept: a `compute` that throws leaves nothing behind.
 */
export async function cachedJson<T>(
  cacheDir: string | undefined,
  key: readonly string[],
  schema: z.ZodType<T>,
  compute: () => Promise<T>,
): Promise<T> {
  if (cacheDir === undefined || cacheDir === '') return compute();
  const hash = createHash('sha256');
  for (const part of key) hash.update(`${part.length}:`).update(part);
  const file = join(cacheDir, `${hash.digest('hex')}.json`);
  try {
    const cached = schema.safeParse(JSON.parse(await readFile(file, 'utf8')));
    if (cached.success) return cached.data;
  } catch {
    // Not kept yet, or unreadable: compute.
  }
  const value = await compute();
  try {
    await mkdir(cacheDir, { recursive: true });
    const temporary = `${file}.${process.pid}.tmp`;
    await writeFile(temporary, JSON.stringify(value));
    await rename(temporary, file);
  } catch {
    // A read-only or full disk: the next run computes again.
  }
  return value;
}
