import type { Logger } from '@aws-lambda-powertools/logger';
import type { SQSBatchResponse, SQSEvent, SQSRecord } from 'aws-lambda';
import { type RecordDeps, type RecordResult, recordSesEvents } from '../core/engagement/record-ses-event.ts';
import { dynamoDbClient } from './clients/dynamodb.ts';
import { recordEngagementDeps } from './composition/core.ts';
import { EngagementEnvironment } from './environment.ts';
import { lambdaComposition } from './lambda.ts';
import { lazyHandler } from './lazy-handler.ts';
import { processQueueBatch } from './sqs-batch.ts';

export interface RecordEngagementDeps extends RecordDeps {
  readonly logger: Logger;
  /** Flushes metrics after each batch (Powertools EMF in Lambda). */
  readonly flushMetrics?: () => void;
  /** Told what became of each event, by its queue message id (the local demo counts them). */
  readonly onOutcome?: (result: RecordResult, messageId: string) => void;
}

/**
 * A batch of SES events from the engagement queue, each an EventBridge event as the configuration
 * set's destination published it (the rule's SQS target). A malformed event is logged and counted,
 * never retried (it would fail the same way); an event the store could not take is reported as a
 * batch item failure, so SQS delivers it again and, after its redrive limit, parks it on the
 * dead-letter queue.
 */
export function makeHandler(deps: RecordEngagementDeps) {
  return async (batch: SQSEvent): Promise<SQSBatchResponse> => {
    try {
      const bodies = batch.Records.map((record) => parseBody(record.body));
      const json = bodies.flatMap((body) => (body.ok ? [body.value] : []));
      const recorded = (await recordSesEvents(json, deps)).values();
      const results = bodies.map(
        (body): RecordResult =>
          body.ok
            ? (recorded.next().value ?? { kind: 'invalid', reason: 'not read' })
            : { kind: 'invalid', reason: 'the message body is not JSON' },
      );
      const resultOf = new Map<string, { result: RecordResult; index: number }>();
      results.forEach((result, index) => {
        const record = batch.Records[index];
        if (record !== undefined) resultOf.set(record.messageId, { result, index });
      });
      // The batch was stored together above; the partial-batch response is every SQS handler's one mechanism.
      const handleRecord = async (record: SQSRecord): Promise<void> => {
        const { result, index } = resultOf.get(record.messageId) ?? {
          result: { kind: 'invalid', reason: 'not read' },
          index: -1,
        };
        deps.onOutcome?.(result, record.messageId);
        if (result.kind === 'failed') {
          deps.logger.error('SES event not stored; the queue will deliver it again', {
            messageId: record.messageId,
            error: result.error instanceof Error ? result.error.message : String(result.error),
            ...envelopeOf(bodies[index]),
          });
          throw new Error('SES event not stored');
        } else if (result.kind === 'forgotten') {
          deps.logger.info('SES event about a forgotten person dropped', { messageId: record.messageId });
          deps.metrics.count('ForgottenSesEvents', 1);
        } else if (result.kind === 'invalid') {
          // Not the event itself: it holds recipient addresses, and logs keep no personal data.
          deps.logger.error('SES event not understood', {
            reason: result.reason,
            messageId: record.messageId,
            ...envelopeOf(bodies[index]),
          });
          deps.metrics.count('InvalidSesEvents', 1);
        } else {
          deps.logger.info('SES event recorded', {
            outcome: result.kind,
            type: result.event.type,
            messageId: result.event.messageId,
            suppressed: result.suppressed,
            pausedSequence: result.pausedSequence,
          });
        }
      };
      return await processQueueBatch(batch, handleRecord);
    } finally {
      deps.flushMetrics?.();
    }
  };
}

/** The queue message's body: the EventBridge event as JSON. */
function parseBody(body: string): { ok: true; value: unknown } | { ok: false } {
  try {
    return { ok: true, value: JSON.parse(body) };
  } catch {
    return { ok: false };
  }
}

/** The EventBridge envelope fields of an event, which name it without personal data. */
function envelopeOf(body: ReturnType<typeof parseBody> | undefined): Record<string, string> {
  const event = body?.ok === true ? body.value : undefined;
  if (typeof event !== 'object' || event === null) return { eventShape: typeof event };
  const fields: Record<string, string> = {};
  for (const name of ['id', 'detail-type', 'source', 'time'] as const) {
    const value = (event as Record<string, unknown>)[name];
    if (typeof value === 'string') fields[name] = value.slice(0, 200);
  }
  return fields;
}

export const handler = lazyHandler(async () => {
  // The config schema and the baked bundle load on the first event; the SDK clients' packages with
  // the module, in Lambda's init phase.
  const { loadRuntimeBundle } = await import('./runtime-bundle.ts');
  const lambda = lambdaComposition(EngagementEnvironment, () => ({ dynamodb: dynamoDbClient() }));
  return makeHandler(recordEngagementDeps({ ...lambda, bundle: loadRuntimeBundle() }));
});
