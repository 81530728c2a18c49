import { TransactionCanceledException } from '@aws-sdk/client-dynamodb';
import { BatchWriteCommand, type DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';

type WriteRequest = NonNullable<
  NonNullable<ConstructorParameters<typeof BatchWriteCommand>[0]['RequestItems']>[string]
>[number];

/** How hard to retry what DynamoDB refused for now (throttling, a conflicting transaction). */
export interface RetryPolicy {
  /** Tries in all, the first included. @default 11 */
  readonly attempts?: number;
  /** The first wait's ceiling in ms; it doubles with each retry. @default 25 */
  readonly baseDelayMs?: number;
  /** No wait is longer. @default 2000 */
  readonly maxDelayMs?: number;
}

/**
 * Waits before retry `attempt` (1 for the first retry): "full jitter" exponential backoff, a random
 * wait up to base · 2^attempt, so writers that collided do not collide again in step.
 */
export function backoff(attempt: number, policy: RetryPolicy = {}): Promise<void> {
  const ceiling = Math.min((policy.baseDelayMs ?? 25) * 2 ** attempt, policy.maxDelayMs ?? 2_000);
  return new Promise((resolve) => setTimeout(resolve, Math.random() * ceiling));
}

/**
 * One BatchWriteItem of at most 25 requests, resending the unprocessed ones (throttling) with
 * backoff until none is left; throws if DynamoDB still holds some back after the last attempt, so
 * nothing is dropped silently.
 */
export async function batchWriteAll(
  documents: DynamoDBDocumentClient,
  tableName: string,
  requests: readonly WriteRequest[],
  policy: RetryPolicy = {},
): Promise<void> {
  const attempts = policy.attempts ?? 11;
  let pending = [...requests];
  for (let attempt = 0; pending.length > 0; attempt += 1) {
    if (attempt >= attempts)
      throw new Error(`DynamoDB kept ${pending.length} writes unprocessed after ${attempts} attempts`);
    if (attempt > 0) await backoff(attempt, policy);
    const result = await documents.send(new BatchWriteCommand({ RequestItems: { [tableName]: pending } }));
    pending = result.UnprocessedItems?.[tableName] ?? [];
  }
}

/** Cancelled only because another transaction held an item, or for throughput: worth trying again. */
export function cancelledForNow(error: unknown): error is TransactionCanceledException {
  if (!(error instanceof TransactionCanceledException)) return false;
  const codes = (error.CancellationReasons ?? []).map((reason) => reason.Code ?? 'None');
  return (
    codes.some((code) => code === 'TransactionConflict' || code === 'ThrottlingError') &&
    codes.every((code) => code === 'None' || code === 'TransactionConflict' || code === 'ThrottlingError')
  );
}

/**
 * Sends a transaction, retrying with backoff while it is cancelled only by a conflicting
 * transaction or throttling (the SDK does not retry those: the cancellation is a client error).
 * Every other cancellation, a failed condition above all, is the caller's to read.
 */
export async function transactWithRetry<T>(send: () => Promise<T>, policy: RetryPolicy = {}): Promise<T> {
  const attempts = policy.attempts ?? 8;
  for (let attempt = 1; ; attempt += 1) {
    try {
      return await send();
    } catch (error: unknown) {
      if (!cancelledForNow(error) || attempt >= attempts) throw error;
      await backoff(attempt, policy);
    }
  }
}
