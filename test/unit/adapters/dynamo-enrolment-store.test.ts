import {
  ConditionalCheckFailedException,
  DynamoDBClient,
  TransactionCanceledException,
} from '@aws-sdk/client-dynamodb';
import {
  DynamoDBDocumentClient,
  PutCommand,
  QueryCommand,
  TransactWriteCommand,
  UpdateCommand,
} from '@aws-sdk/lib-dynamodb';
import { mockClient } from 'aws-sdk-client-mock';
import { afterEach, describe, expect, it } from 'vitest';
import {
  DynamoEnrolmentStore,
  transitionCondition,
} from '../../../functions/adapters/dynamo/enrolment-store.ts';
import type { Assignment } from '../../../functions/core/domain/enrolment.ts';

const documents = mockClient(DynamoDBDocumentClient);
afterEach(() => documents.reset());

const store = () => new DynamoEnrolmentStore(new DynamoDBClient({ region: 'eu-west-1' }), 'rekindle');
const at = Date.parse('2026-11-24T10:00:00Z');
const refused = () =>
  new ConditionalCheckFailedException({ message: 'The conditional request failed', $metadata: {} });

const assignment = (customerId: string, state: Assignment['state'] = 'active'): Assignment => ({
  enrolmentId: `gentle-winback-20261124-${customerId}`,
  customerId,
  sequenceId: 'gentle-winback',
  segmentId: 'lapsed',
  enrolledAt: at,
  state,
});

describe('the state machine in the enrolment store’s conditions', () => {
  it('lets only an active enrolment complete or exit', () => {
    expect(transitionCondition('completed')).toEqual({
      ConditionExpression: '#state IN (:from0)',
      values: { ':from0': 'active' },
    });
    expect(transitionCondition('exited')).toEqual(transitionCondition('completed'));
  });

  it('exits an active enrolment with its reason, step and time, in one conditional update', async () => {
    documents.on(UpdateCommand).resolves({});
    await expect(
      store().endEnrolment('c1', 'e1', { state: 'exited', at, stepIndex: 1, exitReason: 'purchase' }),
    ).resolves.toBe(true);
    const [call] = documents.commandCalls(UpdateCommand);
    expect(call?.args[0].input).toMatchObject({
      TableName: 'rekindle',
      Key: { pk: 'CUSTOMER#c1', sk: 'ENROLMENT#e1' },
      ConditionExpression: '#state IN (:from0)',
      ExpressionAttributeNames: { '#state': 'state' },
      ExpressionAttributeValues: {
        ':state': 'exited',
        ':at': at,
        ':step': 1,
        ':reason': 'purchase',
        ':from0': 'active',
      },
    });
    expect(call?.args[0].input.UpdateExpression).toContain('exitReason = :reason');
  });

  it('completes without a reason, and reports a completed or exited enrolment as not moved', async () => {
    documents.on(UpdateCommand).resolvesOnce({}).rejects(refused());
    await expect(store().endEnrolment('c1', 'e1', { state: 'completed', at, stepIndex: 2 })).resolves.toBe(
      true,
    );
    expect(documents.commandCalls(UpdateCommand)[0]?.args[0].input.UpdateExpression).not.toContain(
      'exitReason',
    );
    // A late redelivery, or an exit racing the completion: the condition refuses it and nothing changes.
    await expect(
      store().endEnrolment('c1', 'e1', { state: 'exited', at, stepIndex: 2, exitReason: 'reply' }),
    ).resolves.toBe(false);
  });

  it('ends each active enrolment of a customer under the same guard, and returns only those it moved', async () => {
    documents.on(QueryCommand).resolves({
      Items: [
        { pk: 'CUSTOMER#c1', sk: 'ENROLMENT#e1', type: 'enrolment', enrolmentId: 'e1', state: 'active' },
        { pk: 'CUSTOMER#c1', sk: 'ENROLMENT#e2', type: 'enrolment', enrolmentId: 'e2', state: 'active' },
      ],
    });
    // e2 completed between the read and the write: the guard keeps it completed.
    documents
      .on(UpdateCommand, { Key: { pk: 'CUSTOMER#c1', sk: 'ENROLMENT#e1' } })
      .resolves({})
      .on(UpdateCommand, { Key: { pk: 'CUSTOMER#c1', sk: 'ENROLMENT#e2' } })
      .rejects(refused());
    await expect(store().endActiveEnrolments('c1', 'complaint', at)).resolves.toEqual(['e1']);
    const query = documents.commandCalls(QueryCommand)[0]?.args[0].input;
    expect(query).toMatchObject({
      KeyConditionExpression: 'pk = :pk AND begins_with(sk, :prefix)',
      ConsistentRead: true,
      ExpressionAttributeValues: { ':pk': 'CUSTOMER#c1', ':prefix': 'ENROLMENT#', ':enrolment': 'enrolment' },
    });
    for (const call of documents.commandCalls(UpdateCommand))
      expect(call.args[0].input).toMatchObject({
        ConditionExpression: '#state IN (:from0)',
        ExpressionAttributeValues: { ':state': 'exited', ':reason': 'complaint', ':from0': 'active' },
      });
  });

  it('ends only the named enrolment, not one whose id merely starts the same', async () => {
    documents.on(QueryCommand).resolves({
      Items: [
        { pk: 'CUSTOMER#c1', sk: 'ENROLMENT#e1', type: 'enrolment', enrolmentId: 'e1', state: 'active' },
        { pk: 'CUSTOMER#c1', sk: 'ENROLMENT#e10', type: 'enrolment', enrolmentId: 'e10', state: 'active' },
      ],
    });
    documents.on(UpdateCommand).resolves({});
    await expect(store().endActiveEnrolments('c1', 'reply', at, 'e1')).resolves.toEqual(['e1']);
    expect(documents.commandCalls(UpdateCommand)).toHaveLength(1);
  });
});

describe('creating enrolments and hold-outs', () => {
  it('creates once: a conditional put, hold-outs as their own item type', async () => {
    documents.on(PutCommand).resolvesOnce({}).rejects(refused());
    await expect(store().createAssignment(assignment('c1', 'held-out'))).resolves.toBe(true);
    expect(documents.commandCalls(PutCommand)[0]?.args[0].input).toMatchObject({
      ConditionExpression: 'attribute_not_exists(pk)',
      Item: {
        pk: 'CUSTOMER#c1',
        sk: 'ENROLMENT#gentle-winback-20261124-c1',
        type: 'holdout',
        state: 'held-out',
      },
    });
    await expect(store().createAssignment(assignment('c1', 'held-out'))).resolves.toBe(false);
  });

  it('writes a batch in one transaction, and again without the ones that existed', async () => {
    documents
      .on(TransactWriteCommand)
      .rejectsOnce(
        new TransactionCanceledException({
          message: 'Transaction cancelled',
          $metadata: {},
          CancellationReasons: [{ Code: 'None' }, { Code: 'ConditionalCheckFailed' }, { Code: 'None' }],
        }),
      )
      .resolves({});
    const batch = [assignment('c1'), assignment('c2'), assignment('c3', 'held-out'), assignment('c1')];
    await expect(store().createAssignments(batch)).resolves.toEqual([true, false, true, false]);
    const calls = documents.commandCalls(TransactWriteCommand);
    expect(calls.map((call) => call.args[0].input.TransactItems?.length)).toEqual([3, 2]);
    for (const item of calls[0]?.args[0].input.TransactItems ?? [])
      expect(item.Put?.ConditionExpression).toBe('attribute_not_exists(pk)');
  });
});
