import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { describe, expect, it } from 'vitest';
import { secretsManagerClient } from '../../../functions/handlers/clients/secrets-manager.ts';
import { sqsClient } from '../../../functions/handlers/clients/sqs.ts';
import { createClients, sdkLoggerMiddleware } from '../../../functions/handlers/wiring.ts';

const names = (client: { middlewareStack: { identify(): string[] } }) =>
  client.middlewareStack.identify().map((entry) => entry.split(' ')[0]);

describe('the client factories', () => {
  it("leave out the SDK's logger middleware, which the SDK itself adds under that name", () => {
    // If the SDK renamed it, removing it would silently do nothing: this would fail first.
    expect(names(new DynamoDBClient({ region: 'eu-west-1' }))).toContain(sdkLoggerMiddleware);
    for (const client of [...Object.values(createClients()), sqsClient(), secretsManagerClient()]) {
      expect(names(client)).not.toContain(sdkLoggerMiddleware);
      expect(names(client)).toContain('retryMiddleware');
    }
  });

  it("point each emulated service's client at its own endpoint of a local stack", async () => {
    const endpoints = {
      dynamodb: 'http://127.0.0.1:1001',
      sesv2: 'http://127.0.0.1:1002',
      s3: 'http://127.0.0.1:1003',
      scheduler: 'http://127.0.0.1:1004',
    };
    const clients = createClients({
      region: 'eu-west-1',
      endpoints,
      credentials: { accessKeyId: 'local', secretAccessKey: 'local' },
    });
    for (const service of ['dynamodb', 'sesv2', 's3', 'scheduler'] as const) {
      const endpoint = await clients[service].config.endpoint?.();
      expect(`${endpoint?.protocol}//${endpoint?.hostname}:${endpoint?.port}`).toBe(endpoints[service]);
    }
  });
});
