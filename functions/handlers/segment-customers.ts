import type { Logger } from '@aws-lambda-powertools/logger';
import { DynamoCustomerStore } from '../adapters/dynamo/customer-store.ts';
import { EventBridgeStepScheduler } from '../adapters/scheduler/step-scheduler.ts';
import type { RekindleConfig } from '../core/config/schema.ts';
import { runSegmenter, type SegmenterReport } from '../core/segments/run-segmenter.ts';
import { type Clock, systemClock } from '../ports/clock.ts';
import type { CustomerStore } from '../ports/customer-store.ts';
import type { StepScheduler } from '../ports/step-scheduler.ts';
import { parseEnvironment, SchedulingEnvironmentSchema } from './environment.ts';
import { loadRuntimeBundle } from './runtime-bundle.ts';
import { createClients, createLogger, lazyHandler } from './wiring.ts';

export interface SegmentCustomersDeps {
  readonly store: CustomerStore;
  readonly scheduler: StepScheduler;
  readonly clock: Clock;
  readonly config: RekindleConfig;
  readonly logger: Logger;
}

/** Invoked by the recurring Scheduler schedule: segment everyone and enrol new members. */
export function makeHandler(deps: SegmentCustomersDeps) {
  return async (_event: unknown): Promise<SegmenterReport> => {
    const report = await runSegmenter(deps);
    deps.logger.info('segmenter done', { ...report });
    return report;
  };
}

export const handler = lazyHandler(async () => {
  const env = parseEnvironment(SchedulingEnvironmentSchema, process.env);
  const { config } = loadRuntimeBundle();
  const clients = createClients();
  return makeHandler({
    store: new DynamoCustomerStore(clients.dynamodb, env.TABLE_NAME),
    scheduler: new EventBridgeStepScheduler(clients.scheduler, {
      groupName: env.SCHEDULE_GROUP,
      roleArn: env.SCHEDULER_ROLE_ARN,
      sendQueueArn: env.SEND_QUEUE_ARN,
      deadLetterQueueArn: env.SEND_DLQ_ARN,
    }),
    clock: systemClock,
    config,
    logger: createLogger('segment-customers'),
  });
});
