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

/**
 * A command as `rekindle help` lists it: its name and summary, and its module loaded only when it
 * runs, so the list and each command start without loading what the other commands need.
 */
export interface CommandEntry {
  readonly name: string;
  readonly summary: string;
  load(): Promise<Command>;
}
