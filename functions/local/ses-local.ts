import { type ChildProcess, spawn } from 'node:child_process';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';
import * as z from 'zod';
import { stopChild } from './child-process.ts';

/**
 * One message as aws-ses-v2-local keeps it in its store (`GET /store`): the fields and headers of
 * Simple content as sent, not the message tags nor a raw MIME message (the demo builds its `.eml`
 * from these, see demo-outbox.ts); `at` is the emulator's wall clock in whole seconds.
 */
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

/** The child's first line: where aws-ses-v2-local listens. */
const ReadySchema = z.object({ port: z.number().int().positive() });

/** aws-ses-v2-local failed to start in its child process. */
export class SesLocalStartError extends Error {
  override readonly name = 'SesLocalStartError';
}

const sesLocalScript = new URL('./ses-local-process.mjs', import.meta.url);

/**
 * Starts `script` (ses-local-process.mjs) with Node and resolves with the port it prints on its
 * first line. A process that prints anything else, exits or stays silent for 30 s is killed, and
 * the error carries the end of what it wrote to stderr.
 */
export function startSesLocalProcess(
  script: URL = sesLocalScript,
): Promise<{ child: ChildProcess; port: number }> {
  const child = spawn(process.execPath, [fileURLToPath(script)], { stdio: 'pipe' });
  let log = '';
  child.stderr.on('data', (chunk: Buffer) => {
    log = (log + chunk.toString()).slice(-4_000);
  });
  return new Promise((resolve, reject) => {
    const failed = (why: string) => {
      clearTimeout(timer);
      child.kill('SIGKILL');
      reject(new SesLocalStartError(`aws-ses-v2-local did not start: ${why}${log === '' ? '' : `\n${log}`}`));
    };
    const timer = setTimeout(() => failed('no port within 30 s'), 30_000);
    child.once('error', (error) => failed(error.message));
    // 'close', not 'exit': by then its stderr has been read to the end.
    child.once('close', (code, signal) => failed(`its process exited (${signal ?? code})`));
    const lines = createInterface({ input: child.stdout });
    lines.once('line', (line) => {
      let json: unknown;
      try {
        json = JSON.parse(line);
      } catch {
        json = undefined;
      }
      const ready = ReadySchema.safeParse(json);
      if (!ready.success) return failed(`it printed "${line.slice(0, 200)}", not its port`);
      clearTimeout(timer);
      child.removeAllListeners('close');
      child.removeAllListeners('error');
      lines.close();
      // Whatever it prints later is read and dropped, so that it never blocks on a full pipe.
      child.stdout.resume();
      resolve({ child, port: ready.data.port });
    });
  });
}

/**
 * Starts aws-ses-v2-local on 127.0.0.1 and a free port, with an empty outbox and unique message
 * ids, in a child process: at 20,000 customers its HTTP and parsing work is a tenth of what the
 * demo's handlers do, and in a process of its own it runs on the other core.
 */
export async function startSesLocal(): Promise<SesLocal> {
  const { child, port } = await startSesLocalProcess();
  const endpoint = `http://127.0.0.1:${port}`;
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
    // Closing its stdin asks it to close its server and exit.
    stop: () => stopChild(child, (running) => running.stdin?.end()),
  };
}
