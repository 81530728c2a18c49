import type { ClientTarget } from '../../handlers/wiring.ts';
import type { Clock } from '../../ports/clock.ts';
import { type DynamoDbLocal, startDynamoDbLocal } from '../dynamodb-local.ts';
import { account, localNames, region } from '../local-names.ts';
import { type S3Local, startS3Local } from '../s3-local.ts';
import {
  type ParallelFiring,
  type SchedulerEmulator,
  startSchedulerEmulator,
  type TargetResolver,
} from '../scheduler-emulator/index.ts';
import { type SesLocal, startSesLocal } from '../ses-local.ts';

/** The four emulators of a local stack, each on 127.0.0.1 and a free port. */
export interface Emulators {
  readonly dynamodb: DynamoDbLocal;
  readonly ses: SesLocal;
  readonly s3: S3Local;
  readonly scheduler: SchedulerEmulator;
  readonly endpoints: ClientTarget['endpoints'];
  /** What the stack's clients are given: the emulators' endpoints, the region, dummy credentials. */
  readonly target: ClientTarget;
  /** Stops every emulator, even when one of them fails to stop. */
  stop(): Promise<void>;
}

export interface EmulatorOptions {
  /** The Scheduler emulator fires on this clock. */
  readonly clock: Clock;
  /** Where the Scheduler emulator delivers a schedule's target, by ARN. */
  readonly targets: TargetResolver;
  readonly parallelSends?: ParallelFiring;
}

/**
 * Starts DynamoDB Local, aws-ses-v2-local, s3rver and the Scheduler emulator together. If one fails
 * to start, the others are stopped before the error is thrown.
 */
export async function startEmulators(options: EmulatorOptions): Promise<Emulators> {
  // allSettled, not all: a server that starts after another failed must still be stopped.
  const results = await Promise.allSettled([
    startDynamoDbLocal(),
    startSesLocal(),
    startS3Local({ buckets: [localNames.importBucket, localNames.inboundBucket] }),
    startSchedulerEmulator({
      clock: options.clock,
      region,
      accountId: account,
      ...(options.parallelSends === undefined ? {} : { parallel: options.parallelSends }),
      targets: options.targets,
    }),
  ]);
  const started: { stop(): Promise<void> }[] = [];
  for (const result of results) if (result.status === 'fulfilled') started.push(result.value);
  const stop = async () => {
    await Promise.allSettled(started.reverse().map((server) => server.stop()));
  };
  const [dynamodb, ses, s3, scheduler] = results;
  if (
    dynamodb.status === 'rejected' ||
    ses.status === 'rejected' ||
    s3.status === 'rejected' ||
    scheduler.status === 'rejected'
  ) {
    await stop();
    const failed = [dynamodb, ses, s3, scheduler].find((result) => result.status === 'rejected');
    throw failed?.reason;
  }
  const endpoints = {
    dynamodb: dynamodb.value.endpoint,
    sesv2: ses.value.endpoint,
    s3: s3.value.endpoint,
    scheduler: scheduler.value.endpoint,
  };
  return {
    dynamodb: dynamodb.value,
    ses: ses.value,
    s3: s3.value,
    scheduler: scheduler.value,
    endpoints,
    // Dummy credentials; s3rver accepts only its own well-known pair, the others accept any.
    target: { region, endpoints, credentials: { accessKeyId: 'S3RVER', secretAccessKey: 'S3RVER' } },
    stop,
  };
}
