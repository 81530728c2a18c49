import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { SESv2Client, SendEmailCommand } from '@aws-sdk/client-sesv2';
import { describe, expect, it } from 'vitest';
import {
  type SesLocal,
  SesLocalStartError,
  startSesLocal,
  startSesLocalProcess,
} from '../../functions/local/ses-local.ts';

const clientOf = (ses: SesLocal) =>
  new SESv2Client({
    endpoint: ses.endpoint,
    region: 'eu-west-1',
    credentials: { accessKeyId: 'local', secretAccessKey: 'local' },
  });

describe('aws-ses-v2-local as the local runtime starts it', () => {
  it('gives every message a unique id (its own are 9 random digits, shared by two in about 20,000)', async () => {
    const ses = await startSesLocal();
    const client = clientOf(ses);
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

  it('reads the outbox incrementally: every email once, in order, whenever it is read', async () => {
    const ses = await startSesLocal();
    const client = clientOf(ses);
    const send = (index: number) =>
      client.send(
        new SendEmailCommand({
          FromEmailAddress: 'shop@example.com',
          Destination: { ToAddresses: [`r${index}@example.com`] },
          Content: { Simple: { Subject: { Data: `Hi ${index}` }, Body: { Text: { Data: 'Hello' } } } },
        }),
      );
    try {
      const sent: (string | undefined)[] = [];
      for (let index = 0; index < 3; index += 1) sent.push((await send(index)).MessageId);
      expect((await ses.outbox()).map((email) => email.messageId)).toEqual(sent);
      // Within the same second as the last read, and after it: nothing twice, nothing missed.
      for (let index = 3; index < 6; index += 1) sent.push((await send(index)).MessageId);
      expect((await ses.outbox()).map((email) => email.messageId)).toEqual(sent);
      expect((await ses.outbox()).map((email) => email.subject)).toEqual(
        sent.map((_, index) => `Hi ${index}`),
      );
      await ses.clear();
      expect(await ses.outbox()).toEqual([]);
      const after = (await send(9)).MessageId;
      expect((await ses.outbox()).map((email) => email.messageId)).toEqual([after]);
    } finally {
      client.destroy();
      await ses.stop();
    }
  });

  it('runs in a process of its own, each with its own outbox, and stop() ends it', async () => {
    const [first, second] = await Promise.all([startSesLocal(), startSesLocal()]);
    const client = clientOf(first);
    try {
      expect(first.endpoint).not.toBe(second.endpoint);
      await client.send(
        new SendEmailCommand({
          FromEmailAddress: 'shop@example.com',
          Destination: { ToAddresses: ['r@example.com'] },
          Content: { Simple: { Subject: { Data: 'only in the first' }, Body: { Text: { Data: 'x' } } } },
        }),
      );
      expect((await first.outbox()).map((email) => email.subject)).toEqual(['only in the first']);
      expect(await second.outbox()).toEqual([]);
    } finally {
      client.destroy();
      await Promise.all([first.stop(), second.stop()]);
    }
    await expect(fetch(`${first.endpoint}/store`)).rejects.toThrow();
    // A second stop is harmless.
    await first.stop();
  });

  it('names what went wrong when its process prints something else, or exits, instead of its port', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'rekindle-ses-'));
    const script = (name: string, body: string) => {
      const file = join(dir, name);
      writeFileSync(file, body);
      return pathToFileURL(file);
    };
    try {
      await expect(
        startSesLocalProcess(
          script('chatty.mjs', "console.log('listening, I think'); setInterval(() => {}, 1000);"),
        ),
      ).rejects.toThrow(
        new SesLocalStartError(
          'aws-ses-v2-local did not start: it printed "listening, I think", not its port',
        ),
      );
      await expect(
        startSesLocalProcess(script('dies.mjs', "console.error('no such module'); process.exit(3);")),
      ).rejects.toThrow(/did not start: its process exited \(3\)\nno such module/);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
