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
  /** Every message sent so far, oldest first. */
  /** The outbox; with `since` (epoch ms, real time), only what arrived from that second on. */
  outbox(options?: { since?: number }): Promise<StoredEmail[]>;
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
  return {
    endpoint,
    outbox: async (options = {}) => {
      const since = options.since === undefined ? '' : `?since=${Math.floor(options.since / 1000)}`;
      const response = await fetch(`${endpoint}/store${since}`);
      const body = z.object({ emails: z.array(StoredEmailSchema) }).parse(await response.json());
      return body.emails;
    },
    clear: async () => {
      await fetch(`${endpoint}/clear-store`, { method: 'POST' });
    },
    stop: () =>
      new Promise<void>((resolve, reject) => {
        server.closeAllConnections();
        server.close((error) => (error ? reject(error) : resolve()));
      }),
  };
}
