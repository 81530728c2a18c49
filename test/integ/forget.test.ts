import { ScanCommand } from '@aws-sdk/client-dynamodb';
import { GetObjectCommand, NoSuchKey, PutObjectCommand } from '@aws-sdk/client-s3';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildRuntimeBundle } from '../../functions/build/runtime-bundle.ts';
import { forgetCommand } from '../../functions/cli/commands/forget.ts';
import { MemoryOutput } from '../../functions/cli/output.ts';
import { type LocalRuntime, localNames, startLocalRuntime } from '../../functions/local/local-runtime.ts';
import { VirtualClock } from '../../functions/ports/clock.ts';

const start = Date.parse('2026-11-23T09:00:00Z');
const email = 'Forget.Me@Example.com';
let runtime: LocalRuntime;

beforeAll(async () => {
  const bundle = await buildRuntimeBundle({ configFile: 'config/rekindle.yaml', templatesDir: 'templates' });
  runtime = await startLocalRuntime({ clock: new VirtualClock(start), bundle, logLevel: 'SILENT' });
});

afterAll(async () => {
  await runtime?.stop();
});

async function tableText(): Promise<string> {
  const page = await runtime.clients.dynamodb.send(new ScanCommand({ TableName: localNames.tableName }));
  return JSON.stringify(page.Items ?? []).toLowerCase();
}

describe('rekindle forget', () => {
  it('erases every item and raw reply of the person, keeps only a hashed tombstone, and is idempotent', async () => {
    await runtime.store.putCustomers([
      {
        customerId: 'f1',
        email: 'forget.me@example.com',
        firstName: 'Mira',
        locale: 'en',
        consent: 'granted',
      },
      { customerId: 'keep', email: 'keep@example.com', firstName: 'Kay', locale: 'en', consent: 'granted' },
    ]);
    await runtime.store.putOrders([
      { orderId: 'o1', customerId: 'f1', placedAt: '2026-01-02T00:00:00.000Z', amount: 5 },
    ]);
    const s3Key = `${localNames.inboundPrefix}mail-forget`;
    await runtime.clients.s3.send(
      new PutObjectCommand({
        Bucket: localNames.inboundBucket,
        Key: s3Key,
        Body: 'From: forget.me@example.com\r\n\r\nhi',
      }),
    );
    await runtime.engagement.record({
      eventId: 'reply-forget',
      type: 'reply',
      at: start,
      customerId: 'f1',
      detail: { kind: 'human', excerpt: 'hi', s3Key, from: 'forget.me@example.com' },
    });
    await runtime.engagement.suppress('forget.me@example.com', ['f1'], 'complaint', start);
    expect(await tableText()).toContain('forget.me@example.com');

    const out = new MemoryOutput();
    const code = await forgetCommand.run(
      [email, '--table', localNames.tableName, '--inbound-bucket', localNames.inboundBucket],
      out,
    );

    expect(code).toBe(0);
    expect(out.lines[0]).toMatch(/forgot 1 customer\(s\): \d+ items and 1 raw replies deleted/);
    expect(await tableText()).not.toContain('forget.me@example.com');
    expect(await runtime.store.getCustomerView('f1')).toBeUndefined();
    expect(await runtime.store.getCustomerView('keep')).toBeDefined();
    await expect(
      runtime.clients.s3.send(new GetObjectCommand({ Bucket: localNames.inboundBucket, Key: s3Key })),
    ).rejects.toBeInstanceOf(NoSuchKey);
    // Re-imported later, the address is still never written to.
    expect(await runtime.engagement.suppressionOf('forget.me@example.com')).toMatchObject({
      reason: 'manual',
    });

    const again = new MemoryOutput();
    await forgetCommand.run([email, '--table', localNames.tableName], again);
    expect(again.lines[0]).toMatch(/forgot 0 customer\(s\): 0 items/);
  });

  it('never emails a forgotten address that is imported again', async () => {
    await runtime.store.putCustomers([
      {
        customerId: 'f2',
        email: 'forget.me@example.com',
        firstName: 'Mira',
        locale: 'en',
        consent: 'granted',
      },
    ]);
    const enrolmentId = 'gentle-winback-20261123-forget';
    await runtime.store.createEnrolment({
      enrolmentId,
      customerId: 'f2',
      sequenceId: 'gentle-winback',
      segmentId: 'lapsed',
      enrolledAt: start,
      state: 'active',
    });
    const before = (await runtime.ses.outbox()).length;
    const message = {
      version: 1,
      customerId: 'f2',
      enrolmentId,
      sequenceId: 'gentle-winback',
      segmentId: 'lapsed',
      stepIndex: 0,
      dueAt: start,
    };
    // Monday 09:00 in London: inside the send window, so only the suppression can stop it.
    await runtime.sendQueue.deliver({ body: JSON.stringify(message) });
    expect(await runtime.ses.outbox()).toHaveLength(before);
    const view = await runtime.store.getCustomerView('f2');
    expect(view?.enrolments[0]).toMatchObject({ state: 'exited', exitReason: 'suppressed' });
  });

  it('refuses a malformed address without touching anything', async () => {
    await expect(
      forgetCommand.run(['not-an-email', '--table', localNames.tableName], new MemoryOutput()),
    ).rejects.toThrow(/one email address/);
  });
});
