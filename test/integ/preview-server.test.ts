import { once } from 'node:events';
import { mkdtemp, rm } from 'node:fs/promises';
import { createServer, type Server } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { readShopFiles } from '../../functions/cli/commands/plan.ts';
import { previewCommand } from '../../functions/cli/commands/preview.ts';
import { MemoryOutput } from '../../functions/cli/output.ts';
import {
  PreviewPortError,
  type PreviewServer,
  startPreviewServer,
} from '../../functions/local/preview/server.ts';
import type { SesLocal } from '../../functions/local/ses-local.ts';
import { writeLapsedShop } from '../support/lapsed-shop.ts';
import { MemoryMailer } from '../support/memory-mailer.ts';

// Records every emulator the preview starts, so the test can check that it was stopped.
const started = vi.hoisted((): SesLocal[] => []);
vi.mock('../../functions/local/ses-local.ts', async (importOriginal) => {
  const original = await importOriginal<typeof import('../../functions/local/ses-local.ts')>();
  return {
    ...original,
    startSesLocal: async () => {
      const ses = await original.startSesLocal();
      started.push(ses);
      return ses;
    },
  };
});

let blocker: Server;
let takenPort: number;

beforeEach(async () => {
  started.length = 0;
  blocker = createServer();
  blocker.listen(0, '127.0.0.1');
  await once(blocker, 'listening');
  const address = blocker.address();
  if (address === null || typeof address === 'string') throw new Error('the blocker has no TCP port');
  takenPort = address.port;
});

afterEach(async () => {
  blocker.close();
  await once(blocker, 'close');
});

const isListening = (endpoint: string) =>
  fetch(endpoint).then(
    () => true,
    () => false,
  );

// Before the fix the start never settled; fail in seconds rather than at the integ timeout.
const timeout = 30_000;

describe('rekindle preview on a port that is taken', () => {
  it(
    'rejects with a message naming the port and --port, and stops the SES emulator it started',
    async () => {
      const attempt = startPreviewServer({ port: takenPort });

      await expect(attempt).rejects.toBeInstanceOf(PreviewPortError);
      await expect(attempt).rejects.toThrow(`port ${takenPort} on 127.0.0.1 is already in use`);
      await expect(attempt).rejects.toThrow('--port');
      expect(started).toHaveLength(1);
      expect(await isListening(started[0]?.endpoint ?? '')).toBe(false);
    },
    timeout,
  );

  it(
    'prints that message and exits 1 from the command, without a stack trace',
    async () => {
      const out = new MemoryOutput();

      const code = await previewCommand.run(['--port', String(takenPort)], out);

      expect(code).toBe(1);
      expect(out.errors).toEqual([
        `rekindle preview: port ${takenPort} on 127.0.0.1 is already in use; choose another with --port N (0 picks a free one)`,
      ]);
      expect(out.lines).toEqual([]);
      expect(started).toHaveLength(1);
      expect(await isListening(started[0]?.endpoint ?? '')).toBe(false);
    },
    timeout,
  );
});

describe("rekindle preview with the shop's own files", () => {
  it('lists the customers the import reads and shows each one’s email and sequence timeline', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'rekindle-preview-shop-'));
    let server: PreviewServer | undefined;
    try {
      const { customers, orders } = await writeLapsedShop(dir);
      const read = await readShopFiles(
        { customers: { file: customers }, orders: { file: orders } },
        undefined,
        new MemoryOutput(),
      );
      if ('errors' in read) throw new Error(read.errors.join('\n'));

      server = await startPreviewServer({
        port: 0,
        shop: read.data,
        mailer: new MemoryMailer(),
        timelineStart: '2026-03-02',
      });
      const page = await (await fetch(`${server.url}?template=checking-in&locale=en&customer=c3`)).text();

      expect(page).toContain('12 customers from the shop&#39;s files');
      expect(page).toContain('<h1>checking-in · en · Ana3 (c3)</h1>');
      expect(page).toContain('Sequence timeline for Ana3 (c3)');
      // Lapsed 200 days when the timeline starts: gentle-winback, or held out of it.
      expect(page).toMatch(/enrolled in gentle-winback|held out of gentle-winback/);
      const email = await fetch(`${server.url}email?template=checking-in&locale=en&customer=c3`);
      expect(await email.text()).toContain('Ana3');
      const unknown = await fetch(`${server.url}email?template=checking-in&locale=en&customer=nobody`);
      expect(unknown.status).toBe(404);
    } finally {
      await server?.stop();
      await rm(dir, { recursive: true, force: true });
    }
  });
});
