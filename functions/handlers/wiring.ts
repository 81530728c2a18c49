import { type AwsClients, type ClientTarget, sdkLoggerMiddleware } from './clients/client-options.ts';
import { dynamoDbClient } from './clients/dynamodb.ts';
import { s3Client } from './clients/s3.ts';
import { schedulerClient } from './clients/scheduler.ts';
import { sesv2Client } from './clients/sesv2.ts';

export type { AwsClients, ClientTarget };
export { sdkLoggerMiddleware };

/**
 * The four emulated services' clients at once, for the local runtime, the send worker and the CLI,
 * which use them all: a local runtime passes its own emulators as `target`, so two runtimes in one
 * process never reach each other's. A Lambda builds only its own clients (clients/*.ts), so that its
 * bundle loads no other SDK package.
 */
export function createClients(target?: ClientTarget): AwsClients {
  return {
    dynamodb: dynamoDbClient(target),
    sesv2: sesv2Client(target),
    scheduler: schedulerClient(target),
    s3: s3Client(target),
  };
}
