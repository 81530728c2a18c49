import { parseArgs } from 'node:util';
import { type Command, UsageError } from '../command.ts';

const usage = 'rekindle sequence resume SEQUENCE_ID [--table NAME]';

/**
 * `rekindle sequence resume`: lifts the pause the engagement recorder puts on a sequence whose
 * complaint rate went over the threshold, once someone has looked into why. Its waiting steps then
 * go at their next check.
 */
export const sequenceCommand: Command = {
  name: 'sequence',
  summary: 'resume a sequence paused for complaints',
  usage,
  async run(argv, out) {
    const { values, positionals } = parseArgs({
      args: [...argv],
      options: { table: { type: 'string' } },
      allowPositionals: true,
      strict: true,
    });
    const [action, sequenceId] = positionals;
    if (action !== 'resume' || sequenceId === undefined)
      throw new UsageError('expected "resume SEQUENCE_ID"');
    const tableName = values.table ?? process.env.TABLE_NAME;
    if (tableName === undefined || tableName === '')
      throw new UsageError('name the table with --table or TABLE_NAME');
    const [{ DynamoDBClient }, { DynamoSequencePauses }] = await Promise.all([
      import('@aws-sdk/client-dynamodb'),
      import('../../adapters/dynamo/sequence-pauses.ts'),
    ]);
    const pauses = new DynamoSequencePauses(new DynamoDBClient({}), tableName);
    const resumed = await pauses.resumeSequence(sequenceId);
    out.line(resumed ? `resumed ${sequenceId}` : `${sequenceId} was not paused`);
    return 0;
  },
};
