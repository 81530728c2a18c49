import { readFile } from 'node:fs/promises';
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { basename } from 'node:path';
import { SESv2Client } from '@aws-sdk/client-sesv2';
import { SesMailer } from '../../adapters/ses/ses-mailer.ts';
import {
  compileTemplateFolder,
  type TemplateFolder,
  templateIssuePlace,
} from '../../build/compile-templates.ts';
import { formatConfigIssues, parseConfig, readConfigInput } from '../../core/config/load.ts';
import type { RekindleConfig } from '../../core/config/schema.ts';
import type { StepMessage } from '../../core/domain/step-message.ts';
import type { TemplateCatalog } from '../../core/rendering/compiled-template.ts';
import { type ComposedEmail, composeEmail } from '../../core/rendering/compose-email.ts';
import type { Mailer } from '../../ports/mailer.ts';
import { startSesLocal } from '../ses-local.ts';
import { type PageModel, renderPage, type TemplateEntry } from './page.ts';
import {
  type PreviewSample,
  type PreviewShop,
  previewSamples,
  sampleShop,
  sampleTimelineStart,
  shopSamples,
} from './samples.ts';
import { type PreviewTimeline, TimelineCache, timelineFor, waitedForCustomers } from './timeline.ts';

export interface PreviewServerOptions {
  /** Default: a free port. */
  readonly port?: number;
  /** Default `config/rekindle.yaml`. */
  readonly configFile?: string;
  /** Default `templates`. */
  readonly templatesDir?: string;
  /** Where "send test" goes. Default: a local aws-ses-v2-local started for the preview. */
  readonly mailer?: Mailer;
  /**
   * With `mailer`: the one address tests go to and where that is, for the page ("SES in
   * eu-west-1"). A real inbox is never chosen on the page, only on the command line.
   */
  readonly sendTarget?: { readonly to: string; readonly label: string };
  /** The shop's own customers (from its files); default: three sample customers. */
  readonly shop?: PreviewShop;
  /**
   * The first day of the timelines (YYYY-MM-DD); default the day after the newest order or
   * incident in `shop`, as `rekindle plan`, or a day when the sample customers have lapsed.
   */
  readonly timelineStart?: string;
  /** Days of virtual time a customer's sequence timeline covers. @default 30 */
  readonly timelineDays?: number;
  /** The clock the timeline starts from when the data hold no dates. @default Date.now */
  readonly now?: () => number;
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

/** One email on the page: a template in a locale for a customer. */
export interface PreviewCase {
  readonly template: string;
  readonly locale: string;
  readonly sample: PreviewSample;
}

const previewLinks = { unsubscribeUrl: 'https://preview.invalid/unsubscribe', signingKey: 'preview-only' };
/** Customers listed by name in the sidebar; any other is found by id. */
const listedCustomers = 40;

function compose(
  config: RekindleConfig,
  templates: TemplateCatalog,
  { template, locale, sample }: PreviewCase,
) {
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
    config,
    templates,
    links: previewLinks,
  });
}

/** The config as read now: parsed, or why not (one message, with file and line). */
type ConfigState =
  | { readonly ok: true; readonly config: RekindleConfig; readonly text: string }
  | { readonly ok: false; readonly error: string };

async function readConfig(configFile: string): Promise<ConfigState> {
  try {
    const text = await readConfigInput('config file', configFile, () => readFile(configFile, 'utf8'));
    const parsed = parseConfig(text, configFile);
    return parsed.ok
      ? { ok: true, config: parsed.config, text }
      : { ok: false, error: `${configFile} is invalid\n${formatConfigIssues(parsed.issues)}` };
  } catch (error: unknown) {
    return { ok: false, error: error instanceof Error ? error.message : String(error) };
  }
}

async function readTemplates(templatesDir: string): Promise<TemplateFolder | { readonly error: string }> {
  try {
    return await readConfigInput('templates folder', templatesDir, () => compileTemplateFolder(templatesDir));
  } catch (error: unknown) {
    return { error: error instanceof Error ? error.message : String(error) };
  }
}

