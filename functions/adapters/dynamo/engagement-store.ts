import {
  ConditionalCheckFailedException,
  type DynamoDBClient,
  TransactionCanceledException,
} from '@aws-sdk/client-dynamodb';
import {
  BatchGetCommand,
  DeleteCommand,
  DynamoDBDocumentClient,
  GetCommand,
  PutCommand,
  QueryCommand,
  TransactWriteCommand,
  type TransactWriteCommandInput,
  UpdateCommand,
} from '@aws-sdk/lib-dynamodb';
import { z } from 'zod';
import { forEachConcurrently } from '../../core/concurrency.ts';
import {
  addCounters,
  type CounterName,
  counterEffect,
  counterNames,
  zeroCounters,
} from '../../core/engagement/counters.ts';
import type { EngagementEvent } from '../../core/engagement/model.ts';
import type {
  EngagementStore,
  InboundRecord,
  ReportData,
  SendGuard,
  StepCounters,
  SuppressionReason,
} from '../../ports/engagement-store.ts';
import { CorruptItemError } from './customer-store.ts';
import { onlyTypes, queryAll, scanItems } from './pages.ts';
import { type RetryPolicy, transactWithRetry } from './retries.ts';
import { customerTableDesign, keys, statsShard } from './table-design.ts';

type Item = Record<string, unknown>;
type TransactItem = NonNullable<TransactWriteCommandInput['TransactItems']>[number];

/** Engagement events are kept two years (enough for year-on-year reports), then DynamoDB's TTL removes them. */
const engagementRetentionMs = 730 * 86_400_000;
/** Records of refused inbound mail (sender, subject) are kept 90 days, for investigating abuse. */
export const inboundRetentionMs = 90 * 86_400_000;
/** The TTL attribute's value: epoch seconds. */
const expiresAfter = (at: number, retentionMs: number) => Math.floor((at + retentionMs) / 1000);

const SuppressionItemSchema = z.object({
  suppressionReason: z.enum(['hard-bounce', 'complaint', 'manual']),
  suppressedAt: z.number(),
});
const PauseItemSchema = z.object({ reason: z.string(), pausedAt: z.number() });
const CountersItemSchema = z.object({
  sequenceId: z.string(),
  stepIndex: z.number(),
  segmentId: z.string(),
  stepId: z.string().optional(),
});

function counters(item: Item): StepCounters['counters'] {
  const result = zeroCounters();
  for (const name of counterNames) {
    const value = item[name];
    if (typeof value === 'number') result[name] = value;
  }
  return result;
}

function parse<T>(schema: z.ZodType<T>, item: Item): T {
  const result = schema.safeParse(item);
  if (!result.success) {
    throw new CorruptItemError(
      `item ${String(item.pk)} / ${String(item.sk)}: ${z.prettifyError(result.error)}`,
    );
  }
  return result.data;
}

/** The table's `type` is the item kind, so the event's own type is stored as `eventType`. */
const eventAttributes = ({ type, ...rest }: EngagementEvent): Item => ({
  type: 'engagement',
  eventType: type,
  ...rest,
});

/** The conditional put failed on item `index` of a cancelled transaction. */
const failedOn = (error: TransactionCanceledException, index: number) =>
  error.CancellationReasons?.[index]?.Code === 'ConditionalCheckFailed';

/** The EngagementStore over the one table (keys in table-design.ts). */
export class DynamoEngagementStore implements EngagementStore {
  readonly #documents: DynamoDBDocumentClient;
  readonly #tableName: string;
  readonly #conflictRetry: RetryPolicy;

