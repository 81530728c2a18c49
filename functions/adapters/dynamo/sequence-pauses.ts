import { ConditionalCheckFailedException } from '@aws-sdk/client-dynamodb';
import { DeleteCommand, GetCommand, PutCommand } from '@aws-sdk/lib-dynamodb';
import type { SequencePause, SequencePauses } from '../../ports/sequence-pauses.ts';
import { itemTypes, PauseItemSchema, parseItem, typeAttribute } from './items.ts';
import { TableAdapter } from './table-adapter.ts';
import { keys } from './table-design.ts';

/** The SequencePauses over the one table: one `SEQUENCE#<id>` / `PAUSED` item while paused. */
export class DynamoSequencePauses extends TableAdapter implements SequencePauses {
  async pauseSequence(sequenceId: string, reason: string, at: number): Promise<boolean> {
    try {
      await this.documents.send(
        new PutCommand({
          TableName: this.tableName,
          Item: {
            pk: keys.sequence(sequenceId),
            sk: keys.paused(),
            [typeAttribute]: itemTypes.sequencePause,
            sequenceId,
            reason,
            pausedAt: at,
          },
          ConditionExpression: 'attribute_not_exists(pk)',
        }),
      );
      return true;
    } catch (error: unknown) {
      if (error instanceof ConditionalCheckFailedException) return false;
      throw error;
    }
  }

  async resumeSequence(sequenceId: string): Promise<boolean> {
    const result = await this.documents.send(
      new DeleteCommand({
        TableName: this.tableName,
        Key: { pk: keys.sequence(sequenceId), sk: keys.paused() },
        ReturnValues: 'ALL_OLD',
      }),
    );
    return result.Attributes !== undefined;
  }

  async sequencePause(sequenceId: string): Promise<SequencePause | undefined> {
    const result = await this.documents.send(
      new GetCommand({
        TableName: this.tableName,
        Key: { pk: keys.sequence(sequenceId), sk: keys.paused() },
        ConsistentRead: true,
      }),
    );
    if (result.Item === undefined) return undefined;
    const item = parseItem(PauseItemSchema, result.Item);
    return { reason: item.reason, at: item.pausedAt };
  }
}
