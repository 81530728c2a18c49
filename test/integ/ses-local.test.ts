import { SESv2Client, SendEmailCommand } from '@aws-sdk/client-sesv2';
import { describe, expect, it } from 'vitest';
import { startSesLocal } from '../../functions/local/ses-local.ts';

describe('aws-ses-v2-local as the local runtime starts it', () => {
  it('gives every message a unique id (its own are 9 random digits, shared by two in about 20,000)', async () => {
    const ses = await startSesLocal();
    const client = new SESv2Client({
      endpoint: ses.endpoint,
      region: 'eu-west-1',
      credentials: { accessKeyId: 'local', secretAccessKey: 'local' },
    });
    try {
      const ids = await Promise.all(
        Array.from({ length: 50 }, (_, index) =>
          client.send(
            new SendEmailCommand({
              FromEmailAddress: 'shop@example.com',
              Destination: { ToAddresses: [`r${index}@example.com`] },
              Content: { Simple: { Subject: { Data: 'Hi' }, Body: { Text: { Data: 'Hello' } } } },
            }),
          ),
        ),
      );
      const messageIds = ids.map((result) => result.MessageId);
      for (const id of messageIds)
        expect(id).toMatch(/^ses-[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/);
      expect(new Set(messageIds).size).toBe(50);
      expect((await ses.outbox()).map((email) => email.messageId).sort()).toEqual([...messageIds].sort());
    } finally {
      client.destroy();
      await ses.stop();
    }
  });
});
