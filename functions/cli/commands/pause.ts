import { parseArgs } from 'node:util';
import { allSequences, pauseRecheckMs } from '../../core/domain/pauses.ts';
import type { SequencePauses } from '../../ports/sequence-pauses.ts';
import { type Command, UsageError } from '../command.ts';
import type { Output } from '../output.ts';

const options = {
  all: { type: 'boolean' },
  sequence: { type: 'string' },
  reason: { type: 'string' },
  table: { type: 'string' },
} as const;

/** Which pause a command means: every sequence (`--all`) or one. */
function scopeOf(values: { all?: boolean | undefined; sequence?: string | undefined }): string {
  if (values.all === true && values.sequence !== undefined)
    throw new UsageError('give --all or --sequence ID, not both');
  if (values.all === true) return allSequences;
  if (values.sequence === undefined || values.sequence === '')
    throw new UsageError('give --all or --sequence ID');
  if (!/^[a-z0-9][a-z0-9-]{0,62}$/.test(values.sequence))
    throw new UsageError(`"${values.sequence}" is not a sequence id (lower-case letters, digits and dashes)`);
  return values.sequence;
}

const describeScope = (scope: string) => (scope === allSequences ? 'every sequence' : `sequence ${scope}`);
const recheck = (scope: string) => (pauseRecheckMs(scope) === 3_600_000 ? 'within an hour' : 'within a day');

/** Pauses (kill switch or one sequence); what the command prints. */
export async function pause(
  pauses: SequencePauses,
  scope: string,
  reason: string,
  at: number,
  out: Output,
): Promise<number> {
  const paused = await pauses.pauseSequence(scope, reason, at);
  if (!paused) {
    const existing = await pauses.sequencePause(scope);
    out.line(
      `${describeScope(scope)} was already paused${existing === undefined ? '' : ` since ${new Date(existing.at).toISOString()}: ${existing.reason}`}`,
    );
    return 0;
  }
  const resume = scope === allSequences ? 'rekindle resume --all' : `rekindle resume --sequence ${scope}`;
  out.line(
    `paused ${describeScope(scope)}: no email goes out until "${resume}"; steps due meanwhile wait, and go ${recheck(scope)} of it`,
  );
  return 0;
}

/** Lifts a pause; what the command prints. */
export async function resume(pauses: SequencePauses, scope: string, out: Output): Promise<number> {
  const resumed = await pauses.resumeSequence(scope);
  out.line(
    resumed
      ? `resumed ${describeScope(scope)}: the steps it held go ${recheck(scope)}`
      : `${describeScope(scope)} was not paused`,
  );
  return 0;
}

async function pausesFor(table: string | undefined): Promise<SequencePauses> {
  const tableName = table ?? process.env.TABLE_NAME;
  if (tableName === undefined || tableName === '')
    throw new UsageError('name the table with --table or TABLE_NAME');
  // Loaded on use: the SDK is heavy and other commands never need it.
  const [{ DynamoDBClient }, { DynamoSequencePauses }] = await Promise.all([
    import('@aws-sdk/client-dynamodb'),
    import('../../adapters/dynamo/sequence-pauses.ts'),
  ]);
  return new DynamoSequencePauses(new DynamoDBClient({}), tableName);
}

/** `rekindle pause`: the kill switch, or one sequence; stored in the table, read by the sender before every send. */
export const pauseCommand: Command = {
  name: 'pause',
  summary: 'stop all sending now (--all, the kill switch) or one sequence (--sequence ID)',
  usage: 'rekindle pause --all | --sequence ID [--reason TEXT] [--table NAME]',
  async run(argv, out) {
    const { values } = parseArgs({ args: [...argv], options, strict: true });
    const scope = scopeOf(values);
    const pauses = await pausesFor(values.table);
    return pause(pauses, scope, values.reason ?? 'paused by hand (rekindle pause)', Date.now(), out);
  },
};

/** `rekindle resume`: lifts the kill switch or one sequence's pause (a complaint pause too). */
export const resumeCommand: Command = {
  name: 'resume',
  summary: 'lift the kill switch (--all) or one sequence’s pause (--sequence ID)',
  usage: 'rekindle resume --all | --sequence ID [--table NAME]',
  async run(argv, out) {
    const { values } = parseArgs({
      args: [...argv],
      options: { all: options.all, sequence: options.sequence, table: options.table },
      strict: true,
    });
    const scope = scopeOf(values);
    return resume(await pausesFor(values.table), scope, out);
  },
};
