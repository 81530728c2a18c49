import { readFile } from 'node:fs/promises';
import { parseArgs } from 'node:util';
import * as z from 'zod';
import type { PreviewServer, PreviewServerOptions } from '../../local/preview/server.ts';
import { type Command, UsageError } from '../command.ts';
import type { Output } from '../output.ts';

const usage = [
  'rekindle preview [--port N] [--config FILE] [--templates DIR]',
  '                 [--customers FILE --orders FILE [--incidents FILE] [--time-zone ZONE]]',
  '                 [--start YYYY-MM-DD] [--days N]',
  '                 [--send-to ADDRESS]',
  "  --customers, --orders, --incidents  the shop's own files, as `rekindle import` reads them (csv, jsonl,",
  '                   json or a platform export); the preview then shows these customers instead of three samples',
  "  --start DATE     the first day of each customer's sequence timeline (default: the day after the newest",
  '                   order or incident in the files, as `rekindle plan`)',
  "  --days N         days of virtual time in each customer's sequence timeline (default 30)",
  '  --send-to ADDRESS  send tests through SES (AWS credentials, the config’s sender verified) to ADDRESS;',
  '                   without it, tests go to a local SES outbox',
].join('\n');

const maxDays = 366;

/**
 * Real SES for `--send-to`: checked first (credentials, sending enabled, the sender verified, the
 * recipient verified while in the sandbox); a one-line reason when a test could not go out.
 */
async function realSes(
  to: string,
  configFile: string,
): Promise<
  { ok: true; options: Pick<PreviewServerOptions, 'mailer' | 'sendTarget'> } | { ok: false; reason: string }
> {
  const [
    { SESv2Client },
    { checkTestSending, TestEmailSender },
    { ConfigError, parseConfig, readConfigInput },
  ] = await Promise.all([
    import('@aws-sdk/client-sesv2'),
    import('../../local/preview/real-ses.ts'),
    import('../../core/config/load.ts'),
  ]);
  const text = await readConfigInput('config file', configFile, () => readFile(configFile, 'utf8'));
  const parsed = parseConfig(text, configFile);
  if (!parsed.ok) throw new ConfigError(parsed.issues);
  const client = new SESv2Client({});
  const check = await checkTestSending(client, { from: parsed.config.sender.from, to });
  if (!check.ok) return check;
  return {
    ok: true,
    options: {
      mailer: new TestEmailSender(client),
      sendTarget: { to, label: `SES in ${check.region}${check.sandbox ? ' (sandbox)' : ''}` },
    },
  };
}

/** The shop's files through the import's validation; `undefined` for the sample customers. */
async function shopFrom(
  values: { customers?: string; orders?: string; incidents?: string; 'time-zone'?: string },
  out: Output,
): Promise<PreviewServerOptions['shop'] | { errors: readonly string[] }> {
  if (values.customers === undefined && values.orders === undefined && values.incidents === undefined)
    return undefined;
  if (values.customers === undefined || values.orders === undefined)
    throw new UsageError(
      "--customers and --orders go together: the preview needs the shop's customers and orders",
    );
  const { readShopFiles } = await import('./plan.ts');
  const read = await readShopFiles(
    {
      customers: { file: values.customers },
      orders: { file: values.orders },
      ...(values.incidents === undefined ? {} : { incidents: { file: values.incidents } }),
    },
    values['time-zone'],
    out,
  );
  if ('errors' in read) return read;
  if (read.data.customers.length === 0)
    return { errors: [`${values.customers}: no valid customer row to preview with`] };
  return read.data;
}

/** `rekindle preview`: the templates in a browser, one email per page, with send-test. */
export const previewCommand: Command = {
  name: 'preview',
  summary: 'preview every template × locale × customer in a browser, with sequence timelines; send tests',
  usage,
  async run(argv, out) {
    const { values } = parseArgs({
      args: [...argv],
      options: {
        port: { type: 'string' },
        config: { type: 'string' },
        templates: { type: 'string' },
        customers: { type: 'string' },
        orders: { type: 'string' },
        incidents: { type: 'string' },
        'time-zone': { type: 'string' },
        days: { type: 'string' },
        start: { type: 'string' },
        'send-to': { type: 'string' },
      },
      strict: true,
    });
    const port = values.port === undefined ? 4300 : Number(values.port);
    if (!Number.isInteger(port) || port < 0 || port > 65_535)
      throw new UsageError(`--port must be a port number, got "${values.port}"`);
    const days = values.days === undefined ? 30 : Number(values.days);
    if (!Number.isInteger(days) || days < 1 || days > maxDays)
      throw new UsageError(`--days must be a whole number from 1 to ${maxDays}, got "${values.days}"`);
    if (values.start !== undefined && !/^\d{4}-\d{2}-\d{2}$/.test(values.start))
      throw new UsageError(`--start must be a date YYYY-MM-DD, got "${values.start}"`);
    const sendTo = values['send-to'];
    if (sendTo !== undefined && !z.email().safeParse(sendTo).success)
      throw new UsageError(`--send-to must be an email address, got "${sendTo}"`);
    const configFile = values.config ?? 'config/rekindle.yaml';

    const shop = await shopFrom(values, out);
    if (shop !== undefined && 'errors' in shop) {
      for (const error of shop.errors) out.error(`rekindle preview: ${error}`);
      return 1;
    }
    let ses: Pick<PreviewServerOptions, 'mailer' | 'sendTarget'> = {};
    if (sendTo !== undefined) {
      const checked = await realSes(sendTo, configFile);
      if (!checked.ok) {
        out.error(`rekindle preview: cannot send tests to ${sendTo}: ${checked.reason}`);
        return 1;
      }
      ses = checked.options;
    }
    // Loaded on use: the preview pulls in mjml and the SES emulator, which other commands never need.
    const { startPreviewServer, PreviewPortError } = await import('../../local/preview/server.ts');
    let server: PreviewServer;
    try {
      server = await startPreviewServer({
        port,
        configFile,
        templatesDir: values.templates ?? 'templates',
        timelineDays: days,
        ...(values.start === undefined ? {} : { timelineStart: values.start }),
        ...(shop === undefined ? {} : { shop }),
        ...ses,
      });
    } catch (error: unknown) {
      if (!(error instanceof PreviewPortError)) throw error;
      out.error(`rekindle preview: ${error.message}`);
      return 1;
    }
    out.line(`Preview: ${server.url}`);
    if (shop !== undefined)
      out.line(`Customers: ${shop.customers.length.toLocaleString('en')} from ${values.customers}`);
    if (ses.sendTarget !== undefined)
      out.line(`Test emails go to ${ses.sendTarget.to} through ${ses.sendTarget.label}`);
    else if (server.sesUrl !== undefined)
      out.line(`Test emails go to the local SES outbox: ${server.sesUrl}`);
    out.line('Config and templates are read again on every page load. Press Ctrl+C to stop.');
    await new Promise<void>((resolve) => process.once('SIGINT', () => resolve()));
    await server.stop();
    return 0;
  },
};
