import { DynamoDBDocumentClient, PutCommand, ScanCommand } from '@aws-sdk/lib-dynamodb';
import { describe, expect, it } from 'vitest';
import { DynamoCustomerStore } from '../../functions/adapters/dynamo/customer-store.ts';
import { DynamoSegmentationStore } from '../../functions/adapters/dynamo/segmentation-store.ts';
import { summariseOrders } from '../../functions/core/domain/scoring.ts';
import { importText } from '../../functions/core/import/import-file.ts';
import { customerFacts } from '../../functions/core/segments/evaluate.ts';
import { useDynamoTable } from '../support/dynamo-table.ts';

const table = 'order-identity';
const dynamodb = useDynamoTable(table);

const customers = 'customerId,email,firstName\nc1,ana@example.com,Ana\n';
const ordersWithDates = 'orderId,customerId,placedAt,amount\no1,c1,2026-03-01,10\no2,c1,2026-05-01,20\n';
// The same two orders exported again, with a date-time (o1's lands on the next UTC day).
const ordersWithTimes =
  'orderId,customerId,placedAt,amount\no1,c1,2026-03-01T23:30:00-05:00,10\no2,c1,2026-05-01T09:00:00Z,20\n';

describe('an order is its id (DynamoDB Local)', () => {
  it('stores an order re-imported with a date-time once, and every reader counts it once', async () => {
    const store = new DynamoSegmentationStore(dynamodb(), table);
    await importText(customers, { file: 'customers.csv', kind: 'customers', format: 'csv' }, store);
    for (const text of [ordersWithDates, ordersWithTimes]) {
      const report = await importText(text, { file: 'orders.csv', kind: 'orders', format: 'csv' }, store);
      expect(report).toMatchObject({ written: 2, rejectedTotal: 0 });
    }
    const documents = DynamoDBDocumentClient.from(dynamodb());
    const items = await documents.send(new ScanCommand({ TableName: table }));
    expect((items.Items ?? []).filter((item) => item.type === 'order').map((item) => item.sk)).toEqual(
      expect.arrayContaining(['ORDER#o1', 'ORDER#o2']),
    );
    expect((items.Items ?? []).filter((item) => item.type === 'order')).toHaveLength(2);

    // The send decision's view, the segmenter's records and the model's summary.
    const view = await new DynamoCustomerStore(dynamodb(), table).getCustomerView('c1');
    expect(view?.orders.map((order) => order.placedAt).sort()).toEqual([
      '2026-03-02T04:30:00.000Z',
      '2026-05-01T09:00:00.000Z',
    ]);
    const records = [];
    for await (const record of store.scanCustomerRecords()) records.push(record);
    expect(records.map((record) => record.orders.length)).toEqual([2]);
    const now = Date.parse('2026-11-01T00:00:00Z');
    const [record] = records;
    if (record === undefined) throw new Error('no customer record');
    expect(summariseOrders('c1', record.orders, now)?.frequency).toBe(1);
    expect(customerFacts(record, now)).toMatchObject({ orderCount: 2 });
  });

  it('counts an order stored under the old key (placedAt in it) once beside its re-import', async () => {
    const documents = DynamoDBDocumentClient.from(dynamodb());
    await documents.send(
      new PutCommand({
        TableName: table,
        Item: {
          pk: 'CUSTOMER#c2',
          sk: 'PROFILE',
          type: 'customer',
          customerId: 'c2',
          email: 'bo@example.com',
          firstName: 'Bo',
          locale: 'en',
          consent: 'unknown',
        },
      }),
    );
    const legacy = { orderId: 'o9', customerId: 'c2', placedAt: '2026-04-01T00:00:00.000Z', amount: 5 };
    await documents.send(
      new PutCommand({
        TableName: table,
        Item: { pk: 'CUSTOMER#c2', sk: `ORDER#${legacy.placedAt}#o9`, type: 'order', ...legacy },
      }),
    );
    const store = new DynamoSegmentationStore(dynamodb(), table);
    await importText(
      'orderId,customerId,placedAt,amount\no9,c2,2026-04-01T08:00:00Z,5\n',
      { file: 'orders.csv', kind: 'orders', format: 'csv' },
      store,
    );
    const view = await new DynamoCustomerStore(dynamodb(), table).getCustomerView('c2');
    expect(view?.orders).toEqual([{ ...legacy, placedAt: '2026-04-01T08:00:00.000Z' }]);
    for await (const record of store.scanCustomerRecords())
      if (record.customer.customerId === 'c2') expect(record.orders).toHaveLength(1);
  });
});
