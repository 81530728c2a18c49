import { Logger } from '@aws-lambda-powertools/logger';
import { Metrics, MetricUnit } from '@aws-lambda-powertools/metrics';
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { S3Client } from '@aws-sdk/client-s3';
import { SchedulerClient } from '@aws-sdk/client-scheduler';
import { GetSecretValueCommand, SecretsManagerClient } from '@aws-sdk/client-secrets-manager';
import { SESv2Client } from '@aws-sdk/client-sesv2';
import { SQSClient } from '@aws-sdk/client-sqs';
import { systemClock } from '../adapters/system-clock.ts';
import { redactingReplacer } from '../core/redact.ts';
import type { MetricsSink } from '../ports/metrics-sink.ts';
import type { Composition } from './composition.ts';
import { type EnvironmentKey, readEnvironment, type StackNames } from './environment.ts';
import { parseIntegrationSecrets, refreshingSecrets, type SecretSource } from './integration-secrets.ts';

/** Where a local stack listens: given to its clients explicitly, so that no other stack's endpoints reach them. */
export interface ClientTarget {
  readonly region: string;
  readonly endpoints: Readonly<Record<'dynamodb' | 'sesv2' | 's3' | 'scheduler', string>>;
  readonly credentials: { readonly accessKeyId: string; readonly secretAccessKey: string };
}

/**
 * AWS clients, built once per container. On Lambda the SDK's defaults hold (and a person's local
 * commands use its standard `AWS_ENDPOINT_URL_<SERVICE>` variables); a local runtime passes its own
 * emulators as `target`, so two runtimes in one process never reach each other's.
 */
export function createClients(target?: ClientTarget) {
  const config = (service: keyof ClientTarget['endpoints']) =>
    target === undefined
      ? {}
      : {
          region: target.region,
          endpoint: target.endpoints[service],
          credentials: { ...target.credentials },
        };
  const clients = {
    dynamodb: new DynamoDBClient(config('dynamodb')),
    sesv2: new SESv2Client(config('sesv2')),
    scheduler: new SchedulerClient(config('scheduler')),
    // Path-style addressing works on AWS and in s3rver alike.
    s3: new S3Client({ ...config('s3'), forcePathStyle: true }),
  };
  // The SDK gets no logger (the handlers log through Powertools), yet its logger middleware still
  // copies every request and response through the sensitive-field filter: 5–8% of the CPU of a
  // Scan-heavy run (docs/benchmarks.md). Without a logger there is nothing for it to do.
  for (const client of Object.values(clients)) client.middlewareStack.remove(sdkLoggerMiddleware);
  return clients;
}

/** The name the SDK gives its request/response logging middleware. */
export const sdkLoggerMiddleware = 'loggerMiddleware';
export type AwsClients = ReturnType<typeof createClients>;

/**
 * A Lambda's clients: the emulated four, and SQS and Secrets Manager, which only Lambda uses (the
 * local runtime has its own queues and is given its link key).
 */
export function createLambdaClients() {
  const clients = {
    ...createClients(),
    sqs: new SQSClient({}),
    secretsManager: new SecretsManagerClient({}),
  };
  clients.sqs.middlewareStack.remove(sdkLoggerMiddleware);
  clients.secretsManager.middlewareStack.remove(sdkLoggerMiddleware);
  return clients;
}
export type LambdaClients = ReturnType<typeof createLambdaClients>;

/** The link-signing key from Secrets Manager, read once per container. */
export async function readSecret(client: SecretsManagerClient, secretArn: string): Promise<string> {
  const result = await client.send(new GetSecretValueCommand({ SecretId: secretArn }));
  if (result.SecretString === undefined || result.SecretString === '') {
    throw new Error(`secret ${secretArn} has no string value`);
  }
  return result.SecretString;
}

/** The MetricsSink over Powertools Metrics (CloudWatch embedded metric format). */
export function powertoolsMetrics(metrics: Metrics): MetricsSink {
  return {
    count: (name, value = 1, dimensions = {}) => {
      if (Object.keys(dimensions).length === 0) {
        metrics.addMetric(name, MetricUnit.Count, value);
        return;
      }
      const single = metrics.singleMetric();
      for (const [dimension, dimensionValue] of Object.entries(dimensions))
        single.addDimension(dimension, dimensionValue);
      single.addMetric(name, MetricUnit.Count, value);
    },
  };
}

export function createLogger(serviceName: string): Logger {
  // No address reaches a log line, whichever message or error carries it.
  return new Logger({ serviceName, jsonReplacerFn: redactingReplacer });
}

/**
 * A Lambda's input to the composition root (composition.ts): the names its environment declares
 * (`keys`, read and checked first, so a missing variable fails the cold start), the SDK's default
 * clients, the system clock, and Powertools' logger and metrics.
 */
export function lambdaComposition<K extends EnvironmentKey>(
  keys: readonly K[],
): Composition<K> & { readonly clients: LambdaClients } {
  const names = readEnvironment(keys, process.env);
  return {
    names,
    clients: createLambdaClients(),
    clock: systemClock,
    logger: createLogger,
    metrics: (serviceName) => new Metrics({ namespace: 'Rekindle', serviceName }),
  };
}

/** The link-signing key, read from Secrets Manager at cold start. */
export async function lambdaSecrets(lambda: {
  readonly clients: LambdaClients;
  readonly names: Pick<StackNames, 'linkSecretArn'>;
}): Promise<{ linkSigningKey: string }> {
  return { linkSigningKey: await readSecret(lambda.clients.secretsManager, lambda.names.linkSecretArn) };
}

/**
 * The live endpoints' secrets (one JSON secret) from Secrets Manager: read on the first request,
 * and again after a refused one at most once a minute, so a secret the owner just put takes effect.
 */
export function lambdaIntegrationSecrets(lambda: {
  readonly clients: LambdaClients;
  readonly names: Pick<StackNames, 'integrationSecretArn'>;
}): SecretSource {
  return refreshingSecrets(
    async () =>
      parseIntegrationSecrets(
        await readSecret(lambda.clients.secretsManager, lambda.names.integrationSecretArn),
      ),
    () => systemClock.now(),
  );
}