  /** `conflictRetry`: how a transaction cancelled by a conflicting one is retried. */
  constructor(client: DynamoDBClient, tableName: string, options: { conflictRetry?: RetryPolicy } = {}) {
    this.#documents = DynamoDBDocumentClient.from(client, {
      marshallOptions: { removeUndefinedValues: true },
    });
    this.#tableName = tableName;
    this.#conflictRetry = options.conflictRetry ?? {};
  }

  async record(event: EngagementEvent): Promise<'recorded' | 'duplicate'> {
    const attributed = event.customerId !== 'unknown';
    const eventPut: TransactItem = {
      Put: {
        TableName: this.#tableName,
        Item: {
          pk: attributed ? keys.customer(event.customerId) : keys.unattributed(event.messageId ?? 'none'),
          sk: keys.engagement(event.at, event.eventId),
          ...eventAttributes(event),
          expiresAt: expiresAfter(event.at, engagementRetentionMs),
        },
        ConditionExpression: 'attribute_not_exists(pk)',
      },
    };
    const { sequenceId, stepIndex, enrolmentId } = event;
    if (!attributed || sequenceId === undefined || stepIndex === undefined || enrolmentId === undefined) {
      return this.#putOnce(eventPut);
    }
    const effect = counterEffect(event);
    const counterUpdate = (names: readonly CounterName[]): TransactItem | undefined => {
      if (names.length === 0) return undefined;
      const values: Item = {
        ':sequenceId': sequenceId,
        ':stepIndex': stepIndex,
        ':segmentId': event.segmentId ?? 'unknown',
        ':stats': 'stats',
      };
      const adds = names.map((name) => {
        values[`:${name}`] = 1;
        return `${name} :${name}`;
      });
      const setStepId = event.stepId === undefined ? '' : ', stepId = :stepId';
      if (event.stepId !== undefined) values[':stepId'] = event.stepId;
      return {
        Update: {
          TableName: this.#tableName,
          Key: {
            pk: keys.stats(sequenceId),
            sk: keys.statsStep(stepIndex, event.segmentId ?? 'unknown', statsShard(enrolmentId, stepIndex)),
          },
          UpdateExpression: `SET sequenceId = :sequenceId, stepIndex = :stepIndex, segmentId = :segmentId, #type = :stats${setStepId} ADD ${adds.join(', ')}`,
          ExpressionAttributeNames: { '#type': 'type' },
          ExpressionAttributeValues: values,
        },
      };
    };
    const withFirst = (): TransactItem[] => {
      const first = effect.first;
      if (first === undefined) return [];
      const marker: TransactItem = {
        Update: {
          TableName: this.#tableName,
          Key: { pk: keys.customer(event.customerId), sk: keys.messageStats(enrolmentId, stepIndex) },
          UpdateExpression: 'SET #marker = :at, #type = :type',
          ConditionExpression: 'attribute_not_exists(#marker)',
          ExpressionAttributeNames: { '#marker': first.marker, '#type': 'type' },
          ExpressionAttributeValues: { ':at': event.at, ':type': 'message-stats' },
        },
      };
      const update = counterUpdate([...effect.always, ...first.counters]);
      return update === undefined ? [marker] : [marker, update];
    };
    const attempts: TransactItem[][] = [];
    if (effect.first !== undefined) attempts.push([eventPut, ...withFirst()]);
    const plain = counterUpdate(effect.always);
    attempts.push(plain === undefined ? [eventPut] : [eventPut, plain]);
    // First try as the first event of its kind for this message; if the marker is already set,
    // store it with only the per-event counters. A duplicate fails on the event put either way.
    for (const items of attempts) {
      try {
        // Every event of a step counts on one item, so a burst of events makes transactions collide.
        await transactWithRetry(
          () => this.#documents.send(new TransactWriteCommand({ TransactItems: items })),
          this.#conflictRetry,
        );
        return 'recorded';
      } catch (error: unknown) {
        if (!(error instanceof TransactionCanceledException)) throw error;
        if (failedOn(error, 0)) return 'duplicate';
        if (!failedOn(error, 1) || items.length === 1) throw error;
      }
    }
    throw new Error(`event ${event.eventId} could be stored neither as first nor as repeat`);
  }

  async #putOnce(put: TransactItem): Promise<'recorded' | 'duplicate'> {
    if (put.Put === undefined) throw new Error('expected a put');
    try {
      await this.#documents.send(new PutCommand(put.Put));
      return 'recorded';
    } catch (error: unknown) {
      if (error instanceof ConditionalCheckFailedException) return 'duplicate';
      throw error;
    }
  }

  async customersByEmail(email: string): Promise<string[]> {
    const page = await this.#documents.send(
      new QueryCommand({
        TableName: this.#tableName,
        IndexName: customerTableDesign.index.name,
        KeyConditionExpression: 'gsi1pk = :email AND gsi1sk = :profile',
        ExpressionAttributeValues: { ':email': keys.emailIndex(email), ':profile': keys.profile() },
      }),
    );
    return (page.Items ?? []).flatMap((item) =>
      typeof item.customerId === 'string' ? [item.customerId] : [],
    );
  }

  async suppress(
    email: string,
    customerIds: readonly string[],
    reason: SuppressionReason,
    at: number,
  ): Promise<void> {
    // The first reason and time stay: a later bounce does not rewrite a complaint.
    const update = {
      UpdateExpression:
        'SET suppressedAt = if_not_exists(suppressedAt, :at), suppressionReason = if_not_exists(suppressionReason, :reason), #type = :type',
      ExpressionAttributeNames: { '#type': 'type' },
    };
    await this.#documents.send(
      new UpdateCommand({
        TableName: this.#tableName,
        Key: { pk: keys.emailIndex(email), sk: keys.suppression() },
        ...update,
        ExpressionAttributeValues: { ':at': at, ':reason': reason, ':type': 'suppression' },
      }),
    );
    for (const customerId of new Set(customerIds)) {
      await this.#documents.send(
        new UpdateCommand({
          TableName: this.#tableName,
          Key: { pk: keys.customer(customerId), sk: keys.status() },
          ...update,
          ExpressionAttributeValues: { ':at': at, ':reason': reason, ':type': 'status' },
        }),
      );
    }
  }

  async suppressionOf(email: string): Promise<{ reason: SuppressionReason; at: number } | undefined> {
    return (await this.#guardItems(email)).suppression;
  }

  async sendGuard(email: string, sequenceId: string): Promise<SendGuard> {
    return this.#guardItems(email, sequenceId);
  }

  /**
   * One request for all: the address's suppression, the hashed tombstone of a forgotten address,
   * and (given a sequence) the sequence's pause.
   */
  async #guardItems(email: string, sequenceId?: string): Promise<SendGuard> {
    const pauseKey = sequenceId === undefined ? undefined : keys.sequence(sequenceId);
    const result = await this.#documents.send(
      new BatchGetCommand({
        RequestItems: {
          [this.#tableName]: {
            Keys: [
              { pk: keys.emailIndex(email), sk: keys.suppression() },
              { pk: keys.forgottenEmail(email), sk: keys.suppression() },
              ...(pauseKey === undefined ? [] : [{ pk: pauseKey, sk: keys.paused() }]),
            ],
            ConsistentRead: true,
          },
        },
      }),
    );
    // Unprocessed keys (throttling) must not read as "not suppressed" or "not paused".
    const unprocessed = result.UnprocessedKeys?.[this.#tableName]?.Keys?.length ?? 0;
    if (unprocessed > 0) throw new Error('suppression and pause lookup was throttled; try again');
    let suppression: SendGuard['suppression'];
    let pause: SendGuard['pause'];
    for (const item of result.Responses?.[this.#tableName] ?? []) {
      if (item.pk === pauseKey) {
        const paused = parse(PauseItemSchema, item);
        pause = { reason: paused.reason, at: paused.pausedAt };
      } else {
        const suppressed = parse(SuppressionItemSchema, item);
        suppression ??= { reason: suppressed.suppressionReason, at: suppressed.suppressedAt };
      }
    }
    return {
      ...(suppression === undefined ? {} : { suppression }),
      ...(pause === undefined ? {} : { pause }),
    };
  }

  async unsubscribe(customerId: string, at: number): Promise<number> {
    const result = await this.#documents.send(
      new UpdateCommand({
        TableName: this.#tableName,
        Key: { pk: keys.customer(customerId), sk: keys.status() },
        UpdateExpression: 'SET unsubscribedAt = if_not_exists(unsubscribedAt, :at), #type = :type',
        ExpressionAttributeNames: { '#type': 'type' },
        ExpressionAttributeValues: { ':at': at, ':type': 'status' },
        ReturnValues: 'ALL_NEW',
      }),
    );
    const stored = result.Attributes?.unsubscribedAt;
    return typeof stored === 'number' ? stored : at;
  }

  async pauseContact(customerId: string, until: number, at: number): Promise<void> {
    await this.#documents.send(
      new UpdateCommand({
        TableName: this.#tableName,
        Key: { pk: keys.customer(customerId), sk: keys.status() },
        UpdateExpression: 'SET pausedUntil = :until, pausedAt = :at, #type = :type',
        ExpressionAttributeNames: { '#type': 'type' },
        ExpressionAttributeValues: { ':until': until, ':at': at, ':type': 'status' },
      }),
    );
  }

  async endActiveEnrolments(
    customerId: string,
    reason: string,
    at: number,
    enrolmentId?: string,
  ): Promise<string[]> {
    const items = await queryAll(this.#documents, {
      TableName: this.#tableName,
      KeyConditionExpression: 'pk = :pk AND begins_with(sk, :prefix)',
      FilterExpression: '#type = :enrolment AND #state = :active',
      ExpressionAttributeNames: { '#type': 'type', '#state': 'state' },
      ExpressionAttributeValues: {
        ':pk': keys.customer(customerId),
        ':prefix': keys.enrolment(enrolmentId ?? ''),
        ':enrolment': 'enrolment',
        ':active': 'active',
      },
      ConsistentRead: true,
    });
    const ended: string[] = [];
    for (const item of items) {
      if (typeof item.enrolmentId !== 'string') continue;
      if (enrolmentId !== undefined && item.enrolmentId !== enrolmentId) continue;
      try {
        await this.#documents.send(
          new UpdateCommand({
            TableName: this.#tableName,
            Key: { pk: item.pk, sk: item.sk },
            UpdateExpression: 'SET #state = :exited, exitReason = :reason, endedAt = :at, updatedAt = :at',
            // Only an enrolment still active: completed and exited are final.
            ConditionExpression: '#state = :active',
            ExpressionAttributeNames: { '#state': 'state' },
            ExpressionAttributeValues: {
              ':exited': 'exited',
              ':reason': reason,
              ':at': at,
              ':active': 'active',
            },
          }),
        );
        ended.push(item.enrolmentId);
      } catch (error: unknown) {
        if (!(error instanceof ConditionalCheckFailedException)) throw error;
      }
    }
    return ended;
  }

  async sequenceCounters(sequenceId: string): Promise<StepCounters[]> {
    const items = await queryAll(this.#documents, {
      TableName: this.#tableName,
      KeyConditionExpression: 'pk = :pk',
      ExpressionAttributeValues: { ':pk': keys.stats(sequenceId) },
      ConsistentRead: true,
    });
    return sumShards(items.map(toStepCounters));
  }

  async pauseSequence(sequenceId: string, reason: string, at: number): Promise<boolean> {
    try {
      await this.#documents.send(
        new PutCommand({
          TableName: this.#tableName,
          Item: {
            pk: keys.sequence(sequenceId),
            sk: keys.paused(),
            type: 'sequence-pause',
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
    const result = await this.#documents.send(
      new DeleteCommand({
        TableName: this.#tableName,
        Key: { pk: keys.sequence(sequenceId), sk: keys.paused() },
        ReturnValues: 'ALL_OLD',
      }),
    );
    return result.Attributes !== undefined;
  }

  async sequencePause(sequenceId: string): Promise<{ reason: string; at: number } | undefined> {
    const result = await this.#documents.send(
      new GetCommand({
        TableName: this.#tableName,
        Key: { pk: keys.sequence(sequenceId), sk: keys.paused() },
        ConsistentRead: true,
      }),
    );
    if (result.Item === undefined) return undefined;
    const item = parse(PauseItemSchema, result.Item);
    return { reason: item.reason, at: item.pausedAt };
  }

  async recordInbound(record: InboundRecord): Promise<void> {
    await this.#documents.send(
      new PutCommand({
        TableName: this.#tableName,
        Item: {
          pk: keys.inbound(new Date(record.receivedAt).toISOString().slice(0, 10)),
          sk: keys.inboundMail(record.mailId),
          type: 'inbound',
          ...record,
          reason: record.reason.slice(0, 1_000),
          subject: record.subject?.slice(0, 300),
          from: record.from?.slice(0, 300),
          expiresAt: expiresAfter(record.receivedAt, inboundRetentionMs),
        },
      }),
    );
  }

  async loadReportData(): Promise<ReportData> {
    const data: Collected = { assignments: [], firstSends: new Map(), orders: [], counters: [] };
    // A parallel scan, a few segments at once: one long Scan of a large table is slow on AWS (one
    // partition at a time) and slower on DynamoDB Local (each page costs what is left of the Scan).
    const segments = Array.from({ length: reportScanSegments }, (_, segment) => segment);
    await forEachConcurrently(segments, reportScanConcurrency, async (segment) => {
      const items = scanItems(this.#documents, {
        TableName: this.#tableName,
        ...onlyTypes(['enrolment', 'holdout', 'order', 'send', 'stats']),
        Segment: segment,
        TotalSegments: reportScanSegments,
      });
      for await (const item of items) collect(item, data);
    });
    return {
      assignments: data.assignments,
      firstSends: [...data.firstSends].map(([enrolmentId, sentAt]) => ({ enrolmentId, sentAt })),
      orders: data.orders,
      counters: sumShards(data.counters),
    };
  }
}

