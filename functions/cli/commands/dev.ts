import { parseArgs } from 'node:util';
import type { UploadImport } from '../../local/local-runtime.ts';
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
      import('../../adapters/system-clock.ts'),
    ]);
    const bundle = await buildRuntimeBundle({
      configFile: values.config ?? 'config/rekindle.yaml',
      templatesDir: 'templates',
    });
    const runtime = await startLocalRuntime({
      clock: systemClock,
      bundle,
      logLevel: 'INFO',
      // Commands started from this process inherit the endpoints; other shells get the printed lines.
      exportEnvironment: true,
      // A file uploaded under imports/ is imported, as the stack's S3 notification does.
      importUploads: true,
      onUploadImported: (outcome) => out.line(uploadLine(outcome)),
    });
    runtime.scheduler.startRealTime(1_000);
    for (const line of devInstructions(runtime.endpoints, localNames)) out.line(line);
    out.line(
      `Live endpoints: Shopify webhooks ${runtime.webhooks.shopify}, helpdesk ${runtime.webhooks.helpdesk}zendesk (gorgias, freshdesk); secrets in functions/local/local-names.ts.`,
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

/** One line about an uploaded file: what the import wrote and rejected, and where its report is. */
export function uploadLine(outcome: UploadImport): string {
  if ('error' in outcome)
    return `import of ${outcome.key} failed: ${outcome.error instanceof Error ? outcome.error.message : String(outcome.error)}`;
  const [report] = outcome.reports;
  const where = outcome.reportKey;
  if (report === undefined)
    return `${outcome.key} is not an import (customers*, orders* or incidents*): see ${where}`;
  const stopped = report.stopped === undefined ? '' : `, stopped at line ${report.stopped.line}`;
  return `imported ${outcome.key}: ${report.written} written, ${report.rejectedTotal} rejected, ${report.skippedTotal} skipped${stopped}; report at ${where}`;
}

/**
 * How to reach the local stack: the SDK's standard endpoint variables, and `--endpoint-url` for
 * AWS CLI releases older than 2.13, which ignore those variables and would reach real AWS.
 */
export function devInstructions(
  endpoints: Readonly<Record<'dynamodb' | 'sesv2' | 's3' | 'scheduler', string>>,
  names: { readonly tableName: string; readonly importBucket: string; readonly scheduleGroup: string },
): string[] {
  return [
    'Rekindle is running locally (real time). Point the AWS CLI or SDK at it with:',
    '  export AWS_REGION=eu-west-1 AWS_ACCESS_KEY_ID=S3RVER AWS_SECRET_ACCESS_KEY=S3RVER',
    `  export AWS_ENDPOINT_URL_DYNAMODB=${endpoints.dynamodb}`,
    `  export AWS_ENDPOINT_URL_SESV2=${endpoints.sesv2}`,
    `  export AWS_ENDPOINT_URL_S3=${endpoints.s3}`,
    `  export AWS_ENDPOINT_URL_SCHEDULER=${endpoints.scheduler}`,
    'AWS CLI releases before 2.13 ignore those variables (check with "aws --version"); give each command --endpoint-url:',
    `  aws dynamodb scan --table-name ${names.tableName} --max-items 5 --endpoint-url ${endpoints.dynamodb}`,
    `  aws s3 cp orders.csv s3://${names.importBucket}/imports/orders.csv --endpoint-url ${endpoints.s3}`,
    `  aws s3 ls s3://${names.importBucket} --recursive --endpoint-url ${endpoints.s3}`,
    `  aws scheduler list-schedules --group-name ${names.scheduleGroup} --endpoint-url ${endpoints.scheduler}`,
    `Table ${names.tableName}, import bucket ${names.importBucket}, schedule group ${names.scheduleGroup}.`,
    'A file uploaded under imports/ is imported at once, as the stack does; its report lands under reports/.',
  ];
}
