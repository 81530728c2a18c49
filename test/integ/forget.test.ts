import { readFileSync } from 'node:fs';
import { ScanCommand } from '@aws-sdk/client-dynamodb';
import { GetObjectCommand, NoSuchKey, PutObjectCommand } from '@aws-sdk/client-s3';
import type { APIGatewayProxyEventV2 } from 'aws-lambda';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DynamoPrivacyStore } from '../../functions/adapters/dynamo/privacy-store.ts';
import { S3ObjectStore } from '../../functions/adapters/s3/object-store.ts';
import { forgetCommand } from '../../functions/cli/commands/forget.ts';
import { MemoryOutput } from '../../functions/cli/output.ts';
import { signLink } from '../../functions/core/domain/links.ts';
import { replyAddressFor } from '../../functions/core/inbound/receive-reply.ts';
import { type LocalRuntime, localNames } from '../../functions/local/local-runtime.ts';
import { VirtualClock } from '../../functions/local/virtual-clock.ts';
import { enrolCustomer, startTestRuntime } from '../support/local-stack.ts';

const start = Date.parse('2026-11-23T09:00:00Z');
const email = 'Forget.Me@Example.com';
let runtime: LocalRuntime;

beforeAll(async () => {
  // forget runs in this process and reaches the stack through the SDK's endpoint variables.
  runtime = await startTestRuntime({ clock: new VirtualClock(start), exportEnvironment: true });
});

afterAll(async () => {
  await runtime?.stop();
});

/** The RFC 8058 one-click POST a mailbox provider sends for a List-Unsubscribe link. */
function oneClick(token: string): APIGatewayProxyEventV2 {
  return {
    version: '2.0',
    routeKey: '$default',
    rawPath: '/u',
    rawQueryString: `t=${token}`,
    headers: { 'content-type': 'application/x-www-form-urlencoded' },
    queryStringParameters: { t: token },
    requestContext: {
      accountId: 'anonymous',
      apiId: 'local',
      domainName: 'unsubscribe.northwind.example',
      domainPrefix: 'unsubscribe',
      http: {
        method: 'POST',
        path: '/u',
        protocol: 'HTTP/1.1',
        sourceIp: '127.0.0.1',
        userAgent: 'mailbox-provider',
      },
      requestId: 'late',
      routeKey: '$default',
      stage: '$default',
      time: '23/Nov/2026:09:00:00 +0000',
      timeEpoch: start,
    },
    body: 'List-Unsubscribe=One-Click',
    isBase64Encoded: false,
  };
}

async function tableText(): Promise<string> {
  const page = await runtime.clients.dynamodb.send(new ScanCommand({ TableName: localNames.tableName }));
  return JSON.stringify(page.Items ?? []).toLowerCase();
}

/** The records of refused inbound mail in the table, with the raw mail each points at. */
async function inboundRecords(): Promise<{ from: string | undefined; s3Key: string }[]> {
  const page = await runtime.clients.dynamodb.send(
    new ScanCommand({
      TableName: localNames.tableName,
      FilterExpression: '#type = :inbound',
      ExpressionAttributeNames: { '#type': 'type' },
      ExpressionAttributeValues: { ':inbound': { S: 'inbound' } },
    }),
  );
  return (page.Items ?? []).map((item) => ({ from: item.from?.S, s3Key: item.s3Key?.S ?? '' }));
}

async function rawMailExists(key: string): Promise<boolean> {
  try {
    await runtime.clients.s3.send(new GetObjectCommand({ Bucket: localNames.inboundBucket, Key: key }));
    return true;
  } catch (error: unknown) {
    if (error instanceof NoSuchKey) return false;
    throw error;
  }
}

