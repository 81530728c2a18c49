import { spawnSync } from 'node:child_process';
import { mkdtemp, rm } from 'node:fs/promises';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { buildCli, currentCli, sourceStamp } from '../functions/build/cli-bundle.mjs';
import type { BenchRow } from './table.ts';

const root = process.cwd();
const median = (values: readonly number[]) =>
  [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)] ?? 0;

/** Wall seconds of one whole `node bin/rekindle.js …` process, the median of `runs`. */
function timeCommand(argv: readonly string[], runs: number): number {
  const times: number[] = [];
  for (let i = 0; i < runs; i += 1) {
    const start = performance.now();
    const result = spawnSync(process.execPath, ['bin/rekindle.js', ...argv], { stdio: 'ignore' });
    times.push((performance.now() - start) / 1000);
    if (result.status !== 0) throw new Error(`rekindle ${argv.join(' ')} exited ${result.status}`);
  }
  return median(times);
}

/**
 * The CLI's start-up: `rekindle help` and `rekindle validate` as whole processes from the cached
 * bundle, the staleness check every run pays, and a build from scratch (the first run after a
 * change under functions/; the vendored mjml is built once per install on top).
 */
export async function cliBenchmarks(): Promise<BenchRow[]> {
  await currentCli(root);
  const stamps: number[] = [];
  for (let i = 0; i < 21; i += 1) {
    const start = performance.now();
    sourceStamp(root);
    stamps.push(performance.now() - start);
  }
  const cacheDir = await mkdtemp(join(tmpdir(), 'rekindle-cli-bench-'));
  let build = 0;
  try {
    const esbuild = createRequire(join(root, 'package.json'))('esbuild');
    const start = performance.now();
    await buildCli({ root, cacheDir, stamp: sourceStamp(root), esbuild });
    build = (performance.now() - start) / 1000;
  } finally {
    await rm(cacheDir, { recursive: true, force: true });
  }
  const node = median(
    Array.from({ length: 7 }, () => {
      const start = performance.now();
      spawnSync(process.execPath, ['-e', '0'], { stdio: 'ignore' });
      return (performance.now() - start) / 1000;
    }),
  );
  return [
    {
      area: 'cli',
      case: 'rekindle help (whole process)',
      value: timeCommand(['help'], 7),
      unit: 's',
      target: '< 0.3 s',
    },
    {
      area: 'cli',
      case: 'rekindle validate (whole process)',
      value: timeCommand(['validate'], 5),
      unit: 's',
      target: '< 1 s',
    },
    { area: 'cli', case: 'node -e 0 (the floor)', value: node, unit: 's' },
    { area: 'cli', case: 'staleness check (stat of functions/)', value: median(stamps), unit: 'ms' },
    { area: 'cli', case: 'bundle build from scratch (with mjml)', value: build, unit: 's' },
  ];
}
