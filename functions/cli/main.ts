import type { CommandEntry } from './command.ts';
import { UsageError } from './command.ts';
import { commands } from './commands/index.ts';
import { type Output, processOutput } from './output.ts';

/** Dispatches `rekindle <command> [...args]`; returns the exit code. */
export async function main(
  argv: readonly string[],
  out: Output,
  all: readonly CommandEntry[] = commands,
): Promise<number> {
  const [name] = argv;
  if (name === undefined || name === 'help' || name === '--help' || name === '-h') {
    out.line('Usage: rekindle <command> [options]\n');
    for (const command of all) out.line(`  ${command.name.padEnd(14)} ${command.summary}`);
    return name === undefined ? 2 : 0;
  }
  // Multi-word commands ("model fit") are matched on their longest prefix.
  const entry = [...all]
    .sort((a, b) => b.name.split(' ').length - a.name.split(' ').length)
    .find((command) => {
      const words = command.name.split(' ');
      return words.every((word, i) => argv[i] === word);
    });
  if (entry === undefined) {
    out.error(`rekindle: unknown command "${name}". Run "rekindle help" for the list.`);
    return 2;
  }
  const match = await entry.load();
  const args = argv.slice(entry.name.split(' ').length);
  if (args.includes('--help') || args.includes('-h')) {
    out.line(`${match.summary}\n\nUsage: ${match.usage}`);
    return 0;
  }
  try {
    return await match.run(args, out);
  } catch (error: unknown) {
    // node:util parseArgs rejects unknown options and missing values with coded TypeErrors.
    const code = (error as { code?: unknown } | null)?.code;
    if (error instanceof UsageError || (typeof code === 'string' && code.startsWith('ERR_PARSE_ARGS_'))) {
      const message = error instanceof Error ? error.message.split('. ')[0] : String(error);
      out.error(`rekindle ${match.name}: ${message}\nUsage: ${match.usage}`);
      return 2;
    }
    // A config that cannot be read or is invalid: the message says where, a stack trace would not
    // help. Loaded here, not at start: every command would otherwise load the config's parser.
    const { ConfigError, ConfigInputError, formatConfigIssues } = await import('../core/config/load.ts');
    if (error instanceof ConfigInputError) {
      out.error(`rekindle ${match.name}: ${error.message}`);
      return 1;
    }
    if (error instanceof ConfigError) {
      out.error(`rekindle ${match.name}: the config is invalid\n${formatConfigIssues(error.issues)}`);
      return 1;
    }
    throw error;
  }
}

if (import.meta.url === `file://${process.argv[1]}`) {
  main(process.argv.slice(2), processOutput).then(
    (code) => {
      process.exitCode = code;
    },
    (error: unknown) => {
      processOutput.error(error instanceof Error ? (error.stack ?? error.message) : String(error));
      process.exitCode = 1;
    },
  );
}
