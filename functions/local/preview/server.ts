import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { SESv2Client } from '@aws-sdk/client-sesv2';
import { SesMailer } from '../../adapters/ses/ses-mailer.ts';
import { buildRuntimeBundle, type RuntimeBundle } from '../../build/runtime-bundle.ts';
import type { StepMessage } from '../../core/domain/step-message.ts';
import { composeEmail } from '../../core/rendering/compose-email.ts';
import type { Mailer } from '../../ports/mailer.ts';
import { startSesLocal } from '../ses-local.ts';
import { renderPage } from './page.ts';
import { type PreviewSample, previewSamples } from './samples.ts';

export interface PreviewServerOptions {
  /** Default: a free port. */
  readonly port?: number;
  /** Default `config/rekindle.yaml`. */
  readonly configFile?: string;
  /** Default `templates`. */
  readonly templatesDir?: string;
  /** Where "send test" goes. Default: a local aws-ses-v2-local started for the preview. */
  readonly mailer?: Mailer;
}

/** The preview's port is taken (or not ours to use); the message names it and the way out. */
export class PreviewPortError extends Error {
  override readonly name = 'PreviewPortError';
}

export interface PreviewServer {
  readonly url: string;
  /** The SES outbox web UI when the preview started its own emulator. */
  readonly sesUrl?: string;
  stop(): Promise<void>;
}

/** One card on the page: a template in a locale for a sample customer. */
export interface PreviewCase {
  readonly template: string;
  readonly locale: string;
  readonly sample: PreviewSample;
}

const previewLinks = { unsubscribeUrl: 'https://preview.invalid/unsubscribe', signingKey: 'preview-only' };

function compose(bundle: RuntimeBundle, { template, locale, sample }: PreviewCase) {
  const message: StepMessage = {
    version: 1,
    customerId: sample.view.customer.customerId,
    enrolmentId: `preview-${sample.id}`,
    sequenceId: 'preview',
    segmentId: 'preview',
    stepIndex: 0,
    dueAt: 0,
  };
  return composeEmail({
    view: { ...sample.view, customer: { ...sample.view.customer, locale } },
    message,
    step: { id: 'preview', template, delay: 0, promotional: false },
    config: bundle.config,
    templates: bundle.templates,
    links: previewLinks,
  });
}

/** Every template in every locale it has, plus one locale it lacks (to show the fallback). */
export function previewCases(bundle: RuntimeBundle): PreviewCase[] {
  const compiled = Object.values(bundle.templates);
  const templates = [...new Set(compiled.map((t) => t.id))].sort();
  const locales = [...new Set(compiled.map((t) => t.locale))].sort();
  return templates.flatMap((template) =>
    [...locales, 'fr'].flatMap((locale) => previewSamples.map((sample) => ({ template, locale, sample }))),
  );
}

/**
 * `rekindle preview`: a local page with every template × locale × sample customer at desktop and
 * mobile widths, subject, preheader and plain text, and a "send test" button through SES.
 * Templates are compiled again on every page load, so edits show on refresh. Rejects with a
 * `PreviewPortError` when the port cannot be bound, after stopping the emulator it started.
 */
export async function startPreviewServer(options: PreviewServerOptions = {}): Promise<PreviewServer> {
  const paths = {
    configFile: options.configFile ?? 'config/rekindle.yaml',
    templatesDir: options.templatesDir ?? 'templates',
  };
  let bundle = await buildRuntimeBundle(paths);
  const ses = options.mailer === undefined ? await startSesLocal() : undefined;
  const mailer =
    options.mailer ??
    new SesMailer(
      new SESv2Client({
        endpoint: ses?.endpoint,
        region: 'eu-west-1',
        credentials: { accessKeyId: 'local', secretAccessKey: 'local' },
      }),
      'rekindle-preview',
    );

  const findCase = (url: URL): PreviewCase | undefined => {
    const sample = previewSamples.find((candidate) => candidate.id === url.searchParams.get('sample'));
    const template = url.searchParams.get('template');
    const locale = url.searchParams.get('locale');
    if (sample === undefined || template === null || locale === null) return undefined;
    return { template, locale, sample };
  };

  const handle = async (request: IncomingMessage, response: ServerResponse): Promise<void> => {
    const url = new URL(request.url ?? '/', 'http://127.0.0.1');
    if (request.method === 'GET' && url.pathname === '/') {
      bundle = await buildRuntimeBundle(paths);
      const cases = await Promise.all(
        previewCases(bundle).map(async (previewCase) => {
          try {
            return { previewCase, email: await compose(bundle, previewCase) };
          } catch (error: unknown) {
            return { previewCase, error: error instanceof Error ? error.message : String(error) };
          }
        }),
      );
      return send(response, 200, 'text/html; charset=utf-8', renderPage(cases, ses?.endpoint));
    }
    const previewCase = findCase(url);
    if (previewCase === undefined) return send(response, 404, 'text/plain; charset=utf-8', 'not found');
    if (request.method === 'GET' && url.pathname === '/email') {
      const email = await compose(bundle, previewCase);
      return send(response, 200, 'text/html; charset=utf-8', email.html);
    }
    if (request.method === 'POST' && url.pathname === '/send') {
      const email = await compose(bundle, previewCase);
      const to = url.searchParams.get('to') || email.to;
      const { messageId } = await mailer.send({ ...email, to });
      return send(
        response,
        200,
        'application/json',
        JSON.stringify({ messageId, to, subject: email.subject, outbox: ses?.endpoint ?? null }),
      );
    }
    return send(response, 404, 'text/plain; charset=utf-8', 'not found');
  };

  const server = createServer((request, response) => {
    handle(request, response).catch((error: unknown) => {
      send(
        response,
        500,
        'text/plain; charset=utf-8',
        error instanceof Error ? error.message : String(error),
      );
    });
  });
  const requestedPort = options.port ?? 0;
  try {
    await new Promise<void>((resolve, reject) => {
      server.once('error', reject);
      server.listen(requestedPort, '127.0.0.1', () => {
        server.off('error', reject);
        resolve();
      });
    });
  } catch (error: unknown) {
    // Nothing listens, but the emulator started above does: stop it before reporting.
    await ses?.stop();
    const code = error instanceof Error && 'code' in error ? String(error.code) : undefined;
    throw new PreviewPortError(
      code === 'EADDRINUSE'
        ? `port ${requestedPort} on 127.0.0.1 is already in use; choose another with --port N (0 picks a free one)`
        : `cannot listen on 127.0.0.1:${requestedPort} (${code ?? String(error)}); choose another port with --port N`,
      { cause: error },
    );
  }
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}/`,
    sesUrl: ses?.endpoint,
    stop: async () => {
      server.closeAllConnections();
      await new Promise<void>((resolve, reject) =>
        server.close((error) => (error ? reject(error) : resolve())),
      );
      await ses?.stop();
    },
  };
}

function send(response: ServerResponse, status: number, type: string, body: string): void {
  if (response.headersSent) return;
  response.writeHead(status, {
    'content-type': type,
    'cache-control': 'no-store',
    'x-content-type-options': 'nosniff',
  });
  response.end(body);
}
