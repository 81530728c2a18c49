import type { Output } from './output.ts';

/** One `rekindle` sub-command. `run` returns the process exit code; it never calls process.exit. */
export interface Command {
  readonly name: string;
  readonly summary: string;
  readonly usage: string;
  run(argv: readonly string[], out: Output): Promise<number>;
}

/** A usage mistake: printed with the command's usage, exit code 2. */
export class UsageError extends Error {
  override readonly name = 'UsageError';
}
