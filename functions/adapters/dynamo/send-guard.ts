import { BatchGetCommand, type DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { allSequences } from '../../core/domain/pauses.ts';
import type { SendGuard, SendGuardReader } from '../../ports/send-guard.ts';
import { PauseItemSchema, parseItem, SuppressionItemSchema } from './items.ts';
import { TableAdapter } from './table-adapter.ts';
import { keys } from './table-design.ts';

/**
 * One consistent BatchGetItem for all: the address's suppression, the hashed tombstone of a
 * forgotten address, and (given a sequence) the sequence's pause and the kill switch. It reads the items the contact
 * status store, the privacy store and the sequence pauses write; it writes none.
 */
export async function readSendGuard(
  documents: DynamoDBDocumentClient,
  tableName: string,
  email: string,
  sequenceId?: string,
): Promise<SendGuard> {
  const pauseKey = sequenceId === undefined ? undefined : keys.sequence(sequenceId);
  // The kill switch (every sequence paused) is read in the same request.
  const allKey = sequenceId === undefined ? undefined : keys.sequence(allSequences);
  const result = await documents.send(
    new BatchGetCommand({
      RequestItems: {
        [tableName]: {
          Keys: [
            { pk: keys.emailIndex(email), sk: keys.suppression() },
            { pk: keys.forgottenEmail(email), sk: keys.suppression() },
            ...(pauseKey === undefined ? [] : [{ pk: pauseKey, sk: keys.paused() }]),
            ...(allKey === undefined ? [] : [{ pk: allKey, sk: keys.paused() }]),
          ],
          ConsistentRead: true,
        },
      },
    }),
  );
  // Unprocessed keys (throttling) must not read as "not suppressed" or "not paused".
  const unprocessed = result.UnprocessedKeys?.[tableName]?.Keys?.length ?? 0;
  if (unprocessed > 0) throw new Error('suppression and pause lookup was throttled; try again');
  let suppression: SendGuard['suppression'];
  let pause: SendGuard['pause'];
  for (const item of result.Responses?.[tableName] ?? []) {
    if (item.pk === pauseKey || item.pk === allKey) {
      const paused = parseItem(PauseItemSchema, item);
      // The kill switch speaks for every sequence, so it is the one shown when both hold.
      if (item.pk === allKey || pause === undefined)
        pause = {
          reason: paused.reason,
          at: paused.pausedAt,
          sequenceId: item.pk === allKey ? allSequences : paused.sequenceId,
        };
    } else {
      const suppressed = parseItem(SuppressionItemSchema, item);
      suppression ??= { reason: suppressed.suppressionReason, at: suppressed.suppressedAt };
    }
  }
  return {
    ...(suppression === undefined ? {} : { suppression }),
    ...(pause === undefined ? {} : { pause }),
  };
}

/** The SendGuardReader over the one table: one request per send. */
export class DynamoSendGuard extends TableAdapter implements SendGuardReader {
  sendGuard(email: string, sequenceId: string): Promise<SendGuard> {
    return readSendGuard(this.documents, this.tableName, email, sequenceId);
  }
}