/** Each message folder with its locales and the problems of its files; problems of partials apart. */
export function templateEntries(folder: TemplateFolder): {
  templates: TemplateEntry[];
  otherIssues: string[];
} {
  const compiled = Object.values(folder.catalog);
  const claimed = new Set<number>();
  const templates = folder.ids.map((id) => {
    const inFolder = new RegExp(`(^|[\\\\/])${id.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}[\\\\/][^\\\\/]+$`);
    const failed = new Set<string>();
    const issues = folder.issues.flatMap((issue, index) => {
      if (!inFolder.test(issue.file)) return [];
      claimed.add(index);
      failed.add(basename(issue.file).replace(/\.mjml$/, ''));
      return [`${templateIssuePlace(issue)}  ${issue.message}`];
    });
    const locales = compiled
      .filter((template) => template.id === id)
      .map((template) => template.locale)
      .sort();
    const brokenLocales = [...failed].filter((locale) => !locales.includes(locale)).sort();
    return { id, locales, brokenLocales, issues };
  });
  const otherIssues = folder.issues
    .filter((_, index) => !claimed.has(index))
    .map((issue) => `${templateIssuePlace(issue)}  ${issue.message}`);
  return { templates, otherIssues };
}

/**
 * `rekindle preview`: a local site with one email per page (a template in a locale for a
 * customer, at desktop and mobile widths, subject, preheader and plain text), a sidebar to move
 * between templates, locales and customers, the customer's sequence timeline, and "send test".
 * Config and templates are read again on every page, so edits show on refresh; a template that
 * does not compile shows its errors while every other renders. Rejects with a `PreviewPortError`
 * when the port cannot be bound, after stopping the emulator it started.
 */
