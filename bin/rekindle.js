#!/usr/bin/env node
// Runs the CLI from a bundle that esbuild builds on first use (and again whenever a file under
// functions/ changes) in node_modules/.cache/rekindle/, so `rekindle` works right after `npm ci`
// with no build step and starts without compiling TypeScript. Without esbuild (an install without
// devDependencies) it runs the TypeScript through tsx, as before.
import { spawnSync } from 'node:child_process';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { currentCli, installStamp } from '../functions/build/cli-bundle.mjs';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
// The AWS SDK warns on every command under Node 20 that its 2027 releases need Node 22: eight lines
// before a one-line answer. package.json's engines and the README say which Node the project needs.
process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED ??= 'true';
// MJML's output per template body, kept per installed MJML (functions/build/mjml-cache.ts): a
// command that compiles unchanged templates then never loads MJML.
process.env.REKINDLE_MJML_CACHE ??= join(
  root,
  'node_modules',
  '.cache',
  'rekindle',
  'mjml',
  installStamp(root),
);
const argv = process.argv.slice(2);

/** @returns {Promise<string | undefined>} */
async function bundle() {
  try {
    return await currentCli(root);
  } catch (error) {
    // A source that does not compile: tsx below reports it as it always did.
    const reason = error instanceof Error ? error.message.split('\n')[0] : String(error);
    process.stderr.write(`rekindle: could not build the CLI (${reason}); running it through tsx\n`);
    return undefined;
  }
}

const entry = await bundle();
if (entry === undefined) {
  const tsx = createRequire(import.meta.url).resolve('tsx/cli');
  const result = spawnSync(process.execPath, [tsx, join(root, 'functions/cli/main.ts'), ...argv], {
    stdio: 'inherit',
  });
  process.exit(result.status ?? 1);
}
// Each template file's compiled template and issues, kept with the bundle of the code that made
// them (functions/build/compile-templates.ts): an unchanged template is not compiled again.
process.env.REKINDLE_TEMPLATE_CHECK_CACHE ??= join(dirname(entry), 'templates');
const { main, processOutput } = await import(pathToFileURL(entry).href);
try {
  process.exitCode = await main(argv, processOutput);
} catch (error) {
  processOutput.error(error instanceof Error ? (error.stack ?? error.message) : String(error));
  process.exitCode = 1;
}
