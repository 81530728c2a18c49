/**
 * How every function is bundled and started: one definition for the stack (rekindle-function.ts)
 * and for the benchmark that measures what the stack deploys (bench/handlers.ts).
 */

/**
 * Stack traces in the logs name our files and lines: Node maps them through the bundle's source map,
 * which it reads and parses as it loads the bundle (docs/benchmarks.md gives the cost per function).
 */
export const functionNodeOptions = '--enable-source-maps';

/**
 * The map holds mappings and names only: the sources' text (`sourcesContent`) made it four times
 * larger, and a stack trace needs no source text.
 */
export const functionSourceMaps = { sourceMap: true, sourcesContent: false } as const;
