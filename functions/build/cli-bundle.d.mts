import type * as esbuild from 'esbuild';

/** A stamp of the installed packages (package-lock.json, mjml's package.json), the root and Node's version. */
export function installStamp(root: string): string;
/** A stamp of the CLI's sources (paths, sizes and mtimes under functions/, the root, Node's version). */
export function sourceStamp(root: string): string;
/** Where the bundle built from the sources with this stamp lives. */
export function bundlePath(cacheDir: string, stamp: string): string;
/** Builds the CLI into `cacheDir/<stamp>/`; resolves with its entry file. */
export function buildCli(options: {
  readonly root: string;
  readonly cacheDir: string;
  readonly stamp: string;
  readonly esbuild: typeof esbuild;
}): Promise<string>;
/** The current bundle, built first when stale; `undefined` when esbuild cannot be loaded. */
export function currentCli(root: string): Promise<string | undefined>;
