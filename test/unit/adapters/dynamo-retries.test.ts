import { DynamoDBClient, TransactionCanceledException } from '@aws-sdk/client-dynamodb';
import { BatchWriteCommand, DynamoDBDocumentClient, TransactWriteCommand } from '@aws-sdk/lib-dynamodb';
import { mockClient } from 'aws-sdk-client-mock';
import { afterEach, describe, expect, it } from 'vitest';
import { DynamoEngagementLedger } from '../../../functions/adapters/dynamo/engagement-ledger.ts';
import { batchWriteAll, cancelledForNow } from '../../../functions/adapters/dynamo/retries.ts';
import type { EngagementEvent } from '../../../functions/core/domain/engagement-event.ts';

const documents = mockClient(DynamoDBDocumentClient);
afterEach(() => documents.reset());

const fast = { baseDelayMs: 1 };
const cancelled = (...codes: string[]) =>
  new TransactionCanceledException({
    message: `Transaction cancelled [${codes.join(', ')}]`,
    $metadata: {},
    CancellationReasons: codes.map((Code) => ({ Code })),
  });

const click: EngagementEvent = {
  eventId: 'evt-1',
  type: 'click',
  at: Date.parse('2026-11-24T10:00:00Z'),
  customerId: 'c1',
  messageId: 'm1',
  enrolmentId: 'e1',
  sequenceId: 'gentle-winback',
  stepIndex: 0,
  segmentId: 'lapsed',
  stepId: 'check-in',
};

describe('an engagement event whose transaction collides with another', () => {
  const store = (attempts?: number) =>
    new DynamoEngagementLedger(new DynamoDBClient({ region: 'eu-west-1' }), 'rekindle', {
      conflictRetry: { ...fast, ...(attempts === undefined ? {} : { attempts }) },
    });

  it('is retried until it goes through, and recorded once', async () => {
    documents
      .on(TransactWriteCommand)
      .rejectsOnce(cancelled('None', 'None', 'TransactionConflict'))
      .rejectsOnce(cancelled('None', 'None', 'TransactionConflict'))
      .resolves({});

    await expect(store().record(click)).resolves.toBe('recorded');
    const calls = documents.commandCalls(TransactWriteCommand);
    expect(calls).toHaveLength(3);
    // The same three writes each time: the event, its first-click marker and the step's counters.
    for (const call of calls) expect(call.args[0].input.TransactItems).toHaveLength(3);
  });

  it('fails after the last attempt, so the event source retries it and nothing is lost', async () => {
    documents.on(TransactWriteCommand).rejects(cancelled('None', 'None', 'TransactionConflict'));

    await expect(store(3).record(click)).rejects.toBeInstanceOf(TransactionCanceledException);
    expect(documents.commandCalls(TransactWriteCommand)).toHaveLength(3);
  });

  it('is a duplicate, without a retry, when the event is already stored', async () => {
    documents.on(TransactWriteCommand).rejects(cancelled('ConditionalCheckFailed', 'None', 'None'));

    await expect(store().record(click)).resolves.toBe('duplicate');
    expect(documents.commandCalls(TransactWriteCommand)).toHaveLength(1);
  });
});

describe('cancelledForNow', () => {
  it.each([
    [['None', 'TransactionConflict'], true],
    [['ThrottlingError', 'None'], true],
    [['ConditionalCheckFailed', 'TransactionConflict'], false],
    [['ValidationError'], false],
    [['None', 'None'], false],
  ])('%j: %s', (codes, expected) => {
    expect(cancelledForNow(cancelled(...codes))).toBe(expected);
  });

  it('is false for any other error', () => {
    expect(cancelledForNow(new Error('TransactionConflict'))).toBe(false);
  });
});

describe('batchWriteAll', () => {
  const client = () => DynamoDBDocumentClient.from(new DynamoDBClient({ region: 'eu-west-1' }));
  const put = (id: string) => ({ PutRequest: { Item: { pk: id, sk: 'PROFILE' } } });

  it('resends what DynamoDB left unprocessed until everything is written', async () => {
    documents
      .on(BatchWriteCommand)
      .resolvesOnce({ UnprocessedItems: { rekindle: [put('b'), put('c')] } })
      .resolvesOnce({ UnprocessedItems: { rekindle: [put('c')] } })
      .resolves({});

    await batchWriteAll(client(), 'rekindle', [put('a'), put('b'), put('c')], fast);

    const sent = documents
      .commandCalls(BatchWriteCommand)
      .map((call) =>
        call.args[0].input.RequestItems?.rekindle?.map((request) => request.PutRequest?.Item?.pk),
      );
    expect(sent).toEqual([['a', 'b', 'c'], ['b', 'c'], ['c']]);
  });

  it('throws, naming how many writes are left, rather than drop them', async () => {
    documents.on(BatchWriteCommand).resolves({ UnprocessedItems: { rekindle: [put('a')] } });

    await expect(batchWriteAll(client(), 'rekindle', [put('a')], { ...fast, attempts: 4 })).rejects.toThrow(
      'DynamoDB kept 1 writes unprocessed after 4 attempts',
    );
    expect(documents.commandCalls(BatchWriteCommand)).toHaveLength(4);
  });
});
