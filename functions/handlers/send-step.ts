import type { Logger } from '@aws-lambda-powertools/logger';
import { type Metrics, MetricUnit } from '@aws-lambda-powertools/metrics';
import type { SQSBatchResponse, SQSEvent, SQSRecord } from 'aws-lambda';
import { type StepMessage, StepMessageSchema } from '../core/domain/step-message.ts';
import { type SendStepDeps, type SendStepOutcome, sendStep } from '../core/sending/send-step.ts';
import { dynamoDbClient } from './clients/dynamodb.ts';
import { schedulerClient } from './clients/scheduler.ts';
import { secretsManagerClient } from './clients/secrets-manager.ts';
import { sesv2Client } from './clients/sesv2.ts';
import { sendStepDeps } from './composition/sending.ts';
import { SendEnvironment } from './environment.ts';
import { lambdaComposition } from './lambda.ts';
import { lambdaSecrets } from './lambda-secrets.ts';
import { lazyHandler } from './lazy-handler.ts';
import { parseRecordBody, processQueueBatch } from './sqs-batch.ts';

/** The metric an alarm watches: SES has paused sending for the account. */
export const sendingPausedMetric = 'SesSendingPaused';
/** The dashboard's "held back by a pause": steps due but held, per `pause` dimension. */
export const heldBackByPauseMetric = 'StepsHeldBackByPause';
/** The `pause` dimension's values: the kill switch, a sequence's own pause, SES pausing the account. */
export const heldBackPauses = ['kill-switch', 'sequence', 'ses-account'] as const;
export type HeldBackPause = (typeof heldBackPauses)[number];

/** Which pause held this step back, if one did (a customer's own pause is theirs, not an operator's). */
export function heldBackPauseOf(outcome: SendStepOutcome): HeldBackPause | undefined {
  if (outcome.kind === 'paused') return 'ses-account';
  if (outcome.kind === 'deferred' && outcome.reason === 'sequence-paused')
    return outcome.pausedBy ?? 'sequence';
  return undefined;
}

export interface SendStepHandlerDeps extends SendStepDeps {
  readonly logger: Logger;
  /** CloudWatch metrics (EMF); absent locally. */
  readonly metrics?: Metrics;
  /** Sees every outcome; the demo counts them. */
  readonly onOutcome?: (message: StepMessage, outcome: SendStepOutcome) => void;
}

/**
 * Consumes the send queue with Powertools batch processing. Each record is one step; a record that
 * should be delivered again (an error before the step was decided or planned again, or a malformed
 * one, until it reaches the dead-letter queue after maxReceiveCount) throws, and Powertools reports
 * it as a batch item failure so SQS redelivers only it. SES throttling or a paused account is not
 * such a failure: the step is planned again later (`retry`, `paused`) and the message is done.
 */
export function makeHandler(deps: SendStepHandlerDeps) {
  return async (event: SQSEvent): Promise<SQSBatchResponse & { outcomes: SendStepOutcome[] }> => {
    const outcomes: SendStepOutcome[] = [];
    const handleRecord = async (record: SQSRecord): Promise<void> => {
      const message = parseRecordBody(record, StepMessageSchema, 'step message', deps.logger);
      let outcome: SendStepOutcome;
      try {
        outcome = await sendStep(message, deps);
      } catch (error: unknown) {
        deps.logger.error('step failed', { enrolmentId: message.enrolmentId, error });
        throw error;
      }
      outcomes.push(outcome);
      deps.onOutcome?.(message, outcome);
      deps.logger.info('step handled', {
        enrolmentId: message.enrolmentId,
        step: message.stepIndex,
        outcome: outcome.kind,
        // A failure's reason is logged once, below.
        ...('reason' in outcome && outcome.kind !== 'failed' ? { reason: outcome.reason } : {}),
      });
      if (outcome.kind === 'failed')
        deps.logger.warn('step failed', { enrolmentId: message.enrolmentId, reason: outcome.reason });
      if (outcome.kind === 'paused') {
        deps.logger.error('SES sending is paused: the step is planned again, hourly until SES resumes', {
          reason: outcome.reason,
          until: new Date(outcome.until).toISOString(),
        });
        deps.metrics?.addMetric(sendingPausedMetric, MetricUnit.Count, 1);
      }
      const pause = heldBackPauseOf(outcome);
      if (pause !== undefined && deps.metrics !== undefined) {
        const single = deps.metrics.singleMetric();
        single.addDimension('pause', pause);
        single.addMetric(heldBackByPauseMetric, MetricUnit.Count, 1);
      }
    };
    const response = await processQueueBatch(event, handleRecord);
    deps.metrics?.publishStoredMetrics();
    return { batchItemFailures: response.batchItemFailures, outcomes };
  };
}

export const handler = lazyHandler(async () => {
  // The config schema and the baked bundle load on the first event; the SDK clients' packages with
  // the module, in Lambda's init phase.
  const { loadRuntimeBundle } = await import('./runtime-bundle.ts');
  const lambda = lambdaComposition(SendEnvironment, () => ({
    dynamodb: dynamoDbClient(),
    sesv2: sesv2Client(),
    scheduler: schedulerClient(),
    secretsManager: secretsManagerClient(),
  }));
  const bundle = loadRuntimeBundle();
  return makeHandler(sendStepDeps({ ...lambda, bundle, secrets: await lambdaSecrets(lambda) }));
});
