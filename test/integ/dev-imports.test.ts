import { readFileSync } from 'node:fs';
import { GetObjectCommand, PutObjectCommand } from '@aws-sdk/client-s3';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type LocalRuntime, localNames, type UploadImport } from '../../functions/local/local-runtime.ts';
import { VirtualClock } from '../../functions/local/virtual-clock.ts';
import { startTestRuntime } from '../support/local-stack.ts';

let runtime: LocalRuntime;
const outcomes: UploadImport[] = [];

beforeAll(async () => {
  // As `rekindle dev` starts it: uploads under imports/ are imported.
  runtime = await startTestRuntime({
    clock: new VirtualClock(Date.parse('2026-04-01T09:00:00Z')),
    importUploads: true,
    onUploadImported: (outcome) => outcomes.push(outcome),
  });
});

afterAll(async () => {
  await runtime?.stop();
});

/** Uploads a file as the AWS CLI would (`aws s3 cp FILE s3://rekindle-imports/KEY`). */
const upload = (key: string, body: string | Buffer) =>
  runtime.clients.s3.send(new PutObjectCommand({ Bucket: localNames.importBucket, Key: key, Body: body }));

const report = async (key: string) => {
  const object = await runtime.clients.s3.send(
    new GetObjectCommand({ Bucket: localNames.importBucket, Key: key }),
  );
  return JSON.parse((await object.Body?.transformToString()) ?? '{}');
};

describe('the local stack imports what lands in its import bucket', () => {
  it('imports a Shopify export uploaded under imports/ and writes its report beside it, as the stack does', async () => {
    await upload(
      'imports/customers_export.csv',
      readFileSync('test/fixtures/platforms/shopify/customers_export.csv'),
    );
    await upload(
      'imports/orders_export.csv',
      readFileSync('test/fixtures/platforms/shopify/orders_export.csv'),
    );
    await runtime.uploadsImported();
    expect(outcomes.map((outcome) => outcome.key)).toEqual([
      'imports/customers_export.csv',
      'imports/orders_export.csv',
    ]);
    expect(await report('reports/orders_export.csv.report.json')).toMatchObject({
      kind: 'orders',
      layout: 'Shopify orders export',
      written: 5,
      rejectedTotal: 0,
    });
    const view = await runtime.store.getCustomerView('asha.rao@example.com');
    expect(view?.orders.map((order) => order.orderId)).toContain('1001');
    // Its own report (under reports/) and files elsewhere are not imported.
    await upload('elsewhere/orders.csv', 'orderId,customerId,placedAt\n');
    await runtime.uploadsImported();
    expect(outcomes).toHaveLength(2);
  });

  it('reports a file it cannot import by name, and a file with bad rows line by line', async () => {
    await upload('imports/notes.txt', 'hello');
    await upload('imports/orders-bad.csv', 'orderId,customerId,placedAt\no1,c1,yesterday\n');
    await runtime.uploadsImported();
    expect(await report('reports/notes.txt.report.json')).toMatchObject({
      error: expect.stringMatching(/unknown file/),
    });
    expect(await report('reports/orders-bad.csv.report.json')).toMatchObject({
      written: 0,
      rejectedTotal: 1,
      rejected: [{ line: 2 }],
    });
  });
});