export async function startPreviewServer(options: PreviewServerOptions = {}): Promise<PreviewServer> {
  const configFile = options.configFile ?? 'config/rekindle.yaml';
  const templatesDir = options.templatesDir ?? 'templates';
  const shop = options.shop ?? sampleShop;
  const samples = options.shop === undefined ? previewSamples : shopSamples(options.shop);
  const byId = new Map(samples.map((sample) => [sample.id, sample]));
  const timelines = new TimelineCache({
    shop,
    days: options.timelineDays ?? 30,
    ...(options.timelineStart !== undefined
      ? { start: options.timelineStart }
      : options.shop === undefined
        ? { start: sampleTimelineStart }
        : {}),
    now: options.now ?? Date.now,
  });
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
  const sendTarget: { readonly label: string; readonly to?: string; readonly outbox?: string } =
    options.sendTarget ?? {
      label: ses === undefined ? 'the given mailer' : `the local SES outbox (${ses.endpoint})`,
      ...(ses === undefined ? {} : { outbox: ses.endpoint }),
    };

  /** Config and templates as read for the last page: its frames and "send test" use the same. */
  let project: Promise<readonly [ConfigState, TemplateFolder | { readonly error: string }]> | undefined;
  const readProject = () => {
    project = Promise.all([readConfig(configFile), readTemplates(templatesDir)]);
    return project;
  };

  /** The project (read afresh for a page, the page's for its frames and sends) and the selection. */
  const load = async (url: URL, fresh: boolean) => {
    const [config, folder] = await (fresh || project === undefined ? readProject() : project);
    const entries =
      'error' in folder ? { templates: [], otherIssues: [folder.error] } : templateEntries(folder);
    const catalog = 'error' in folder ? {} : folder.catalog;
    const defaultLocale = config.ok ? config.config.shop.defaultLocale : 'en';
    const locales = [
      ...new Set([
        ...entries.templates.flatMap((template) => template.locales),
        ...(config.ok ? (config.config.shop.locales ?? []) : []),
      ]),
    ].sort();
    const firstWorking = entries.templates.find((template) => template.locales.length > 0);
    const template = url.searchParams.get('template') ?? firstWorking?.id ?? entries.templates[0]?.id;
    // The default locale, or its language when no file is in the regional one (en-GB → en).
    const locale =
      url.searchParams.get('locale') ??
      (locales.includes(defaultLocale) ? defaultLocale : (defaultLocale.split('-')[0] ?? defaultLocale));
    const customerId = url.searchParams.get('customer');
    const sample = customerId === null ? samples[0] : byId.get(customerId);
    return { config, entries, catalog, locales, template, locale, customerId, sample };
  };

  const composeSelected = async (
    loaded: Awaited<ReturnType<typeof load>>,
  ): Promise<{ email: ComposedEmail } | { error: string } | undefined> => {
    const { config, catalog, template, locale, sample } = loaded;
    if (!config.ok || template === undefined || sample === undefined) return undefined;
    const entry = loaded.entries.templates.find((candidate) => candidate.id === template);
    if (entry === undefined) return { error: `there is no template "${template}" in ${templatesDir}` };
    if (entry.locales.length === 0 || entry.brokenLocales.includes(locale))
      return {
        error: `${template} in ${locale} did not compile: its problems are listed above; the other templates and locales render`,
      };
    try {
      return { email: await compose(config.config, catalog, { template, locale, sample }) };
    } catch (error: unknown) {
      return { error: error instanceof Error ? error.message : String(error) };
    }
  };

  const page = async (url: URL): Promise<string> => {
    const loaded = await load(url, true);
    const { config, entries, template, locale, sample } = loaded;
    const composed = await composeSelected(loaded);
    let timeline: PreviewTimeline | undefined;
    if (config.ok && sample !== undefined) {
      try {
        timeline = await timelineFor(timelines, config, sample, shop.customers.length);
      } catch (error: unknown) {
        timeline = { error: error instanceof Error ? error.message : String(error) };
      }
    }
    const model: PageModel = {
      templates: entries.templates,
      otherIssues: entries.otherIssues,
      locales: loaded.locales,
      customers: samples.slice(0, listedCustomers).map(({ id, label }) => ({ id, label })),
      customerCount: samples.length,
      customerSource: options.shop === undefined ? 'samples' : 'shop',
      selection: { template, locale, customer: sample?.id ?? loaded.customerId ?? undefined },
      ...(sample === undefined ? {} : { customerLabel: sample.label }),
      ...(config.ok ? {} : { configError: config.error }),
      ...(composed === undefined ? {} : { composed }),
      ...(timeline === undefined ? {} : { timeline }),
      sendTarget,
    };
    return renderPage(model);
  };

  const handle = async (request: IncomingMessage, response: ServerResponse): Promise<void> => {
    const url = new URL(request.url ?? '/', 'http://127.0.0.1');
    if (request.method === 'GET' && url.pathname === '/') {
      return send(response, 200, 'text/html; charset=utf-8', await page(url));
    }
    if (url.pathname !== '/email' && url.pathname !== '/send')
      return send(response, 404, 'text/plain; charset=utf-8', 'not found');
    const loaded = await load(url, false);
    if (loaded.sample === undefined)
      return send(response, 404, 'text/plain; charset=utf-8', `no customer "${loaded.customerId ?? ''}"`);
    const composed = await composeSelected(loaded);
    if (composed === undefined || 'error' in composed)
      return send(response, 422, 'text/plain; charset=utf-8', composed?.error ?? 'the config is invalid');
    const { email } = composed;
    if (request.method === 'GET' && url.pathname === '/email') {
      return send(response, 200, 'text/html; charset=utf-8', email.html);
    }
    if (request.method === 'POST' && url.pathname === '/send') {
      // A real inbox is the one named on the command line; the page picks an address only locally.
      const to = sendTarget.to ?? (url.searchParams.get('to') || email.to);
      const { messageId } = await mailer.send({ ...email, to });
      return send(
        response,
        200,
        'application/json',
        JSON.stringify({
          messageId,
          to,
          subject: email.subject,
          where: sendTarget.label,
          outbox: sendTarget.outbox ?? null,
        }),
      );
    }
    return send(response, 405, 'text/plain; charset=utf-8', 'method not allowed');
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
  // A large shop's plan starts now, so the first page that shows a timeline waits less for it.
  if (shop.customers.length > waitedForCustomers)
    void readConfig(configFile).then((config) =>
      config.ok ? timelines.planned(config.config, config.text).catch(() => undefined) : undefined,
    );
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
      await timelines.close();
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
