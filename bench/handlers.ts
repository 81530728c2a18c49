import { execFileSync } from 'node:child_process';
import { mkdir, readdir, rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { type BuildOptions, build } from 'esbuild';
import {
  bakedBundleIdentifier,
  bakedBundleModule,
  buildRuntimeBundle,
} from '../functions/build/runtime-bundle.ts';
import { type BenchRow, printTable } from './table.ts';

const AREA = 'handlers';
/** Inside the project, so the bundles resolve @aws-sdk/* from node_modules as Lambda's runtime provides it. */
const outDir = join('node_modules', '.cache', 'rekindle-bench');

/** The one function that renders templates; the others get the config alone (infra/constructs/sending.ts). */
const renders = new Set(['send-step']);

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

/** The median of `runs` fresh processes running `file`, which prints a number of ms. */
function medianRun(file: string, runs: number): number {
  const times = Array.from({ length: runs }, () =>
    Number(execFileSync(process.execPath, [file], { encoding: 'utf8' })),
  ).sort((a, b) => a - b);
  return times[Math.floor(times.length / 2)] ?? Number.NaN;
}

/**
 * Each handler bundled as the stack bundles it (minified, Node 22, the AWS SDK left to the runtime,
 * the real config baked in, with the templates only where they are rendered): its size, and how
 * long loading it takes in a fresh process; then what the first invocation adds, parsing the baked
 * bundle. Targets: < 1 MB, < 150 ms.
 */
export async function handlerBenchmarks(runs = 5): Promise<BenchRow[]> {
  await rm(outDir, { recursive: true, force: true });
  await mkdir(outDir, { recursive: true });
  const runtimeBundle = await buildRuntimeBundle({
    configFile: 'config/rekindle.yaml',
    templatesDir: 'templates',
  });
  const baked = { templates: runtimeBundle.serialized, config: runtimeBundle.serializedConfig };
  /** esbuild options that bake `serialized` in as infra/constructs/rekindle-function.ts does. */
  const baking = async (kind: keyof typeof baked): Promise<BuildOptions & { write: false }> => {
    const module = join(outDir, `baked-${kind}.mjs`);
    await writeFile(module, bakedBundleModule(baked[kind]));
    return {
      bundle: true,
      minify: true,
      platform: 'node',
      target: 'node22',
      format: 'cjs',
      external: ['@aws-sdk/*'],
      write: false,
      logLevel: 'silent',
      define: { 'process.env.REKINDLE_BUNDLE': bakedBundleIdentifier },
      inject: [module],
    };
  };
  const rows: BenchRow[] = [];
  for (const entry of await handlerEntries()) {
    const name = entry.split('/').at(-1)?.replace(/\.ts$/, '') ?? entry;
    const result = await build({
      ...(await baking(renders.has(name) ? 'templates' : 'config')),
      entryPoints: [entry],
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
  // The handlers parse the baked bundle on their first invocation (lazyHandler), in a fresh process.
  for (const kind of ['templates', 'config'] as const) {
    const result = await build({
      ...(await baking(kind)),
      stdin: {
        contents: `import { loadRuntimeBundle } from './functions/handlers/runtime-bundle.ts';
const started = performance.now();
loadRuntimeBundle();
process.stdout.write(String(performance.now() - started));`,
        resolveDir: '.',
        loader: 'ts',
      },
    });
    const file = join(outDir, `parse-${kind}.cjs`);
    await writeFile(file, result.outputFiles[0]?.contents ?? new Uint8Array());
    rows.push({
      area: AREA,
      case: `first invocation: parse the baked ${kind === 'templates' ? 'config and templates' : 'config'}`,
      value: medianRun(file, runs),
      unit: 'ms',
    });
  }
  return rows;
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) {
  console.log(printTable(await handlerBenchmarks()));
}
