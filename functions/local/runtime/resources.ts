import { CreateBucketCommand } from '@aws-sdk/client-s3';
import { CreateScheduleGroupCommand } from '@aws-sdk/client-scheduler';
import type { AwsClients } from '../../handlers/wiring.ts';
import { createCustomerTable } from '../bootstrap-table.ts';
import { localNames } from '../local-names.ts';

/** Creates what the CDK app would deploy: the table, the schedule group and the two buckets. */
export async function createLocalResources(clients: AwsClients): Promise<void> {
  await createCustomerTable(clients.dynamodb, localNames.tableName);
  await clients.scheduler.send(new CreateScheduleGroupCommand({ Name: localNames.scheduleGroup }));
  // s3rver may have created them already (startS3Local's `buckets`).
  for (const bucket of [localNames.importBucket, localNames.inboundBucket])
    await clients.s3.send(new CreateBucketCommand({ Bucket: bucket })).catch(() => undefined);
}
