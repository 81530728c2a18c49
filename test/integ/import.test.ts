import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Logger } from '@aws-lambda-powertools/logger';
import { GetObjectCommand } from '@aws-sdk/client-s3';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  DynamoForgottenRegister,
  DynamoPrivacyStore,
} from '../../functions/adapters/dynamo/privacy-store.ts';
import { S3ObjectStore } from '../../functions/adapters/s3/object-store.ts';
import { main } from '../../functions/cli/main.ts';
import { MemoryOutput } from '../../functions/cli/output.ts';
import { erasedResult, makeHandler as makeIngestEvent } from '../../functions/handlers/ingest-event.ts';
import { type LocalRuntime, localNames } from '../../functions/local/local-runtime.ts';
import { VirtualClock } from '../../functions/local/virtual-clock.ts';
import { startTestRuntime } from '../support/local-stack.ts';
import { shopEvent } from '../support/shop-event.ts';

let runtime: LocalRuntime;
let dir: string;

beforeAll(async () => {
  runtime = await startTestRuntime({
    clock: new VirtualClock(Date.parse('2026-11-23T09:00:00Z')),
    // rekindle import runs in this process and reaches the stack through the SDK's endpoint variables.
    exportEnvironment: true,
  });
  dir = await mkdtemp(join(tmpdir(), 'rekindle-import-'));
});

afterAll(async () => {
  await runtime?.stop();
  if (dir !== undefined) await rm(dir, { recursive: true, force: true });
});

/** ingest-event over the runtime's table, as EventBridge invokes it. */
const ingestEvent = () =>
  makeIngestEvent({
    store: runtime.segmentationStore,
    forgotten: new DynamoForgottenRegister(runtime.clients.dynamodb, localNames.tableName),
    logger: new Logger({ logLevel: 'SILENT' }),
  });

async function countItems(): Promise<number> {
  let count = 0;
  for await (const record of runtime.segmentationStore.scanCustomerRecords())
    count += 1 + record.orders.length + record.incidents.length;
  return count;
}

