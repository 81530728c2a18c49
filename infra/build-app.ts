import { App, Validations } from 'aws-cdk-lib';
import { AwsSolutionsChecks } from 'cdk-nag';
import { z } from 'zod';
import { buildRuntimeBundle } from '../functions/build/runtime-bundle.ts';
import { RekindleStack } from './stacks/rekindle-stack.ts';

/** The CDK context Rekindle reads (`cdk synth -c senderDomain=…`). */
export const RekindleContextSchema = z.object({
  senderDomain: z
    .string()
    .regex(
      /^(?=.{1,253}$)([a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?\.)+[a-z]{2,63}$/i,
      'must be a domain name such as mail.example.com',
    )
    .default('example.com'),
  alarmEmail: z.email('must be an email address').optional(),
});
export type RekindleContext = z.infer<typeof RekindleContextSchema>;

/** Bad CDK context; the message names each key and what was expected. */
export class ContextError extends Error {
  override readonly name = 'ContextError';
}

export interface BuildAppOptions {
  readonly configFile: string;
  readonly templatesDir: string;
  /** Raw context values, e.g. from `app.node.tryGetContext`. */
  readonly context: Readonly<Record<string, unknown>>;
  /** @default - a fresh App */
  readonly app?: App;
}

/**
 * Validates the context, builds the runtime bundle (throwing the same `ConfigError` with
 * file:line messages as `rekindle validate`) and composes the stack with cdk-nag checks.
 */
export async function buildApp(options: BuildAppOptions): Promise<{ app: App; stack: RekindleStack }> {
  const parsed = RekindleContextSchema.safeParse(options.context);
  if (!parsed.success) {
    throw new ContextError(`Invalid CDK context:\n${z.prettifyError(parsed.error)}`);
  }
  const runtimeBundle = await buildRuntimeBundle({
    configFile: options.configFile,
    templatesDir: options.templatesDir,
  });
  const app = options.app ?? new App();
  // Grant S3 log delivery through a bucket policy, not the legacy LogDeliveryWrite ACL.
  app.node.setContext('@aws-cdk/aws-s3:serverAccessLogsUseBucketPolicy', true);
  const stack = new RekindleStack(app, 'Rekindle', {
    description: 'Rekindle: serverless email win-back',
    runtimeBundle,
    senderDomain: parsed.data.senderDomain,
    alarmEmail: parsed.data.alarmEmail,
  });
  Validations.of(app).addPlugins(new AwsSolutionsChecks(app));
  return { app, stack };
}