/** One entry per sequence, step and segment: the shards of its counters summed. */
function sumShards(shards: readonly StepCounters[]): StepCounters[] {
  const steps = new Map<string, StepCounters>();
  for (const shard of shards) {
    const key = `${shard.sequenceId}\u0000${shard.stepIndex}\u0000${shard.segmentId}`;
    const sum = steps.get(key);
    steps.set(
      key,
      sum === undefined
        ? shard
        : {
            ...sum,
            ...(sum.stepId === undefined && shard.stepId !== undefined ? { stepId: shard.stepId } : {}),
            counters: addCounters(sum.counters, shard.counters),
          },
    );
  }
  return [...steps.values()];
}

const AssignmentSchema = z.object({
  customerId: z.string(),
  enrolmentId: z.string(),
  sequenceId: z.string(),
  segmentId: z.string(),
  enrolledAt: z.number(),
  state: z.string(),
});
const SendSchema = z.object({ enrolmentId: z.string(), state: z.string(), sentAt: z.number().optional() });
const OrderSchema = z.object({ customerId: z.string(), placedAt: z.string() });

function toStepCounters(item: Item): StepCounters {
  const { sequenceId, stepIndex, segmentId, stepId } = parse(CountersItemSchema, item);
  return {
    sequenceId,
    stepIndex,
    segmentId,
    ...(stepId === undefined ? {} : { stepId }),
    counters: counters(item),
  };
}

