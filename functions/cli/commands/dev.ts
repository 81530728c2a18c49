import { parseArgs } from 'node:util';
import type { Command } from '../command.ts';

/** `rekindle dev`: the local stack on real time, for poking at it with the AWS CLI or SDK. */
export const devCommand: Command = {
  name: 'dev',
  summary: 'start the local emulators and handlers on real time until Ctrl+C',
  usage: 'rekindle dev [--config FILE]',
  async run(argv, out) {
    const { values } = parseArgs({ args: [...argv], options: { config: { type: 'string' } }, strict: true });
    // Loaded on use: the local runtime pulls in the emulators, which other commands never need.
    const [{ buildRuntimeBundle }, { startLocalRuntime, localNames }, { systemClock }] = await Promise.all([
      import('../../build/runtime-bundle.ts'),
      import('../../local/local-runtime.ts'),
      import('../../ports/clock.ts'),
    ]);
    const bundle = await buildRuntimeBundle({
      configFile: values.config ?? 'config/rekindle.yaml',
      templatesDir: 'templates',
    });
    const runtime = await startLocalRuntime({ clock: systemClock, bundle, logLevel: 'INFO' });
    runtime.scheduler.startRealTime(1_000);
    out.line('Rekindle is running locally (real time). Point the AWS CLI or SDK at it with:');
    out.line(`  export AWS_REGION=eu-west-1 AWS_ACCESS_KEY_ID=S3RVER AWS_SECRET_ACCESS_KEY=S3RVER`);
    out.line(`  export AWS_ENDPOINT_URL_DYNAMODB=${runtime.endpoints.dynamodb}`);
    out.line(`  export AWS_ENDPOINT_URL_SESV2=${runtime.endpoints.sesv2}`);
    out.line(`  export AWS_ENDPOINT_URL_S3=${runtime.endpoints.s3}`);
    out.line(`  export AWS_ENDPOINT_URL_SCHEDULER=${runtime.endpoints.scheduler}`);
    out.line(
      `Table ${localNames.tableName}, import bucket ${localNames.importBucket}, schedule group ${localNames.scheduleGroup}.`,
    );
    out.line(`The SES outbox: ${runtime.endpoints.sesv2}   Press Ctrl+C to stop.`);
    await new Promise<void>((resolve) => {
      process.once('SIGINT', () => resolve());
      process.once('SIGTERM', () => resolve());
    });
    await runtime.stop();
    out.line('stopped.');
    return 0;
  },
};
