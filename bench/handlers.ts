import { execFileSync } from 'node:child_process';
import { mkdir, readdir, rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { build } from 'esbuild';
import { type BenchRow, printTable } from './table.ts';

const AREA = 'handlers';
/** Inside the project, so the bundles resolve @aws-sdk/* from node_modules as Lambda's runtime provides it. */
const outDir = join('node_modules', '.cache', 'rekindle-bench');

/** Every Lambda entry point: the files in functions/handlers/ that export `handler`. */
async function handlerEntries(): Promise<string[]> {
  const shared = new Set(['environment.ts', 'wiring.ts', 'runtime-bundle.ts']);
  return (await readdir('functions/handlers'))
    .filter((name) => name.endsWith('.ts') && !shared.has(name))
    .map((name) => join('functions/handlers', name));
}

/** Milliseconds to load a bundle in a fresh Node process (the cold-start module-load cost), median of runs. */
function moduleLoadMs(file: string, runs: number): number {
  const script = `const t=performance.now();require(${JSON.stringify(`./${file}`)});process.stdout.write(String(performance.now()-t))`;
  const times = Array.from({ length: runs }, () =>
    Number(execFileSync(process.execPath, ['-e', script], { encoding: 'utf8' })),
  );
  times.sort((a, b) => a - b);
  return times[Math.floor(times.length / 2)] ?? Number.NaN;
}

/**
 * Each handler bundled as the stack bundles it (minified, Node 22, the AWS SDK left to the runtime):
 * its size, and how long loading it takes in a fresh process. Targets: < 1 MB, < 150 ms.
 */
export async function handlerBenchmarks(runs = 5): Promise<BenchRow[]> {
  await rm(outDir, { recursive: true, force: true });
  await mkdir(outDir, { recursive: true });
  const rows: BenchRow[] = [];
  for (const entry of await handlerEntries()) {
    const name = entry.split('/').at(-1)?.replace(/\.ts$/, '') ?? entry;
    const result = await build({
      entryPoints: [entry],
      bundle: true,
      minify: true,
      platform: 'node',
      target: 'node22',
      format: 'cjs',
      external: ['@aws-sdk/*'],
      write: false,
      logLevel: 'silent',
      define: { 'process.env.REKINDLE_BUNDLE': '"{}"' },
    });
    const code = result.outputFiles[0]?.contents ?? new Uint8Array();
    const file = join(outDir, `${name}.cjs`);
    await writeFile(file, code);
    rows.push({
      area: AREA,
      case: `${name} bundle`,
      value: code.byteLength / 1024,
      unit: 'KB',
      target: '< 1024 KB',
    });
    rows.push({
      area: AREA,
      case: `${name} module load`,
      value: moduleLoadMs(file, runs),
      unit: 'ms',
      target: '< 150 ms',
    });
  }
  return rows;
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) {
  console.log(printTable(await handlerBenchmarks()));
}
