import { Logger } from '@aws-lambda-powertools/logger';
import { describe, expect, it } from 'vitest';
import { SesEventBridgeEventSchema } from '../../../functions/core/engagement/ses-event.ts';
import { makeHandler as makeImportFile } from '../../../functions/handlers/import-file.ts';
import { functionUrlEvent } from '../../../functions/local/events/function-url-event.ts';
import { s3ObjectCreated } from '../../../functions/local/events/s3-notification.ts';
import { sesEvent } from '../../../functions/local/events/ses-event.ts';
import { sesReceiptEvent } from '../../../functions/local/events/ses-receipt-event.ts';

const at = Date.parse('2026-12-02T09:00:00Z');
const mail = {
  timestamp: new Date(at).toISOString(),
  messageId: 'm-1',
  destination: ['a@example.com'],
  tags: {},
};

describe('the local event builders', () => {
  it('encode an S3 key as S3 does, so import-file reads back the key that was written', async () => {
    const key = 'imports/notes über 1+1 & more.txt';
    const written: { key: string; text: string }[] = [];
    const importFile = makeImportFile({
      store: { putCustomers: async () => {}, putOrders: async () => {}, putIncidents: async () => {} },
      objects: {
        getText: async () => '',
        putText: async (_bucket, reportKey, text) => {
          written.push({ key: reportKey, text });
        },
        deleteObject: async () => {},
      },
      forgotten: { forgotten: async () => ({ customerIds: new Set(), emails: new Set() }) },
      logger: new Logger({ logLevel: 'SILENT' }),
    });
    const event = s3ObjectCreated('bucket', key, 10);
    expect(event.Records[0]?.s3.object.key).toBe('imports/notes+%C3%BCber+1%2B1+%26+more.txt');
    await importFile(event);
    expect(JSON.parse(written[0]?.text ?? '{}').file).toBe(key);
  });

  it('build SES events the engagement parser accepts, each type with its fields under its own key', () => {
    for (const [eventType, key, fields] of [
      ['Send', 'send', {}],
      ['DeliveryDelay', 'deliveryDelay', { timestamp: mail.timestamp, delayType: 'MailboxFull' }],
      ['Rendering Failure', 'failure', { errorMessage: 'no such variable' }],
      [
        'Bounce',
        'bounce',
        {
          timestamp: mail.timestamp,
          bounceType: 'Permanent',
          bouncedRecipients: [{ emailAddress: 'a@example.com' }],
        },
      ],
    ] as const) {
      const event = sesEvent({
        eventType,
        detailType: `Email ${eventType}`,
        mail,
        fields,
        at,
        seed: 'm-1/0',
      });
      expect(event.detail).toEqual({ eventType, mail, [key]: fields });
      expect(SesEventBridgeEventSchema.safeParse(event).success).toBe(true);
    }
    const again = (seed: string) =>
      sesEvent({ eventType: 'Send', detailType: 'Email Sent', mail, fields: {}, at, seed });
    expect(again('m-1/0').id).toBe(again('m-1/0').id);
    expect(again('m-1/0').id).not.toBe(again('m-1/1').id);
  });

  it('build Function URL events as the URL passes them: query parameters, a base64 or plain body', () => {
    const posted = functionUrlEvent({
      method: 'POST',
      url: new URL('https://unsubscribe.example/u?t=token'),
      headers: { 'content-type': 'application/x-www-form-urlencoded', 'user-agent': 'mailbox-provider' },
      body: Buffer.from('List-Unsubscribe=One-Click').toString('base64'),
      isBase64Encoded: true,
      sourceIp: '127.0.0.1',
      requestId: 'r1',
      at: new Date(at),
    });
    expect(posted).toMatchObject({
      rawPath: '/u',
      rawQueryString: 't=token',
      queryStringParameters: { t: 'token' },
      isBase64Encoded: true,
      requestContext: {
        domainName: 'unsubscribe.example',
        http: { method: 'POST', userAgent: 'mailbox-provider' },
      },
    });
    const got = functionUrlEvent({
      method: 'GET',
      url: new URL('http://127.0.0.1/'),
      headers: {},
      sourceIp: '127.0.0.1',
      requestId: 'r2',
      at: new Date(at),
    });
    expect(got.queryStringParameters).toBeUndefined();
    expect(got.body).toBeUndefined();
    expect(got.isBase64Encoded).toBe(false);
  });

  it('build the receipt rule event for a stored mail, naming its recipients', () => {
    const event = sesReceiptEvent({ mailId: 'mail-1', recipients: ['reply@example.com'], at });
    expect(event.Records[0]?.ses.mail.messageId).toBe('mail-1');
    expect(event.Records[0]?.ses.receipt.recipients).toEqual(['reply@example.com']);
  });
});
