import type { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import type { S3Client } from '@aws-sdk/client-s3';
import type { SchedulerClient } from '@aws-sdk/client-scheduler';
import type { SESv2Client } from '@aws-sdk/client-sesv2';

/*
 * One module per AWS SDK client (dynamodb.ts, sesv2.ts, …), importing only its own SDK package: a
 * Lambda bundle requires the packages of the clients it builds and no others, so its cold start
 * loads only those (docs/benchmarks.md). This module imports SDK types alone.
 */

/** The services a local stack emulates. */
export type EmulatedService = 'dynamodb' | 'sesv2' | 's3' | 'scheduler';

/** Where a local stack listens: given to its clients explicitly, so that no other stack's endpoints reach them. */
export interface ClientTarget {
  readonly region: string;
  readonly endpoints: Readonly<Record<EmulatedService, string>>;
  readonly credentials: { readonly accessKeyId: string; readonly secretAccessKey: string };
}

/** The emulated services' clients, as the local runtime and the CLI build them (wiring.ts). */
export interface AwsClients {
  readonly dynamodb: DynamoDBClient;
  readonly sesv2: SESv2Client;
  readonly scheduler: SchedulerClient;
  readonly s3: S3Client;
}

/** The name the SDK gives its request/response logging middleware. */
export const sdkLoggerMiddleware = 'loggerMiddleware';

/**
 * A client's options: the SDK's defaults without `target` (on Lambda, and a person's local commands
 * with the SDK's standard `AWS_ENDPOINT_URL_<SERVICE>` variables), else the target's endpoint.
 */
export function clientOptions(service: EmulatedService, target?: ClientTarget) {
  return target === undefined
    ? {}
    : { region: target.region, endpoint: target.endpoints[service], credentials: { ...target.credentials } };
}

/**
 * The client without the SDK's logger middleware. The SDK gets no logger (the handlers log through
 * Powertools), yet that middleware still copies every request and response through the
 * sensitive-field filter: 5–8% of the CPU of a Scan-heavy run (docs/benchmarks.md).
 */
export function withoutSdkLogger<C extends { middlewareStack: { remove(name: string): boolean } }>(
  client: C,
): C {
  client.middlewareStack.remove(sdkLoggerMiddleware);
  return client;
}
