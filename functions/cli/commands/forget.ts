import { parseArgs } from 'node:util';
import * as z from 'zod';
import { type Command, UsageError } from '../command.ts';

const usage = 'rekindle forget EMAIL [--table NAME] [--inbound-bucket NAME]';

/**
 * `rekindle forget EMAIL`: erases a person on request — every item of every customer with that
 * address, their raw replies, and their suppression — keeping only a hashed tombstone so the
 * address is never emailed again. Reads TABLE_NAME / INBOUND_BUCKET unless given.
 */
export const forgetCommand: Command = {
  name: 'forget',
  summary: 'erase everything about a person (by email), keeping only a hashed do-not-contact tombstone',
  usage,
  async run(argv, out) {
    const { values, positionals } = parseArgs({
      args: [...argv],
      options: { table: { type: 'string' }, 'inbound-bucket': { type: 'string' } },
      allowPositionals: true,
      strict: true,
    });
    const email = z.email().safeParse(positionals[0]);
    if (!email.success || positionals.length !== 1) throw new UsageError('expected one email address');
    const tableName = values.table ?? process.env.TABLE_NAME;
    if (tableName === undefined || tableName === '')
      throw new UsageError('name the table with --table or TABLE_NAME');
    const inboundBucket = values['inbound-bucket'] ?? process.env.INBOUND_BUCKET;
    const [{ DynamoDBClient }, { S3Client }, { DynamoPrivacyStore }, { S3ObjectStore }] = await Promise.all([
      import('@aws-sdk/client-dynamodb'),
      import('@aws-sdk/client-s3'),
      import('../../adapters/dynamo/privacy-store.ts'),
      import('../../adapters/s3/object-store.ts'),
    ]);
    const store = new DynamoPrivacyStore(
      new DynamoDBClient({}),
      tableName,
      new S3ObjectStore(new S3Client({ forcePathStyle: true })),
      inboundBucket,
    );
    const report = await store.forgetEmail(email.data, Date.now());
    out.line(
      `forgot ${report.customerIds.length} customer(s): ${report.itemsDeleted} items and ${report.rawMailsDeleted} raw replies deleted; the address is kept only as a SHA-256 tombstone`,
    );
    if (inboundBucket === undefined) out.error('no inbound bucket given: raw replies in S3 were not deleted');
    return 0;
  },
};
