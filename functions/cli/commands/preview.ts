import { parseArgs } from 'node:util';
import type { PreviewServer } from '../../local/preview/server.ts';
import { type Command, UsageError } from '../command.ts';

/** `rekindle preview`: every template in a browser, with a send-test button through local SES. */
export const previewCommand: Command = {
  name: 'preview',
  summary: 'preview every template × locale × sample customer in a browser; send tests to local SES',
  usage: 'rekindle preview [--port N] [--config FILE] [--templates DIR]',
  async run(argv, out) {
    const { values } = parseArgs({
      args: [...argv],
      options: { port: { type: 'string' }, config: { type: 'string' }, templates: { type: 'string' } },
      strict: true,
    });
    const port = values.port === undefined ? 4300 : Number(values.port);
    if (!Number.isInteger(port) || port < 0 || port > 65_535)
      throw new UsageError(`--port must be a port number, got "${values.port}"`);
    // Loaded on use: the preview pulls in mjml and the SES emulator, which other commands never need.
    const { startPreviewServer, PreviewPortError } = await import('../../local/preview/server.ts');
    let server: PreviewServer;
    try {
      server = await startPreviewServer({
        port,
        configFile: values.config ?? 'config/rekindle.yaml',
        templatesDir: values.templates ?? 'templates',
      });
    } catch (error: unknown) {
      if (!(error instanceof PreviewPortError)) throw error;
      out.error(`rekindle preview: ${error.message}`);
      return 1;
    }
    out.line(`Preview: ${server.url}`);
    if (server.sesUrl !== undefined) out.line(`Test emails go to the local SES outbox: ${server.sesUrl}`);
    out.line('Templates recompile on every page load. Press Ctrl+C to stop.');
    await new Promise<void>((resolve) => process.once('SIGINT', () => resolve()));
    await server.stop();
    return 0;
  },
};
