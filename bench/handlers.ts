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

/**
 * Loads a bundle in a fresh Node process (the cold-start module-load cost): the median load time of
 * `runs` processes, and the largest resident set right after loading (the floor of the function's
 * memory; what an invocation adds depends on its batch).
 */
function moduleLoad(file: string, runs: number): { ms: number; rssMb: number } {
  const script = `const t=performance.now();require(${JSON.stringify(`./${file}`)});process.stdout.write(JSON.stringify([performance.now()-t,process.memoryUsage().rss]))`;
  const samples = Array.from({ length: runs }, () => {
    const [ms, rss] = JSON.parse(execFileSync(process.execPath, ['-e', script], { encoding: 'utf8' })) as [
      number,
      number,
    ];
    return { ms, rss };
  });
  const times = samples.map((sample) => sample.ms).sort((a, b) => a - b);
  return {
    ms: times[Math.floor(times.length / 2)] ?? Number.NaN,
    rssMb: Math.max(...samples.map((sample) => sample.rss)) / 1024 / 1024,
  };
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
    const load = moduleLoad(file, runs);
    rows.push(
      { area: AREA, case: `${name} module load`, value: load.ms, unit: 'ms', target: '< 150 ms' },
      { area: AREA, case: `${name} memory after load`, value: load.rssMb, unit: 'MB', target: '< 256 MB' },
    );
  }
  return rows;
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) {
  console.log(printTable(await handlerBenchmarks()));
}
