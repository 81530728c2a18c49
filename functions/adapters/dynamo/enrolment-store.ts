import { ConditionalCheckFailedException, TransactionCanceledException } from '@aws-sdk/client-dynamodb';
import { PutCommand, TransactWriteCommand, UpdateCommand } from '@aws-sdk/lib-dynamodb';
import type { Assignment } from '../../core/domain/enrolment.ts';
import { endingEvent, enrolmentTransitions, statesAccepting } from '../../core/domain/enrolment-state.ts';
import type { EnrolmentEnd, EnrolmentStore } from '../../ports/enrolment-store.ts';
import { itemTypes, typeAttribute } from './items.ts';
import { queryAll } from './pages.ts';
import { transactWithRetry } from './retries.ts';
import { TableAdapter } from './table-adapter.ts';
import { keys } from './table-design.ts';

/** New enrolments and hold-outs written together: each is a conditional put (the first one wins). */
export const assignmentsPerTransaction = 25;

/** Transactions a batch may take: each round after the first leaves out the ones that existed. */
const createRounds = 5;

/**
 * The condition and values of moving an enrolment to `state`: the stored state must be one from
 * which the state machine allows it (only `active`), so a late or repeated end changes nothing.
 */
export function transitionCondition(state: EnrolmentEnd['state']): {
  readonly ConditionExpression: string;
  readonly values: Record<string, string>;
} {
  const event = endingEvent(state);
  const from = statesAccepting(event).filter((current) => enrolmentTransitions[current][event] === state);
  // A programming error, not data: the transitions table lost the way to an end state.
  if (from.length === 0) throw new Error(`no enrolment state may become ${state}`);
  const values = Object.fromEntries(from.map((current, index) => [`:from${index}`, current]));
  return { ConditionExpression: `#state IN (${Object.keys(values).join(', ')})`, values };
}

/** The EnrolmentStore over the one table: enrolment and hold-out items under `ENROLMENT#<id>`. */
export class DynamoEnrolmentStore extends TableAdapter implements EnrolmentStore {
  async createAssignment(assignment: Assignment): Promise<boolean> {
    try {
      await this.documents.send(new PutCommand(this.#assignmentPut(assignment)));
      return true;
    } catch (error: unknown) {
      if (error instanceof ConditionalCheckFailedException) return false;
      throw error;
    }
  }

  async createAssignments(assignments: readonly Assignment[]): Promise<boolean[]> {
    const created = assignments.map(() => false);
    // One per key: a transaction refuses two operations on one item, and the first wins anyway.
    const firsts = new Map<string, number>();
    assignments.forEach((assignment, index) => {
      const key = `${assignment.customerId}\u0000${assignment.enrolmentId}`;
      if (!firsts.has(key)) firsts.set(key, index);
    });
    const indexes = [...firsts.values()];
    for (let start = 0; start < indexes.length; start += assignmentsPerTransaction) {
      let left = indexes.slice(start, start + assignmentsPerTransaction);
      for (let round = 1; left.length > 0; round += 1) {
        const puts = left.flatMap((index) => {
          const assignment = assignments[index];
          return assignment === undefined ? [] : [{ Put: this.#assignmentPut(assignment) }];
        });
        try {
          await transactWithRetry(() =>
            this.documents.send(new TransactWriteCommand({ TransactItems: puts })),
          );
          for (const index of left) created[index] = true;
          left = [];
        } catch (error: unknown) {
          if (!(error instanceof TransactionCanceledException) || round >= createRounds) throw error;
          // Those that exist stay false; the rest go again without them.
          const refused = new Set(
            (error.CancellationReasons ?? []).flatMap((reason, position) =>
              reason.Code === 'ConditionalCheckFailed' ? [left[position]] : [],
            ),
          );
          if (refused.size === 0) throw error;
          left = left.filter((index) => !refused.has(index));
        }
      }
    }
    return created;
  }

  endEnrolment(customerId: string, enrolmentId: string, end: EnrolmentEnd): Promise<boolean> {
    return this.#end(customerId, enrolmentId, end);
  }

  async endActiveEnrolments(
    customerId: string,
    reason: string,
    at: number,
    enrolmentId?: string,
  ): Promise<string[]> {
    const items = await queryAll(this.documents, {
      TableName: this.tableName,
      KeyConditionExpression: 'pk = :pk AND begins_with(sk, :prefix)',
      FilterExpression: '#type = :enrolment AND #state = :active',
      ExpressionAttributeNames: { '#type': typeAttribute, '#state': 'state' },
      ExpressionAttributeValues: {
        ':pk': keys.customer(customerId),
        ':prefix': keys.enrolment(enrolmentId ?? ''),
        ':enrolment': itemTypes.enrolment,
        ':active': 'active',
      },
      ConsistentRead: true,
    });
    const ended: string[] = [];
    for (const item of items) {
      if (typeof item.enrolmentId !== 'string') continue;
      // The prefix of one id may match longer ids too.
      if (enrolmentId !== undefined && item.enrolmentId !== enrolmentId) continue;
      if (await this.#end(customerId, item.enrolmentId, { state: 'exited', at, exitReason: reason }))
        ended.push(item.enrolmentId);
    }
    return ended;
  }

  /** The one conditional update that ends an enrolment; false when the state machine refused it. */
  async #end(
    customerId: string,
    enrolmentId: string,
    end: Omit<EnrolmentEnd, 'stepIndex'> & { readonly stepIndex?: number },
  ): Promise<boolean> {
    const { ConditionExpression, values } = transitionCondition(end.state);
    const sets = ['#state = :state', 'endedAt = :at', 'updatedAt = :at'];
    if (end.stepIndex !== undefined) sets.push('endedAtStep = :step');
    if (end.exitReason !== undefined) sets.push('exitReason = :reason');
    try {
      await this.documents.send(
        new UpdateCommand({
          TableName: this.tableName,
          Key: { pk: keys.customer(customerId), sk: keys.enrolment(enrolmentId) },
          UpdateExpression: `SET ${sets.join(', ')}`,
          ConditionExpression,
          ExpressionAttributeNames: { '#state': 'state' },
          ExpressionAttributeValues: {
            ':state': end.state,
            ':at': end.at,
            ...(end.stepIndex === undefined ? {} : { ':step': end.stepIndex }),
            ...(end.exitReason === undefined ? {} : { ':reason': end.exitReason }),
            ...values,
          },
        }),
      );
      return true;
    } catch (error: unknown) {
      if (error instanceof ConditionalCheckFailedException) return false;
      throw error;
    }
  }

  #assignmentPut(assignment: Assignment) {
    return {
      TableName: this.tableName,
      Item: {
        pk: keys.customer(assignment.customerId),
        sk: keys.enrolment(assignment.enrolmentId),
        // Hold-outs are their own type so the sender's view never mistakes one for an enrolment.
        [typeAttribute]: assignment.state === 'held-out' ? itemTypes.holdout : itemTypes.enrolment,
        ...assignment,
      },
      // Created once: the id is deterministic per (customer, sequence, day), so the first write wins.
      ConditionExpression: 'attribute_not_exists(pk)',
    };
  }
}
