import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { afterAll, beforeAll } from 'vitest';
import { createCustomerTable } from '../../functions/local/bootstrap-table.ts';
import { type DynamoDbLocal, startDynamoDbLocal } from '../../functions/local/dynamodb-local.ts';

/**
 * DynamoDB Local with the one table created as `table`, for the tests of one file: started before
 * them, stopped after them. Returns the client to reach it with, once started.
 */
export function useDynamoTable(table: string): () => DynamoDBClient {
  let local: DynamoDbLocal | undefined;
  let client: DynamoDBClient | undefined;
  beforeAll(async () => {
    local = await startDynamoDbLocal();
    client = new DynamoDBClient({
      endpoint: local.endpoint,
      region: 'eu-west-1',
      credentials: { accessKeyId: 'local', secretAccessKey: 'local' },
    });
    await createCustomerTable(client, table);
  }, 120_000);
  afterAll(async () => {
    client?.destroy();
    await local?.stop();
  });
  return () => {
    if (client === undefined) throw new Error('DynamoDB Local did not start');
    return client;
  };
}
