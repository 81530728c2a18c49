import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { describe, expect, it } from 'vitest';
import { createClients, sdkLoggerMiddleware } from '../../../functions/handlers/wiring.ts';

const names = (client: { middlewareStack: { identify(): string[] } }) =>
  client.middlewareStack.identify().map((entry) => entry.split(' ')[0]);

describe('createClients', () => {
  it("leaves out the SDK's logger middleware, which the SDK itself adds under that name", () => {
    // If the SDK renamed it, removing it would silently do nothing: this would fail first.
    expect(names(new DynamoDBClient({ region: 'eu-west-1' }))).toContain(sdkLoggerMiddleware);
    for (const client of Object.values(createClients())) {
      expect(names(client)).not.toContain(sdkLoggerMiddleware);
      expect(names(client)).toContain('retryMiddleware');
    }
  });
});