interface Collected {
  assignments: ReportData['assignments'][number][];
  firstSends: Map<string, number>;
  orders: ReportData['orders'][number][];
  counters: StepCounters[];
}

/** The report reads the table in this many parallel-scan segments, this many at once. */
const reportScanSegments = 16;
const reportScanConcurrency = 4;

function collect(item: Item, data: Collected): void {
  switch (item.type) {
    case 'enrolment':
    case 'holdout': {
      const { customerId, enrolmentId, sequenceId, segmentId, enrolledAt, state } = parse(
        AssignmentSchema,
        item,
      );
      data.assignments.push({ customerId, enrolmentId, sequenceId, segmentId, enrolledAt, state });
      return;
    }
    case 'send': {
      const send = parse(SendSchema, item);
      if (send.state !== 'sent' || send.sentAt === undefined) return;
      const earlier = data.firstSends.get(send.enrolmentId);
      if (earlier === undefined || send.sentAt < earlier) data.firstSends.set(send.enrolmentId, send.sentAt);
      return;
    }
    case 'order': {
      const order = parse(OrderSchema, item);
      data.orders.push({ customerId: order.customerId, placedAt: Date.parse(order.placedAt) });
      return;
    }
    case 'stats':
      data.counters.push(toStepCounters(item));
      return;
  }
}