/** A received mail in the inbound bucket, as SES stores it. */
async function putRawMail(key: string, body: string): Promise<void> {
  await runtime.clients.s3.send(
    new PutObjectCommand({ Bucket: localNames.inboundBucket, Key: key, Body: body }),
  );
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
    await putRawMail(s3Key, 'From: forget.me@example.com\r\n\r\nhi');
    await runtime.engagement.ledger.record({
      eventId: 'reply-forget',
      type: 'reply',
      at: start,
      customerId: 'f1',
      detail: { kind: 'human', excerpt: 'hi', s3Key, from: 'forget.me@example.com' },
    });
    await runtime.engagement.contacts.suppress('forget.me@example.com', ['f1'], 'complaint', start);
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
    expect(await runtime.engagement.contacts.suppressionOf('forget.me@example.com')).toMatchObject({
      reason: 'manual',
    });

    const again = new MemoryOutput();
    await forgetCommand.run([email, '--table', localNames.tableName], again);
    expect(again.lines[0]).toMatch(/forgot 0 customer\(s\): 0 items/);
  });

  it('never emails a forgotten address that is imported again', async () => {
    const enrolmentId = await enrolCustomer(
      runtime,
      {
        customerId: 'f2',
        email: 'forget.me@example.com',
        firstName: 'Mira',
        locale: 'en',
        consent: 'granted',
      },
      start,
      'gentle-winback-20261123-forget',
    );
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

  it('erases refused inbound mail from the address or about its customer, and the raw mail, keeping other senders', async () => {
    await runtime.store.putCustomers([
      { customerId: 'f3', email: 'ada.away@example.com', firstName: 'Ada', locale: 'en', consent: 'granted' },
    ]);
    // Both out-of-office replies answer a mail of customer `keep` (forwarded): only the sender tells them apart.
    const to =
      replyAddressFor(
        { customerId: 'keep', stepIndex: 0 },
        localNames.linkSigningKey,
        'reply.northwind.example',
      ) ?? '';
    const outOfOffice = (from: string) =>
      `From: ${from}\r\nTo: ${to}\r\nSubject: Out of office\r\nAuto-Submitted: auto-replied\r\n\r\nBack on Monday.\r\n`;
    const [fromAda] = await runtime.dropInbound(outOfOffice('"Ada Away" <ADA.Away@Example.com>'), [to]);
    const [fromOther] = await runtime.dropInbound(outOfOffice('Otto <otto@example.com>'), [to]);
    // Refused before it was a reply: sent to an address that is no reply address, and a forged token.
    const [notReply] = await runtime.dropInbound(
      'From: ada.away@example.com\r\nTo: hello@reply.northwind.example\r\nSubject: Hello?\r\n\r\nAnyone there?\r\n',
      ['hello@reply.northwind.example'],
    );
    const forgedTo = to.replace(/\.[A-Za-z2-7]+@/, '.aaaaaaaaaaaaaaaa@');
    const [forged] = await runtime.dropInbound(
      `From: Ada <ada.away@example.com>\r\nTo: ${forgedTo}\r\nSubject: Re: hi\r\n\r\nHi\r\n`,
      [forgedTo],
    );
    expect([fromAda?.kind, fromOther?.kind, notReply?.kind, forged?.kind]).toEqual([
      'auto-reply',
      'auto-reply',
      'rejected',
      'rejected',
    ]);
    const received = await inboundRecords();
    const adaKeys = received
      .filter((record) => record.from?.toLowerCase() === 'ada.away@example.com')
      .map((record) => record.s3Key);
    expect(adaKeys).toHaveLength(3);
    const otherKey = received.find((record) => record.from === 'otto@example.com')?.s3Key;
    // Written by other code or before the address was parsed: a display name, 80 days old; no sender, but her customer.
    const older = `${localNames.inboundPrefix}mail-old-refusal`;
    const unreadable = `${localNames.inboundPrefix}mail-unreadable`;
    for (const key of [older, unreadable]) await putRawMail(key, 'From: ada.away@example.com');
    await runtime.engagement.inbound.recordInbound({
      mailId: 'old-refusal',
      receivedAt: runtime.clock.now() - 80 * 86_400_000,
      outcome: 'rejected',
      reason: 'forged or altered reply token',
      s3Key: older,
      from: 'Ada Away <Ada.Away@example.com>',
    });
    await runtime.engagement.inbound.recordInbound({
      mailId: 'unreadable',
      receivedAt: runtime.clock.now(),
      outcome: 'rejected',
      reason: 'unreadable MIME: boundary',
      s3Key: unreadable,
      customerId: 'f3',
    });
    expect(otherKey).toBeDefined();
    const doomedKeys = [...adaKeys, older, unreadable];

    const privacy = new DynamoPrivacyStore(
      runtime.clients.dynamodb,
      localNames.tableName,
      new S3ObjectStore(runtime.clients.s3),
      localNames.inboundBucket,
    );
    const report = await privacy.forgetEmail('Ada.Away@Example.com', runtime.clock.now());

    expect(report).toMatchObject({ customerIds: ['f3'], rawMailsDeleted: 5 });
    expect(await tableText()).not.toContain('ada.away@example.com');
    expect(await inboundRecords()).toEqual([{ from: 'otto@example.com', s3Key: otherKey }]);
    for (const key of doomedKeys) expect(await rawMailExists(key)).toBe(false);
    expect(await rawMailExists(otherKey ?? '')).toBe(true);
  });

  it('re-creates nothing after the erasure: an old unsubscribe link, a late reply and a late SES complaint write nothing and forward nothing', async () => {
    const address = 'late.writer@example.com';
    const enrolmentId = await enrolCustomer(
      runtime,
      { customerId: 'f5', email: address, firstName: 'Lena', locale: 'en', consent: 'granted' },
      start,
      'gentle-winback-20261123-late',
    );
    const privacy = new DynamoPrivacyStore(
      runtime.clients.dynamodb,
      localNames.tableName,
      new S3ObjectStore(runtime.clients.s3),
      localNames.inboundBucket,
    );
    await privacy.forgetEmail(address, runtime.clock.now());
    const forwardedBefore = (await runtime.ses.outbox()).length;

    // The link in an email sent before the erasure.
    const token = signLink(
      { customerId: 'f5', enrolmentId, stepIndex: 0, purpose: 'unsubscribe' },
      localNames.linkSigningKey,
    );
    const page = await runtime.handlers.unsubscribe(oneClick(token));
    expect(page.statusCode).toBe(200);
    // A reply that arrives afterwards: nothing kept, and its raw mail is deleted too.
    const to =
      replyAddressFor(
        { customerId: 'f5', stepIndex: 0 },
        localNames.linkSigningKey,
        'reply.northwind.example',
      ) ?? '';
    const [reply] = await runtime.dropInbound(
      `From: Lena <${address}>\r\nTo: ${to}\r\nSubject: Re: hello\r\nIn-Reply-To: <x@northwind.example>\r\n\r\nPlease call me about my refund.\r\n`,
      [to],
    );
    expect(reply).toEqual({ kind: 'forgotten' });
    const mailKeys = (await inboundRecords())
      .filter((record) => record.from === undefined)
      .map((record) => record.s3Key);
    for (const key of mailKeys) expect(await rawMailExists(key)).toBe(false);
    // SES reports a complaint about a message sent before the erasure.
    const complaint = JSON.parse(readFileSync('test/fixtures/ses-events/complaint.json', 'utf8'));
    complaint.detail.mail.destination = [address];
    complaint.detail.mail.tags.customer = ['f5'];
    complaint.detail.mail.tags.enrolment = [enrolmentId];
    for (const recipient of complaint.detail.complaint.complainedRecipients) recipient.emailAddress = address;
    expect(await runtime.publishSesEvents([complaint])).toEqual([{ kind: 'forgotten' }]);

    expect(await tableText()).not.toContain(address);
    expect(await tableText()).not.toContain('please call me');
    expect(await runtime.store.getCustomerView('f5')).toBeUndefined();
    expect((await runtime.ses.outbox()).length).toBe(forwardedBefore);
    const again = await privacy.forgetEmail(address, runtime.clock.now());
    expect(again).toEqual({ customerIds: [], itemsDeleted: 0, rawMailsDeleted: 0 });
  });

  it('refuses a malformed address without touching anything', async () => {
    await expect(
      forgetCommand.run(['not-an-email', '--table', localNames.tableName], new MemoryOutput()),
    ).rejects.toThrow(/one email address/);
  });
});
