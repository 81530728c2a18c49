// The `rekindle` command built once into a cache, so it starts without compiling TypeScript on
// every run. Plain JavaScript: bin/rekindle.js loads it before anything can compile TypeScript.
import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, readdirSync, readFileSync, renameSync, rmSync, statSync } from 'node:fs';
import { createRequire } from 'node:module';
import { join, relative } from 'node:path';
import { pathToFileURL } from 'node:url';

/** Bumped when the way the bundle is built changes, so an old cache is not reused. */
const bundleFormat = 5;

/** The folders the CLI is built from, relative to the project root: a change in any rebuilds it. */
const sourceFolders = ['functions'];

/** Files whose change rebuilds the bundle too: the installed packages (the vendored mjml among them). */
const installFiles = ['package-lock.json', 'node_modules/mjml/package.json'];

/**
 * mjml, bundled into one file of its own: loading it from its thousands of small files took most
 * of `rekindle validate`'s time. Built once per install; the CLI bundle imports it by URL.
 */
const vendored = { specifier: 'mjml', file: 'mjml.mjs' };

/**
 * A hash of the size and mtime of each file (relative to `root`), with the build format, the
 * project root (a bundle names source files by absolute path) and Node's version.
 * @param {string} root
 * @param {readonly string[]} files relative paths; a missing one counts as missing
 */
function statHash(root, files) {
  const hash = createHash('sha256');
  hash.update(`${bundleFormat}\0${root}\0${process.version}\0`);
  for (const file of files) {
    const stats = statSync(join(root, file), { throwIfNoEntry: false });
    hash.update(`${file}\0${stats?.size ?? -1}\0${stats?.mtimeMs ?? -1}\0`);
  }
  return hash.digest('hex').slice(0, 16);
}

/**
 * A stamp of the installed packages the vendored mjml is built from.
 * @param {string} root the project root
 */
export function installStamp(root) {
  return statHash(root, installFiles);
}

/**
 * A stamp of the CLI's sources: every file's path, size and mtime under `functions/`, and the
 * install stamp. Reads directory entries and stats only, never file contents.
 * @param {string} root the project root
 * @returns {string}
 */
export function sourceStamp(root) {
  const files = sourceFolders.flatMap((folder) =>
    readdirSync(join(root, folder), { recursive: true, withFileTypes: true })
      .filter((entry) => entry.isFile())
      .map((entry) => relative(root, join(entry.parentPath, entry.name)))
      .sort(),
  );
  return statHash(root, [...files, ...installFiles]);
}

/**
 * Where the bundle built from the sources with this stamp lives: one folder per stamp, so a
 * stale bundle is never read and two processes building at once never share a half-written file.
 * @param {string} cacheDir
 * @param {string} stamp
 */
export function bundlePath(cacheDir, stamp) {
  return join(cacheDir, stamp, 'main.mjs');
}

/**
 * Left out of the vendored mjml: cheerio loads undici at start for `fromURL`, which mjml never
 * calls; loading it took a tenth of `validate`'s start.
 * @type {import('esbuild').Plugin}
 */
const withoutUndici = {
  name: 'rekindle-without-undici',
  setup(build) {
    build.onResolve({ filter: /^undici$/ }, () => ({ path: 'undici', namespace: 'rekindle-stub' }));
    build.onLoad({ filter: /.*/, namespace: 'rekindle-stub' }, () => ({ contents: 'module.exports = {};' }));
  },
};

/**
 * Pure-JS packages bundled into the CLI rather than left to Node: loaded from node_modules they were
 * hundreds of CommonJS files (yaml alone 74), and resolving, reading and lexing them cost
 * `rekindle validate` about 0.2 s of its 0.72 s of CPU. The others (the AWS SDK, the emulators) stay external,
 * loaded only by the commands that use them.
 */
const bundledPackages = new Set(['liquidjs', 'yaml', 'zod']);

/**
 * The package a bare specifier names (`zod/v4/core` → `zod`, `@aws-sdk/client-s3/x` → `@aws-sdk/client-s3`).
 * @param {string} specifier
 */
function packageName(specifier) {
  const parts = specifier.split('/');
  return specifier.startsWith('@') ? parts.slice(0, 2).join('/') : (parts[0] ?? specifier);
}

/**
 * Every package is left to Node to resolve from the project's node_modules, except `bundledPackages`.
 * @type {import('esbuild').Plugin}
 */
const externalPackages = {
  name: 'rekindle-external-packages',
  setup(build) {
    build.onResolve({ filter: /^[^./]/ }, (args) =>
      bundledPackages.has(packageName(args.path)) ? undefined : { path: args.path, external: true },
    );
  },
};

/** Bundled CommonJS calls `require` for Node's own modules; an ES module has none of its own. */
const requireShim = `import { createRequire as __rekindleCreateRequire } from 'node:module';
const require = __rekindleCreateRequire(import.meta.url);`;

/** The bundle's entry: the dispatcher and where it prints. */
const entrySource = `export { main } from './functions/cli/main.ts';
export { processOutput } from './functions/cli/output.ts';`;

