import { mkdir, mkdtemp, rm, utimes, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { bundlePath, installStamp, sourceStamp } from '../../../functions/build/cli-bundle.mjs';

let root: string;

beforeEach(async () => {
  root = await mkdtemp(join(tmpdir(), 'rekindle-cli-stamp-'));
  await mkdir(join(root, 'functions', 'cli'), { recursive: true });
  await writeFile(join(root, 'functions', 'cli', 'main.ts'), 'export const a = 1;\n');
  await writeFile(join(root, 'package-lock.json'), '{}\n');
});

afterEach(async () => {
  await rm(root, { recursive: true, force: true });
});

const at = (seconds: number) => new Date(1_700_000_000_000 + seconds * 1000);

describe('the CLI bundle is rebuilt when its sources change', () => {
  it('keeps the stamp while nothing changes', () => {
    expect(sourceStamp(root)).toBe(sourceStamp(root));
  });

  it('changes the stamp when a source file is touched, grows, is added or removed', async () => {
    const main = join(root, 'functions', 'cli', 'main.ts');
    await utimes(main, at(0), at(0));
    const before = sourceStamp(root);

    await utimes(main, at(1), at(1));
    const touched = sourceStamp(root);
    await writeFile(main, 'export const a = 12;\n');
    await utimes(main, at(1), at(1));
    const grown = sourceStamp(root);
    const added = join(root, 'functions', 'core', 'new.ts');
    await mkdir(join(root, 'functions', 'core'));
    await writeFile(added, '');
    const withNew = sourceStamp(root);
    await rm(added);
    const withoutNew = sourceStamp(root);

    expect(new Set([before, touched, grown, withNew]).size).toBe(4);
    expect(withoutNew).toBe(grown);
  });

  it('changes the source stamp and the install stamp when the install changes, not for other files', async () => {
    const source = sourceStamp(root);
    const install = installStamp(root);
    await writeFile(join(root, 'README.md'), 'not a source\n');
    expect([sourceStamp(root), installStamp(root)]).toEqual([source, install]);

    await writeFile(join(root, 'package-lock.json'), '{ "lockfileVersion": 3 }\n');

    expect(sourceStamp(root)).not.toBe(source);
    expect(installStamp(root)).not.toBe(install);
  });

  it('depends on where the project is, since the bundle names its files by absolute path', async () => {
    const elsewhere = await mkdtemp(join(tmpdir(), 'rekindle-cli-stamp-'));
    try {
      await mkdir(join(elsewhere, 'functions', 'cli'), { recursive: true });
      await writeFile(join(elsewhere, 'functions', 'cli', 'main.ts'), 'export const a = 1;\n');
      await writeFile(join(elsewhere, 'package-lock.json'), '{}\n');
      // The same files with the same times: only the place differs.
      for (const file of ['functions/cli/main.ts', 'package-lock.json']) {
        await utimes(join(root, file), at(5), at(5));
        await utimes(join(elsewhere, file), at(5), at(5));
      }

      expect(sourceStamp(elsewhere)).not.toBe(sourceStamp(root));
    } finally {
      await rm(elsewhere, { recursive: true, force: true });
    }
  });

  it('keeps each stamp in a folder of its own', () => {
    expect(bundlePath('/cache', 'abc')).toBe(join('/cache', 'abc', 'main.mjs'));
  });
});