describe('imports against DynamoDB Local', () => {
  it('rekindle import streams a file, reports rejected lines, exits 1, and changes nothing the second time', async () => {
    const customers = join(dir, 'customers.csv');
    await writeFile(
      customers,
      [
        'customerId,email,firstName,locale,timeZone,consent',
        'k1,kavya@example.com,कव्या,hi,Asia/Kolkata,granted',
        'k2,nope,Bad,en,Europe/London,granted',
        'k3,sam@example.com,Sam,en,Atlantis/Nowhere,granted',
        'k4,lee@example.com,李,zh,Asia/Shanghai,unknown',
        'k5,"trunc@example.com',
      ].join('\n'),
    );
    const orders = join(dir, 'orders.jsonl');
    await writeFile(
      orders,
      '{"orderId":"o1","customerId":"k1","placedAt":"2026-05-01","amount":10}\n{"orderId":"o2","customerId":"k4","placedAt":"2026-06-01T10:00:00+05:30","amount":5}\n',
    );
    const args = ['--table', localNames.tableName];
    const out = new MemoryOutput();
    expect(await main(['import', 'customers', customers, ...args], out)).toBe(1);
    expect(out.lines).toEqual([
      `${customers}: 2 customers rows written, 3 rejected`,
      expect.stringMatching(/^ {2}line 3: email/),
      expect.stringMatching(/^ {2}line 4: timeZone/),
      expect.stringMatching(/^ {2}line 6: unterminated quoted field/),
    ]);
    expect(out.errors.at(-1)).toMatch(/100%\s+2 written, 3 rejected/);
    expect(await main(['import', 'orders', orders, ...args], new MemoryOutput())).toBe(0);
    const before = await countItems();
    expect(before).toBe(4);
    expect(await main(['import', 'customers', customers, ...args], new MemoryOutput())).toBe(1);
    expect(await main(['import', 'orders', orders, ...args], new MemoryOutput())).toBe(0);
    expect(await countItems()).toBe(before);
    expect((await runtime.store.getCustomerView('k1'))?.customer.firstName).toBe('कव्या');
  });

  it('rekindle import refuses a missing table and an unknown kind as usage errors', async () => {
    const out = new MemoryOutput();
    const saved = process.env.REKINDLE_TABLE;
    delete process.env.REKINDLE_TABLE;
    expect(await main(['import', 'customers', 'x.csv'], out)).toBe(2);
    expect(await main(['import', 'products', 'x.csv', '--table', 't'], out)).toBe(2);
    if (saved !== undefined) process.env.REKINDLE_TABLE = saved;
    expect(out.errors.join('\n')).toMatch(/REKINDLE_TABLE[\s\S]*customers, orders, incidents/);
  });

  it('an incidents file dropped in S3 is imported with a report next to it; the customer view shows them', async () => {
    const [report] = await runtime.dropImport(
      'incidents-2026-11.jsonl',
      [
        '{"incidentId":"n1","customerId":"k1","kind":"damaged","occurredAt":"2026-05-03","orderId":"o1","ticketOpen":"true"}',
        '{"incidentId":"n2","customerId":"k1","kind":"late","occurredAt":"not a date"}',
      ].join('\n'),
    );
    expect(report).toMatchObject({ kind: 'incidents', written: 1, rejectedTotal: 1 });
    const stored = await runtime.clients.s3.send(
      new GetObjectCommand({
        Bucket: localNames.importBucket,
        Key: 'reports/incidents-2026-11.jsonl.report.json',
      }),
    );
    expect(JSON.parse((await stored.Body?.transformToString()) ?? '{}')).toMatchObject({
      written: 1,
      rejected: [{ line: 2, reason: expect.stringContaining('occurredAt') }],
    });
    const view = await runtime.store.getCustomerView('k1');
    expect(view?.incidents).toEqual([
      expect.objectContaining({ incidentId: 'n1', ticketOpen: true, orderId: 'o1' }),
    ]);
  });

  it('writes nothing about a person erased on request: their import rows are rejected with the reason, their shop events dropped', async () => {
    await runtime.store.putCustomers([
      { customerId: 'gone-1', email: 'gone@example.com', firstName: 'G', locale: 'en', consent: 'granted' },
    ]);
    const privacy = new DynamoPrivacyStore(
      runtime.clients.dynamodb,
      localNames.tableName,
      new S3ObjectStore(runtime.clients.s3),
    );
    await privacy.forgetEmail('gone@example.com', runtime.clock.now());
    const [report] = await runtime.dropImport(
      'customers-after-forget.csv',
      [
        'customerId,email,firstName,locale,consent',
        'gone-1,other@example.com,G,en,granted',
        'new-id,GONE@example.com,G,en,granted',
        'kept-1,kept@example.com,K,en,granted',
      ].join('\n'),
    );
    expect(report).toMatchObject({ written: 1, rejectedTotal: 2 });
    expect(report?.rejected).toEqual([
      { line: 2, reason: 'this person was erased on request (rekindle forget): not imported' },
      { line: 3, reason: 'this person was erased on request (rekindle forget): not imported' },
    ]);
    const ingest = ingestEvent();
    const outcome = await ingest(
      shopEvent('order.placed', {
        orderId: 'o-late',
        customerId: 'gone-1',
        placedAt: '2026-11-22',
        amount: 10,
      }),
    );
    expect(outcome.result).toBe(erasedResult);
    expect(await runtime.store.getCustomerView('gone-1')).toBeUndefined();
    expect(await runtime.store.getCustomerView('new-id')).toBeUndefined();
    expect(await runtime.store.getCustomerView('kept-1')).toBeDefined();
  });

  it('shop events on EventBridge land in the same items; a late "opened" never reopens a resolved incident', async () => {
    const ingest = ingestEvent();
    await ingest(
      shopEvent('order.placed', { orderId: 'o9', customerId: 'k4', placedAt: '2026-11-22', amount: 30 }),
    );
    const incident = { incidentId: 'n9', customerId: 'k4', kind: 'refund_delay', occurredAt: '2026-11-10' };
    await ingest(
      shopEvent('incident.resolved', { ...incident, resolvedAt: '2026-11-12', resolution: 'refund sent' }),
    );
    await ingest(shopEvent('incident.opened', { ...incident, ticketOpen: true }));
    const view = await runtime.store.getCustomerView('k4');
    expect(view?.orders.map((order) => order.orderId)).toEqual(['o2', 'o9']);
    expect(view?.incidents).toEqual([
      expect.objectContaining({ incidentId: 'n9', resolution: 'refund sent', ticketOpen: false }),
    ]);
  });
});
