import { DynamoDBClient, GetItemCommand } from '@aws-sdk/client-dynamodb';
import { S3Client } from '@aws-sdk/client-s3';
import { ListSchedulesCommand, SchedulerClient } from '@aws-sdk/client-scheduler';
import { SESv2Client } from '@aws-sdk/client-sesv2';
import type { MiddlewareStack } from '@smithy/types';
import { describe, expect, it } from 'vitest';
import { RequestCounter } from '../../../functions/local/request-counter.ts';

/** Ends every request in the stack after the counter, a few milliseconds later, with an empty answer. */
function answerOffline<I extends object, O extends object>(stack: MiddlewareStack<I, O>): void {
  stack.add(
    () => async () => {
      await new Promise((resolve) => setTimeout(resolve, 5));
      return { output: { $metadata: {} } as O, response: {} };
    },
    { step: 'finalizeRequest', priority: 'low', name: 'offline' },
  );
}

/** Clients whose requests end in the middleware stack, after the counter, with no network. */
function offlineClients() {
  const config = { region: 'eu-west-1', credentials: { accessKeyId: 'test', secretAccessKey: 'test' } };
  const clients = {
    dynamodb: new DynamoDBClient(config),
    sesv2: new SESv2Client(config),
    scheduler: new SchedulerClient(config),
    s3: new S3Client(config),
  };
  answerOffline(clients.dynamodb.middlewareStack);
  answerOffline(clients.scheduler.middlewareStack);
  return clients;
}

describe('RequestCounter', () => {
  it('counts requests by service and operation, and not those of uncounted work, even side by side', async () => {
    const clients = offlineClients();
    const counter = new RequestCounter();
    counter.attach(clients);
    const get = () => clients.dynamodb.send(new GetItemCommand({ TableName: 'tbl', Key: {} }));
    await Promise.all([
      get(),
      counter.uncounted(async () => {
        await get();
        await get();
      }),
      get(),
      clients.scheduler.send(new ListSchedulesCommand({})),
    ]);
    expect(counter.snapshot()).toEqual({ 'dynamodb:GetItem': 2, 'scheduler:ListSchedules': 1 });
  });
});
