import { BatchProcessor, EventType, processPartialResponse } from '@aws-lambda-powertools/batch';
import type { Logger } from '@aws-lambda-powertools/logger';
import { type Metrics, MetricUnit } from '@aws-lambda-powertools/metrics';
import type { SQSBatchResponse, SQSEvent, SQSRecord } from 'aws-lambda';
import * as z from 'zod';
import { type StepMessage, StepMessageSchema } from '../core/domain/step-message.ts';
import { type SendStepDeps, type SendStepOutcome, sendStep } from '../core/sending/send-step.ts';
import { sendStepDeps } from './composition.ts';
import { SendEnvironment } from './environment.ts';
import { loadRuntimeBundle } from './runtime-bundle.ts';
import { lambdaComposition, lambdaSecrets, lazyHandler } from './wiring.ts';

/** The metric an alarm watches: SES has paused sending for the account. */
export const sendingPausedMetric = 'SesSendingPaused';

export interface SendStepHandlerDeps extends SendStepDeps {
  readonly logger: Logger;
  /** CloudWatch metrics (EMF); absent locally. */
  readonly metrics?: Metrics;
  /** Sees every outcome; the demo counts them. */
  readonly onOutcome?: (message: StepMessage, outcome: SendStepOutcome) => void;
}

/** A record to leave on the queue for SQS to deliver again: reported as a batch item failure. */
class DeliverAgain extends Error {
  override readonly name = 'DeliverAgain';
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
        throw new DeliverAgain('malformed step message');
      }
      let outcome: SendStepOutcome;
      try {
        outcome = await sendStep(parsed.data, deps);
      } catch (error: unknown) {
        deps.logger.error('step failed', { enrolmentId: parsed.data.enrolmentId, error });
        throw error;
      }
      outcomes.push(outcome);
      deps.onOutcome?.(parsed.data, outcome);
      deps.logger.info('step handled', {
        enrolmentId: parsed.data.enrolmentId,
        step: parsed.data.stepIndex,
        outcome: outcome.kind,
        // A failure's reason is logged once, below.
        ...('reason' in outcome && outcome.kind !== 'failed' ? { reason: outcome.reason } : {}),
      });
      if (outcome.kind === 'failed')
        deps.logger.warn('step failed', { enrolmentId: parsed.data.enrolmentId, reason: outcome.reason });
      if (outcome.kind === 'paused') {
        deps.logger.error('SES sending is paused: the step is planned again, hourly until SES resumes', {
          reason: outcome.reason,
          until: new Date(outcome.until).toISOString(),
        });
        deps.metrics?.addMetric(sendingPausedMetric, MetricUnit.Count, 1);
      }
    };
    // A processor per invocation: Lambda runs one at a time per process, the local runtime may not.
    const response = await processPartialResponse(event, handleRecord, new BatchProcessor(EventType.SQS), {
      processInParallel: false,
      // A batch whose every record must come again is reported as such, not thrown.
      throwOnFullBatchFailure: false,
    });
    deps.metrics?.publishStoredMetrics();
    return { batchItemFailures: response.batchItemFailures, outcomes };
  };
}

export const handler = lazyHandler(async () => {
  const lambda = lambdaComposition(SendEnvironment);
  const bundle = loadRuntimeBundle();
  return makeHandler(sendStepDeps({ ...lambda, bundle, secrets: await lambdaSecrets(lambda) }));
});
