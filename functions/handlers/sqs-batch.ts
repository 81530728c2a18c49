import { BatchProcessor, EventType, processPartialResponse } from '@aws-lambda-powertools/batch';
import type { Logger } from '@aws-lambda-powertools/logger';
import type { SQSBatchResponse, SQSEvent, SQSRecord } from 'aws-lambda';
import * as z from 'zod';

/** A queue message that is not what its queue carries: failed until the redrive parks it on the dead-letter queue. */
export class MalformedRecordError extends Error {
  override readonly name = 'MalformedRecordError';
}

/**
 * The record's JSON body read through `schema`. A body that is not JSON or not the schema is
 * logged as `malformed <what>` with the message id and the issues (never the body, which may name
 * a person) and thrown as MalformedRecordError.
 */
export function parseRecordBody<S extends z.ZodType>(
  record: SQSRecord,
  schema: S,
  what: string,
  logger: Logger,
): z.output<S> {
  let body: unknown;
  try {
    body = JSON.parse(record.body);
  } catch {
    body = undefined;
  }
  const parsed = schema.safeParse(body);
  if (parsed.success) return parsed.data;
  logger.error(`malformed ${what}`, { messageId: record.messageId, issues: z.prettifyError(parsed.error) });
  throw new MalformedRecordError(`malformed ${what}`);
}

/**
 * Every SQS handler's one partial-batch mechanism (Powertools' batch processor): records one at a
 * time, a record whose handling throws reported as a batch item failure so SQS delivers only it
 * again, and a batch whose every record failed reported as such, not thrown. A processor per call:
 * Lambda runs one invocation at a time per process, the local runtime may not.
 */
export async function processQueueBatch(
  event: SQSEvent,
  handleRecord: (record: SQSRecord) => Promise<void>,
): Promise<SQSBatchResponse> {
  const response = await processPartialResponse(event, handleRecord, new BatchProcessor(EventType.SQS), {
    processInParallel: false,
    throwOnFullBatchFailure: false,
  });
  return { batchItemFailures: response.batchItemFailures };
}
