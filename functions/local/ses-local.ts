import { randomUUID } from 'node:crypto';
import type { Server } from 'node:http';
import { createRequire } from 'node:module';
import type { AddressInfo } from 'node:net';
import * as sesLocalModule from 'aws-ses-v2-local';
import { z } from 'zod';

/** One message as aws-ses-v2-local keeps it in its store (`GET /store`). */
export const StoredEmailSchema = z.object({
  messageId: z.string(),
  from: z.string(),
  replyTo: z.array(z.string()),
  destination: z.object({ to: z.array(z.string()), cc: z.array(z.string()), bcc: z.array(z.string()) }),
  subject: z.string(),
  body: z.object({ html: z.string().optional(), text: z.string().optional() }),
  headers: z.array(z.object({ name: z.string(), value: z.string() })).optional(),
  at: z.number(),
});
export type StoredEmail = z.infer<typeof StoredEmailSchema>;

export interface SesLocal {
  /** The SES v2 API endpoint; its web UI (the outbox) is at the same address. */
  readonly endpoint: string;
  /**
   * Every message sent so far, oldest first. Each call asks the server only for what arrived since
   * the previous one (`GET /store?since=`): at 20,000 customers the whole outbox is 21,000 emails.
   */
  outbox(): Promise<StoredEmail[]>;
  clear(): Promise<void>;
  stop(): Promise<void>;
}

type StartServer = (config: { host: string; port: number }) => Promise<Server>;

/** The package is CommonJS: Node's ESM loader and Vite unwrap its default export differently. */
function resolveStart(): StartServer {
  const candidates: unknown[] = [
    sesLocalModule.default,
    (sesLocalModule.default as { default?: unknown }).default,
  ];
  const start = candidates.find((candidate) => typeof candidate === 'function');
  if (start === undefined) throw new Error('aws-ses-v2-local exports no server function');
  return start as StartServer;
}

/**
 * aws-ses-v2-local draws each message id from 900 million random numbers, so among 20,000 emails two
 * share one in about one run in four, and whatever is keyed by message id (the demo's recipients,
 * SES events) mixes the two up. SES's own ids are unique; these are made unique too, through the
 * module function its send handlers call.
 */
function uniqueMessageIds(): void {
  const util: unknown = createRequire(import.meta.url)('aws-ses-v2-local/dist/util.js');
  if (typeof util !== 'object' || util === null || !('getMessageId' in util))
    throw new Error(
      'aws-ses-v2-local no longer has util.getMessageId: check that its message ids are unique',
    );
  Object.assign(util, { getMessageId: () => `ses-${randomUUID()}` });
}

/** Starts aws-ses-v2-local on 127.0.0.1 and a free port, with an empty outbox and unique message ids. */
export async function startSesLocal(): Promise<SesLocal> {
  uniqueMessageIds();
  const server = await resolveStart()({ host: '127.0.0.1', port: 0 });
  const { port } = server.address() as AddressInfo;
  const endpoint = `http://127.0.0.1:${port}`;
  // aws-ses-v2-local keeps its outbox in module state, shared by every server in the process: a
  // second runtime in the same test file would otherwise see the first one's emails.
  await fetch(`${endpoint}/clear-store`, { method: 'POST' });
  const emptyRead = () => ({ emails: [] as StoredEmail[], ids: new Set<string>(), from: 0 });
  /** The outbox as read so far, and the second (epoch) the next read asks from. */
  let read = emptyRead();
  return {
    endpoint,
    outbox: async () => {
      const response = await fetch(`${endpoint}/store?since=${read.from}`);
      const body = z.object({ emails: z.array(StoredEmailSchema) }).parse(await response.json());
      for (const email of body.emails) {
        if (read.ids.has(email.messageId)) continue;
        read.ids.add(email.messageId);
        read.emails.push(email);
        // Its clock has whole seconds: the next read starts a second early, and drops repeats by id.
        read.from = Math.max(read.from, email.at - 1);
      }
      return [...read.emails];
    },
    clear: async () => {
      await fetch(`${endpoint}/clear-store`, { method: 'POST' });
      read = emptyRead();
    },
    stop: () =>
      new Promise<void>((resolve, reject) => {
        server.closeAllConnections();
        server.close((error) => (error ? reject(error) : resolve()));
      }),
  };
}
