import { execFileSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { mkdir, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { type BuildOptions, build } from 'esbuild';
import {
  type BakedBundle,
  bakedBundleIdentifier,
  bakedBundleModule,
  buildRuntimeBundle,
} from '../functions/build/runtime-bundle.ts';
import { functionNodeOptions, functionSourceMaps } from '../infra/constructs/function-runtime.ts';
import { type BenchRow, printTable } from './table.ts';

const AREA = 'handlers';
/** Inside the project, so the bundles resolve @aws-sdk/* from node_modules as Lambda's runtime provides it. */
const outDir = join('node_modules', '.cache', 'rekindle-bench');

/** The one function that renders templates; the others get the config alone (infra/constructs/sending.ts). */
const renders = new Set(['send-step']);

/** Every Lambda entry point: the files in functions/handlers/ that export `handler`. */
export async function handlerEntries(): Promise<string[]> {
  const names = (await readdir('functions/handlers')).filter((name) => name.endsWith('.ts')).sort();
  const entries = await Promise.all(
    names.map(async (name) => {
      const file = join('functions/handlers', name);
      return /^export const handler\b/m.test(await readFile(file, 'utf8')) ? [file] : [];
    }),
  );
  return entries.flat();
}

/** A handler bundled as the stack bundles it. */
export interface HandlerBundle {
  readonly name: string;
  readonly code: Uint8Array;
  /** Its source map, linked from `code` as infra/constructs/rekindle-function.ts ships it. */
  readonly map: Uint8Array;
  /** The bytes each file (as esbuild's metafile names it) kept in the bundle after tree-shaking. */
  readonly inputs: Readonly<Record<string, number>>;
  /** The AWS SDK packages the bundle requires from the runtime, sorted. */
  readonly sdkPackages: readonly string[];
}

/**
 * Every handler bundled as infra/constructs/rekindle-function.ts does: minified, Node 22, the AWS
 * SDK left to the runtime, `baked` injected (the config and templates where they are rendered, the
 * config alone elsewhere). `dir` receives the injected modules.
 */
export async function bundleHandlers(baked: BakedBundle, dir: string): Promise<HandlerBundle[]> {
  const bundles: HandlerBundle[] = [];
  for (const entry of await handlerEntries()) {
    const name = entry.split('/').at(-1)?.replace(/\.ts$/, '') ?? entry;
    const result = await build({
      ...(await bakingOptions(renders.has(name) ? baked.serialized : baked.serializedConfig, dir)),
      entryPoints: [entry],
      // As NodejsFunction writes them (sourceMap, sourcesContent: false): index.js links index.js.map.
      outfile: join(dir, `${name}.cjs`),
      sourcemap: 'linked',
      sourcesContent: functionSourceMaps.sourcesContent,
      metafile: true,
    });
    const [outputName, output] =
      Object.entries(result.metafile.outputs).find(([path]) => !path.endsWith('.map')) ?? [];
    const file = (suffix: string) =>
      result.outputFiles.find((written) => written.path.endsWith(`${outputName}${suffix}`))?.contents ??
      new Uint8Array();
    bundles.push({
      name,
      code: file(''),
      map: file('.map'),
      inputs: Object.fromEntries(
        Object.entries(output?.inputs ?? {}).map(([path, input]) => [path, input.bytesInOutput]),
      ),
      sdkPackages: [
        ...new Set(
          (output?.imports ?? [])
            .filter((imported) => imported.external === true && imported.path.startsWith('@aws-sdk/'))
            .map((imported) => imported.path),
        ),
      ].sort(),
    });
  }
  return bundles;
}

/** esbuild options that bake `serialized` in as infra/constructs/rekindle-function.ts does. */
async function bakingOptions(serialized: string, dir: string): Promise<BuildOptions & { write: false }> {
  const module = join(dir, `baked-${createHash('sha256').update(serialized).digest('hex').slice(0, 16)}.mjs`);
  await writeFile(module, bakedBundleModule(serialized));
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
}

/** The client each SDK package's handlers build (lib-dynamodb wraps the DynamoDB client). */
const sdkClientClass: Readonly<Record<string, string>> = {
  '@aws-sdk/client-dynamodb': 'DynamoDBClient',
  '@aws-sdk/client-s3': 'S3Client',
  '@aws-sdk/client-scheduler': 'SchedulerClient',
  '@aws-sdk/client-secrets-manager': 'SecretsManagerClient',
  '@aws-sdk/client-sesv2': 'SESv2Client',
  '@aws-sdk/client-sqs': 'SQSClient',
};

interface LoadSample {
  readonly ms: number;
  readonly cpuMs: number;
  readonly rssMb: number;
}

/**
 * The median wall and CPU time (user and system: less swayed by a busy host than the wall clock) of
 * `runs` fresh Node processes running `script`, which prints `[ms, cpuMs, rss]`, and the largest
 * resident set.
 */
function freshProcesses(script: string, runs: number, nodeOptions = ''): LoadSample {
  const samples = Array.from({ length: runs }, () => {
    const [ms, cpuMs, rss] = JSON.parse(
      execFileSync(process.execPath, ['-e', script], {
        encoding: 'utf8',
        env: { ...process.env, AWS_REGION: 'eu-west-1', NODE_OPTIONS: nodeOptions },
        stdio: ['ignore', 'pipe', 'ignore'],
      }),
    ) as [number, number, number];
    return { ms, cpuMs, rss };
  });
  const median = (values: number[]) =>
    values.sort((a, b) => a - b)[Math.floor(values.length / 2)] ?? Number.NaN;
  return {
    ms: median(samples.map((sample) => sample.ms)),
    cpuMs: median(samples.map((sample) => sample.cpuMs)),
    rssMb: Math.max(...samples.map((sample) => sample.rss)) / 1024 / 1024,
  };
}

const timed = (body: string) =>
  `const t=performance.now(),c=process.cpuUsage();${body};const u=process.cpuUsage(c);process.stdout.write(JSON.stringify([performance.now()-t,(u.user+u.system)/1000,process.memoryUsage().rss]))`;

/**
 * Our bundle's own module load: a fresh process requires the SDK packages the bundle requires
 * first, untimed (Lambda's runtime provides them; their cost is the cold start's, below), then the
 * bundle, timed. `nodeOptions` as the function's NODE_OPTIONS: with `--enable-source-maps` Node
 * reads and parses the bundle's source map as it loads it.
 */
function moduleLoad(
  file: string,
  sdkPackages: readonly string[],
  runs: number,
  nodeOptions = '',
): LoadSample {
  const preload = sdkPackages.map((name) => `require(${JSON.stringify(name)});`).join('');
  return freshProcesses(`${preload}${timed(`require(${JSON.stringify(`./${file}`)})`)}`, runs, nodeOptions);
}

/**
 * The whole cold start up to the first event's own work: a fresh process requires the bundle, then
 * requires and constructs the clients of the SDK packages it requires (what its first event's build
 * does; already loaded where the bundle imports them with the module).
 */
function coldStart(file: string, sdkPackages: readonly string[], runs: number): LoadSample {
  const clients = sdkPackages
    .flatMap((name) => {
      const client = sdkClientClass[name];
      return client === undefined ? [] : [`new (require(${JSON.stringify(name)}).${client})({})`];
    })
    .join(';');
  return freshProcesses(timed(`require(${JSON.stringify(`./${file}`)});${clients}`), runs);
}

/** The median of `runs` fresh processes running `file`, which prints a number of ms. */
function medianRun(file: string, runs: number, env: NodeJS.ProcessEnv = process.env): number {
  const times = Array.from({ length: runs }, () =>
    Number(
      execFileSync(process.execPath, [file], { encoding: 'utf8', env, stdio: ['ignore', 'pipe', 'ignore'] }),
    ),
  ).sort((a, b) => a - b);
  return times[Math.floor(times.length / 2)] ?? Number.NaN;
}

/**
 * Each handler bundled as the stack bundles it (minified, Node 22, the AWS SDK left to the runtime,
 * the real config baked in, with the templates only where they are rendered): its size, how long
 * our bundle takes to load in a fresh process (the SDK already loaded), and the cold start with the
 * SDK clients it uses; then what the first invocation adds, building the clients and stores and
 * parsing the baked bundle. Targets: < 400 KB, < 60 ms.
 */
export async function handlerBenchmarks(runs = 9): Promise<BenchRow[]> {
  await rm(outDir, { recursive: true, force: true });
  await mkdir(outDir, { recursive: true });
  const runtimeBundle = await buildRuntimeBundle({
    configFile: 'config/rekindle.yaml',
    templatesDir: 'templates',
  });
  const rows: BenchRow[] = [];
  let sendStepSdk: readonly string[] = [];
  for (const { name, code, map, sdkPackages } of await bundleHandlers(runtimeBundle, outDir)) {
    if (name === 'send-step') sendStepSdk = sdkPackages;
    const file = join(outDir, `${name}.cjs`);
    await writeFile(file, code);
    await writeFile(`${file}.map`, map);
    rows.push({
      area: AREA,
      case: `${name} bundle`,
      value: code.byteLength / 1024,
      unit: 'KB',
      target: '< 400 KB',
    });
    const load = moduleLoad(file, sdkPackages, runs);
    const deployed = moduleLoad(file, sdkPackages, runs, functionNodeOptions);
    const cold = coldStart(file, sdkPackages, runs);
    const clients = sdkPackages
      .filter((pkg) => pkg in sdkClientClass)
      .map((pkg) => pkg.replace('@aws-sdk/client-', ''));
    rows.push(
      { area: AREA, case: `${name} module load`, value: load.ms, unit: 'ms', target: '< 60 ms' },
      { area: AREA, case: `${name} module load, CPU`, value: load.cpuMs, unit: 'ms' },
      {
        area: AREA,
        case: `${name} module load with its source map (NODE_OPTIONS=${functionNodeOptions}, as deployed)`,
        value: deployed.ms,
        unit: 'ms',
      },
      {
        area: AREA,
        case: `${name} cold start: module load + the AWS SDK clients it uses (${clients.join(', ')})`,
        value: cold.ms,
        unit: 'ms',
      },
      { area: AREA, case: `${name} cold start, CPU`, value: cold.cpuMs, unit: 'ms' },
      {
        area: AREA,
        case: `${name} memory after cold start`,
        value: cold.rssMb,
        unit: 'MB',
        target: '< 256 MB',
      },
    );
  }
  // What the first event adds: ingest-event reads its environment, builds its client and stores
  // (lazyHandler), then refuses an event of an unknown type before any request is made.
  const firstEvent = join(outDir, 'first-event.cjs');
  await writeFile(
    firstEvent,
    `const { handler } = require('./ingest-event.cjs');
const started = performance.now();
handler({ 'detail-type': 'bench.none', id: 'bench', source: 'shop', detail: {} }).then(
  () => { throw new Error('the event was not refused'); },
  (error) => {
    if (error.name !== 'MalformedEventError') throw error;
    process.stdout.write(String(performance.now() - started));
  },
);
`,
  );
  rows.push({
    area: AREA,
    case: 'ingest-event first invocation: build its client and stores',
    value: medianRun(firstEvent, runs, { ...process.env, TABLE_NAME: 'bench', AWS_REGION: 'eu-west-1' }),
    unit: 'ms',
  });
  // send-step's first email: what its first step does that every step needs, after the module load
  // (the send window in the customer's zone and dates in their language start ICU; the template is
  // parsed), in one bundle so the two share their modules. The whole bundle is compiled before the
  // clock starts, so its "load" is evaluation only: the rows are the first email and the sum.
  const firstEmail = await build({
    ...(await bakingOptions(runtimeBundle.serialized, outDir)),
    stdin: {
      // The SDK first, untimed, as for the module load above.
      contents: `${sendStepSdk.map((name) => `require(${JSON.stringify(name)});`).join('')}
const started = performance.now();
require('./functions/handlers/send-step.ts');
const loaded = performance.now();
const { loadRuntimeBundle } = require('./functions/handlers/runtime-bundle.ts');
const { composeEmail } = require('./functions/core/rendering/compose-email.ts');
const { offsetAt } = require('./functions/core/policy/zoned-time.ts');
const { previewSamples } = require('./functions/local/preview/samples.ts');
const ready = performance.now();
const { config, templates } = loadRuntimeBundle();
const sequence = config.sequences[0];
offsetAt(Date.now(), 'Asia/Kolkata');
composeEmail({
  view: previewSamples[0].view,
  message: { version: 1, customerId: 'c1', enrolmentId: 'e1', sequenceId: sequence.id, segmentId: 's', stepIndex: 0, dueAt: 0 },
  step: sequence.steps[0],
  config,
  templates,
  links: { unsubscribeUrl: 'https://shop.example/u', signingKey: 'bench' },
}).then(() => {
  const done = performance.now();
  process.stdout.write(String(process.env.BENCH_PART === 'first' ? done - ready : done - ready + loaded - started));
});`,
      resolveDir: '.',
      loader: 'js',
    },
  });
  const firstEmailFile = join(outDir, 'send-step-first-email.cjs');
  await writeFile(firstEmailFile, firstEmail.outputFiles[0]?.contents ?? new Uint8Array());
  const firstEmailEnv = { ...process.env, AWS_REGION: 'eu-west-1' };
  rows.push(
    {
      area: AREA,
      case: 'send-step first email in a fresh process: the send window checked, one email composed (ICU starts, the template is parsed)',
      value: medianRun(firstEmailFile, runs, { ...firstEmailEnv, BENCH_PART: 'first' }),
      unit: 'ms',
    },
    {
      area: AREA,
      case: 'send-step module evaluation + its first email (the bundle compiled beforehand)',
      value: medianRun(firstEmailFile, runs, firstEmailEnv),
      unit: 'ms',
    },
  );
  // The handlers parse the baked bundle on their first invocation (lazyHandler), in a fresh process.
  for (const kind of ['templates', 'config'] as const) {
    const result = await build({
      ...(await bakingOptions(
        kind === 'templates' ? runtimeBundle.serialized : runtimeBundle.serializedConfig,
        outDir,
      )),
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