/**
 * The entry, the vendored package by URL, and `import.meta.url` in each source file replaced by
 * that file's own URL, so paths beside a module (the DynamoDB Local launcher, the SES emulator's
 * script, the send worker's entry) resolve from the source tree, not from the cache folder.
 * @param {string} vendorUrl
 * @returns {import('esbuild').Plugin}
 */
const cliPlugin = (vendorUrl) => ({
  name: 'rekindle-cli',
  setup(build) {
    build.onResolve({ filter: /^rekindle-cli-entry$/ }, () => ({ path: 'entry', namespace: 'rekindle' }));
    build.onLoad({ filter: /.*/, namespace: 'rekindle' }, () => ({
      contents: entrySource,
      loader: 'ts',
      resolveDir: build.initialOptions.absWorkingDir,
    }));
    build.onResolve({ filter: new RegExp(`^${vendored.specifier}$`) }, () => ({
      path: vendorUrl,
      external: true,
    }));
    build.onLoad({ filter: /\.ts$/ }, (args) => {
      const source = readFileSync(args.path, 'utf8');
      if (!source.includes('import.meta.url')) return undefined;
      const url = JSON.stringify(pathToFileURL(args.path).href);
      return { contents: source.replaceAll('import.meta.url', url), loader: 'ts' };
    });
  },
});

/**
 * Writes a build into `target` through a temporary sibling, so a reader never sees half of it;
 * when another process finished the same build first, its result is kept.
 * @param {string} target
 * @param {(building: string) => Promise<unknown>} write
 */
async function buildInto(target, write) {
  const building = `${target}.${process.pid}.tmp`;
  rmSync(building, { recursive: true, force: true });
  await write(building);
  try {
    renameSync(building, target);
  } catch (error) {
    rmSync(building, { recursive: true, force: true });
    if (!existsSync(target)) throw error;
  }
}

/**
 * Builds the CLI with esbuild into `cacheDir/<stamp>/`: ES modules, split at every dynamic
 * `import()` so a command loads only what it uses; packages left to Node to resolve from the
 * project's node_modules, except the pure-JS `bundledPackages`, bundled in, and mjml, built once
 * per install into `cacheDir/vendor-<stamp>/`. Bundles of other stamps built more than a day ago
 * are removed.
 * @param {{ root: string, cacheDir: string, stamp: string, esbuild: typeof import('esbuild') }} options
 * @returns {Promise<string>} the bundle's entry file
 */
export async function buildCli({ root, cacheDir, stamp, esbuild }) {
  const vendorDir = join(cacheDir, `vendor-${installStamp(root)}`);
  if (!existsSync(vendorDir))
    await buildInto(vendorDir, (building) =>
      esbuild.build({
        absWorkingDir: root,
        stdin: { contents: `export { default } from '${vendored.specifier}';`, resolveDir: root },
        outfile: join(building, vendored.file),
        bundle: true,
        format: 'esm',
        platform: 'node',
        target: 'node20',
        banner: { js: requireShim },
        logLevel: 'silent',
        plugins: [withoutUndici],
      }),
    );
  const vendorUrl = pathToFileURL(join(vendorDir, vendored.file)).href;
  await buildInto(join(cacheDir, stamp), (building) =>
    esbuild.build({
      absWorkingDir: root,
      entryPoints: { main: 'rekindle-cli-entry' },
      outdir: building,
      outExtension: { '.js': '.mjs' },
      bundle: true,
      splitting: true,
      format: 'esm',
      platform: 'node',
      target: 'node20',
      sourcemap: 'linked',
      sourcesContent: false,
      banner: { js: requireShim },
      logLevel: 'silent',
      plugins: [cliPlugin(vendorUrl), externalPackages],
    }),
  );
  removeOldBundles(cacheDir, [stamp, `vendor-${installStamp(root)}`]);
  return bundlePath(cacheDir, stamp);
}

/** A bundle a running `rekindle dev` may still load chunks from is kept this long after it was built. */
const keepOldBundlesMs = 24 * 60 * 60 * 1000;

/**
 * Removes the bundles of other stamps built more than a day ago, and build folders left by a
 * process that died while building.
 * @param {string} cacheDir
 * @param {readonly string[]} current
 */
function removeOldBundles(cacheDir, current) {
  const now = Date.now();
  for (const entry of readdirSync(cacheDir)) {
    const path = join(cacheDir, entry);
    if (!current.includes(entry) && now - statSync(path).mtimeMs > keepOldBundlesMs) {
      rmSync(path, { recursive: true, force: true });
    }
  }
}

/**
 * The current bundle of the CLI, built first when the sources changed since the last build;
 * `undefined` when esbuild cannot be loaded (an install without devDependencies).
 * @param {string} root the project root
 * @returns {Promise<string | undefined>}
 */
export async function currentCli(root) {
  const cacheDir = join(root, 'node_modules', '.cache', 'rekindle', 'cli');
  const stamp = sourceStamp(root);
  const entry = bundlePath(cacheDir, stamp);
  if (existsSync(entry)) return entry;
  let esbuild;
  try {
    esbuild = createRequire(join(root, 'package.json'))('esbuild');
  } catch {
    return undefined;
  }
  mkdirSync(cacheDir, { recursive: true });
  return buildCli({ root, cacheDir, stamp, esbuild });
}
