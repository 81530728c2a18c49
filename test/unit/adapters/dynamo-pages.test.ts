import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { DynamoDBDocumentClient, QueryCommand, ScanCommand } from '@aws-sdk/lib-dynamodb';
import { mockClient } from 'aws-sdk-client-mock';
import { afterEach, describe, expect, it } from 'vitest';
import { DynamoCustomerStore } from '../../../functions/adapters/dynamo/customer-store.ts';
import { byPartition, onlyTypes, queryAll, scanItems } from '../../../functions/adapters/dynamo/pages.ts';

const documents = mockClient(DynamoDBDocumentClient);
afterEach(() => documents.reset());

const client = () => DynamoDBDocumentClient.from(new DynamoDBClient({ region: 'eu-west-1' }));

describe('reading every page', () => {
  // The SDK's paginator reuses one input object, so each request is copied as it is sent.
  const replies = <T>(pages: T[], sent: Record<string, unknown>[]) => {
    let call = 0;
    return (input: Record<string, unknown>) => {
      sent.push(structuredClone(input));
      return pages[call++];
    };
  };

  it('queryAll follows LastEvaluatedKey to the last page and keeps the query as it was', async () => {
    const sent: Record<string, unknown>[] = [];
    documents
      .on(QueryCommand)
      .callsFake(
        replies(
          [
            { Items: [{ sk: 'a' }, { sk: 'b' }], LastEvaluatedKey: { pk: 'p', sk: 'b' } },
            { Items: [{ sk: 'c' }] },
          ],
          sent,
        ),
      );
    const items = await queryAll(client(), {
      TableName: 't',
      KeyConditionExpression: 'pk = :pk',
      ExpressionAttributeValues: { ':pk': 'p' },
    });
    expect(items).toEqual([{ sk: 'a' }, { sk: 'b' }, { sk: 'c' }]);
    expect(sent).toHaveLength(2);
    expect(sent[0]?.ExclusiveStartKey).toBeUndefined();
    expect(sent[1]).toMatchObject({
      KeyConditionExpression: 'pk = :pk',
      ExclusiveStartKey: { pk: 'p', sk: 'b' },
    });
  });

  it('scanItems yields a segment page by page, an empty page included', async () => {
    const sent: Record<string, unknown>[] = [];
    documents
      .on(ScanCommand)
      .callsFake(
        replies(
          [
            { Items: [{ pk: '1' }], LastEvaluatedKey: { pk: '1' } },
            { Items: [], LastEvaluatedKey: { pk: '2' } },
            { Items: [{ pk: '3' }] },
          ],
          sent,
        ),
      );
    const seen: unknown[] = [];
    for await (const item of scanItems(client(), { TableName: 't', Segment: 2, TotalSegments: 4 }))
      seen.push(item);
    expect(seen).toEqual([{ pk: '1' }, { pk: '3' }]);
    expect(sent.map((input) => [input.Segment, input.ExclusiveStartKey])).toEqual([
      [2, undefined],
      [2, { pk: '1' }],
      [2, { pk: '2' }],
    ]);
  });

  it("a customer's view spans pages: nothing past the first 1 MB is lost", async () => {
    documents
      .on(QueryCommand)
      .resolvesOnce({
        Items: [
          {
            pk: 'CUSTOMER#c1',
            sk: 'PROFILE',
            type: 'customer',
            customerId: 'c1',
            email: 'c1@example.com',
            firstName: 'C',
            locale: 'en',
            consent: 'granted',
          },
        ],
        LastEvaluatedKey: { pk: 'CUSTOMER#c1', sk: 'PROFILE' },
      })
      .resolvesOnce({
        Items: [
          {
            pk: 'CUSTOMER#c1',
            sk: 'ORDER#o1',
            type: 'order',
            orderId: 'o1',
            customerId: 'c1',
            placedAt: '2026-01-02T00:00:00.000Z',
            amount: 5,
          },
        ],
      });
    const store = new DynamoCustomerStore(new DynamoDBClient({ region: 'eu-west-1' }), 't');
    const view = await store.getCustomerView('c1');
    expect(view?.customer.customerId).toBe('c1');
    expect(view?.orders.map((order) => order.orderId)).toEqual(['o1']);
  });
});

describe('onlyTypes', () => {
  it('keeps the listed item types, each as its own value, with `type` as a name (a reserved word)', () => {
    expect(onlyTypes(['customer', 'order'])).toEqual({
      FilterExpression: '#type IN (:type0, :type1)',
      ExpressionAttributeNames: { '#type': 'type' },
      ExpressionAttributeValues: { ':type0': 'customer', ':type1': 'order' },
    });
  });
});

describe('byPartition', () => {
  it('groups contiguous items by partition key, the last group included', async () => {
    async function* items() {
      yield* [
        { pk: 'C#1', sk: 'A' },
        { pk: 'C#1', sk: 'B' },
        { pk: 'C#2', sk: 'A' },
        { pk: 'C#3', sk: 'A' },
        { pk: 'C#3', sk: 'B' },
      ];
    }
    const groups: string[][] = [];
    for await (const group of byPartition(items())) groups.push(group.map((item) => `${item.pk}/${item.sk}`));
    expect(groups).toEqual([['C#1/A', 'C#1/B'], ['C#2/A'], ['C#3/A', 'C#3/B']]);
  });

  it('yields nothing for an empty Scan', async () => {
    async function* none(): AsyncGenerator<Record<string, unknown>> {}
    const groups = [];
    for await (const group of byPartition(none())) groups.push(group);
    expect(groups).toEqual([]);
  });
});
