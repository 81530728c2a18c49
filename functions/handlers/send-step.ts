import type { Logger } from '@aws-lambda-powertools/logger';
import type { SQSBatchResponse, SQSEvent } from 'aws-lambda';
import { z } from 'zod';
import { DynamoCustomerStore } from '../adapters/dynamo/customer-store.ts';
import { EventBridgeStepScheduler } from '../adapters/scheduler/step-scheduler.ts';
import { SesMailer } from '../adapters/ses/ses-mailer.ts';
import { type SendStepDeps, type SendStepOutcome, sendStep } from '../core/sending/send-step.ts';
import { StepMessageSchema } from '../core/sending/step-message.ts';
import { systemClock } from '../ports/clock.ts';
import { parseEnvironment, SendEnvironmentSchema } from './environment.ts';
import { loadRuntimeBundle } from './runtime-bundle.ts';
import { createClients, createLogger, lazyHandler, readSecret } from './wiring.ts';

export interface SendStepHandlerDeps extends SendStepDeps {
  readonly logger: Logger;
}

/**
 * Consumes the send queue. Each record is one step; a record that should be tried again is
 * reported as a batch item failure so SQS redelivers only it. A malformed record is logged and
 * dropped to the dead-letter queue by failing it until maxReceiveCount.
 */
export function makeHandler(deps: SendStepHandlerDeps) {
  return async (event: SQSEvent): Promise<SQSBatchResponse & { outcomes: SendStepOutcome[] }> => {
    const batchItemFailures: { itemIdentifier: string }[] = [];
    const outcomes: SendStepOutcome[] = [];
    for (const record of event.Records) {
      let body: unknown;
      try {
        body = JSON.parse(record.body);
      } catch {
        body = undefined;
      }
      const parsed = StepMessageSchema.safeParse(body);
      if (!parsed.success) {
        deps.logger.error('malformed step message', {
          messageId: record.messageId,
          issues: z.prettifyError(parsed.error),
        });
        batchItemFailures.push({ itemIdentifier: record.messageId });
        continue;
      }
      try {
        const outcome = await sendStep(parsed.data, deps);
        outcomes.push(outcome);
        deps.logger.info('step handled', {
          enrolmentId: parsed.data.enrolmentId,
          step: parsed.data.stepIndex,
          outcome: outcome.kind,
        });
        if (outcome.kind === 'retry') batchItemFailures.push({ itemIdentifier: record.messageId });
      } catch (error: unknown) {
        deps.logger.error('step failed', { enrolmentId: parsed.data.enrolmentId, error });
        batchItemFailures.push({ itemIdentifier: record.messageId });
      }
    }
    return { batchItemFailures, outcomes };
  };
}

export const handler = lazyHandler(async () => {
  const env = parseEnvironment(SendEnvironmentSchema, process.env);
  const { config, templates } = loadRuntimeBundle();
  const clients = createClients();
  return makeHandler({
    store: new DynamoCustomerStore(clients.dynamodb, env.TABLE_NAME),
    mailer: new SesMailer(clients.sesv2, env.SES_CONFIGURATION_SET),
    scheduler: new EventBridgeStepScheduler(clients.scheduler, {
      groupName: env.SCHEDULE_GROUP,
      roleArn: env.SCHEDULER_ROLE_ARN,
      sendQueueArn: env.SEND_QUEUE_ARN,
      deadLetterQueueArn: env.SEND_DLQ_ARN,
    }),
    clock: systemClock,
    config,
    templates,
    links: { unsubscribeUrl: env.UNSUBSCRIBE_URL, signingKey: await readSecret(env.LINK_SECRET_ARN) },
    logger: createLogger('send-step'),
  });
});
