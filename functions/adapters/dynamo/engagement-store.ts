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
import type { StepCounters } from '../../core/domain/counters.ts';
import {
  addCounters,
  type CounterName,
  counterEffect,
  counterNames,
  zeroCounters,
} from '../../core/domain/counters.ts';
import type { EngagementEvent } from '../../core/domain/engagement-event.ts';
import type { InboundRecord } from '../../core/domain/inbound-record.ts';
import type { ReportData } from '../../core/domain/report-data.ts';
import type { EngagementStore, SendGuard, SuppressionReason } from '../../ports/engagement-store.ts';
import { CorruptItemError } from './customer-store.ts';
import { addResponse, type EnrolmentResponse } from './enrolment-store.ts';
import { onlyTypes, queryAll, scanItems } from './pages.ts';
import { backoff, type RetryPolicy, transactWithRetry } from './retries.ts';
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

/** Events in one transaction: with a marker and a counter each at most, within DynamoDB's 100 items. */
export const eventsPerTransaction = 25;
/** Transactions a batch may take: each round after the first follows a writer that got in between. */
const recordRounds = 5;

interface ItemKey {
  readonly pk: string;
  readonly sk: string;
}
interface PendingEvent {
  /** Its place in the batch, for the outcome. */
  readonly index: number;
  readonly event: EngagementEvent;
  readonly key: ItemKey;
}
/** What is stored already: item ids, and the attribute names (markers) of each stored item. */
interface Known {
  readonly items: Set<string>;
  readonly markers: Map<string, Set<string>>;
}

const itemId = (key: ItemKey) => `${key.pk}\u0000${key.sk}`;

/** The event's own item; events without a customer are kept apart by message. */
function eventKey(event: EngagementEvent): ItemKey {
  return {
    pk:
      event.customerId === 'unknown'
        ? keys.unattributed(event.messageId ?? 'none')
        : keys.customer(event.customerId),
    sk: keys.engagement(event.at, event.eventId),
  };
}

/** The message an event counts for; undefined when it counts for none (no customer or no tags). */
function countedMessage(event: EngagementEvent) {
  const { sequenceId, stepIndex, enrolmentId } = event;
  if (event.customerId === 'unknown' || sequenceId === undefined || stepIndex === undefined) return undefined;
  return enrolmentId === undefined ? undefined : { sequenceId, stepIndex, enrolmentId };
}

/** The item holding the message's first-of-kind markers, for events that have one. */
function markerKey(event: EngagementEvent): ItemKey | undefined {
  const message = countedMessage(event);
  if (message === undefined || counterEffect(event).first === undefined) return undefined;
  return {
    pk: keys.customer(event.customerId),
    sk: keys.messageStats(message.enrolmentId, message.stepIndex),
  };
}

/**
 * One transaction for a batch of new events: each event's conditional put; one update per message
 * setting the markers of the kinds seen first in this batch (the earliest event of a kind is its
 * message's first), each conditional; and one counter update per step and segment adding the
 * batch's sums, on one shard. `keys[i]` names the item of `items[i]` whose condition may fail.
 */
function planEvents(
  entries: readonly PendingEvent[],
  known: Known,
  tableName: string,
): { items: TransactItem[]; keys: (ItemKey | undefined)[] } {
  const items: TransactItem[] = [];
  const itemKeys: (ItemKey | undefined)[] = [];
  const markers = new Map<string, { key: ItemKey; set: Map<string, number> }>();
  const sums = new Map<
    string,
    {
      sequenceId: string;
      stepIndex: number;
      segmentId: string;
      stepId?: string;
      adds: Map<CounterName, number>;
    }
  >();
  const ordered = [...entries].sort((a, b) => a.event.at - b.event.at);
  for (const { event, key } of ordered) {
    items.push({
      Put: {
        TableName: tableName,
        Item: { ...key, ...eventAttributes(event), expiresAt: expiresAfter(event.at, engagementRetentionMs) },
        ConditionExpression: 'attribute_not_exists(pk)',
        ReturnValuesOnConditionCheckFailure: 'ALL_OLD',
      },
    });
    itemKeys.push(key);
    const message = countedMessage(event);
    if (message === undefined) continue;
    const effect = counterEffect(event);
    const names: CounterName[] = [...effect.always];
    const marker = markerKey(event);
    if (effect.first !== undefined && marker !== undefined) {
      const id = itemId(marker);
      const pending = markers.get(id) ?? { key: marker, set: new Map<string, number>() };
      if (
        !(known.markers.get(id)?.has(effect.first.marker) ?? false) &&
        !pending.set.has(effect.first.marker)
      ) {
        pending.set.set(effect.first.marker, event.at);
        markers.set(id, pending);
        names.push(...effect.first.counters);
      }
    }
    const segmentId = event.segmentId ?? 'unknown';
    const sumKey = `${message.sequenceId}\u0000${message.stepIndex}\u0000${segmentId}`;
    const sum = sums.get(sumKey) ?? {
      sequenceId: message.sequenceId,
      stepIndex: message.stepIndex,
      segmentId,
      adds: new Map<CounterName, number>(),
    };
    if (event.stepId !== undefined) sum.stepId = event.stepId;
    for (const name of names) sum.adds.set(name, (sum.adds.get(name) ?? 0) + 1);
    sums.set(sumKey, sum);
  }
  for (const { key, set } of markers.values()) {
    const names: Record<string, string> = { '#type': 'type' };
    const values: Item = { ':type': 'message-stats' };
    const assignments: string[] = [];
    const conditions: string[] = [];
    [...set].forEach(([marker, at], index) => {
      names[`#m${index}`] = marker;
      values[`:m${index}`] = at;
      assignments.push(`#m${index} = :m${index}`);
      conditions.push(`attribute_not_exists(#m${index})`);
    });
    items.push({
      Update: {
        TableName: tableName,
        Key: key,
        UpdateExpression: `SET ${assignments.join(', ')}, #type = :type`,
        ConditionExpression: conditions.join(' AND '),
        ExpressionAttributeNames: names,
        ExpressionAttributeValues: values,
        ReturnValuesOnConditionCheckFailure: 'ALL_OLD',
      },
    });
    itemKeys.push(key);
  }
  // One shard for the whole batch: concurrent batches spread over the shards, each touching few items.
  const shard = statsShard(ordered[0]?.event.eventId ?? '');
  for (const sum of sums.values()) {
    if (sum.adds.size === 0) continue;
    const values: Item = {
      ':sequenceId': sum.sequenceId,
      ':stepIndex': sum.stepIndex,
      ':segmentId': sum.segmentId,
      ':stats': 'stats',
    };
    const adds = [...sum.adds].map(([name, count]) => {
      values[`:${name}`] = count;
      return `${name} :${name}`;
    });
    if (sum.stepId !== undefined) values[':stepId'] = sum.stepId;
    items.push({
      Update: {
        TableName: tableName,
        Key: { pk: keys.stats(sum.sequenceId), sk: keys.statsStep(sum.stepIndex, sum.segmentId, shard) },
        UpdateExpression: `SET sequenceId = :sequenceId, stepIndex = :stepIndex, segmentId = :segmentId, #type = :stats${
          sum.stepId === undefined ? '' : ', stepId = :stepId'
        } ADD ${adds.join(', ')}`,
        ExpressionAttributeNames: { '#type': 'type' },
        ExpressionAttributeValues: values,
      },
    });
    itemKeys.push(undefined);
  }
  return { items, keys: itemKeys };
}

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
    const [outcome] = await this.recordAll([event]);
    if (outcome === undefined) throw new Error('recordAll returned no outcome for the event');
    return outcome;
  }

  async recordAll(events: readonly EngagementEvent[]): Promise<('recorded' | 'duplicate')[]> {
    const outcomes = events.map((): 'recorded' | 'duplicate' => 'recorded');
    const pending: PendingEvent[] = [];
    const seen = new Set<string>();
    events.forEach((event, index) => {
      const key = eventKey(event);
      const id = itemId(key);
      // The same event twice in one batch (EventBridge delivers at least once): stored once.
      if (seen.has(id)) outcomes[index] = 'duplicate';
      else pending.push({ index, event, key });
      seen.add(id);
    });
    for (let start = 0; start < pending.length; start += eventsPerTransaction) {
      const chunk = pending.slice(start, start + eventsPerTransaction);
      for (const index of await this.#recordChunk(chunk)) outcomes[index] = 'duplicate';
    }
    return outcomes;
  }

  /**
   * Stores up to `eventsPerTransaction` distinct events in one transaction; returns the indexes of
   * those already stored (duplicates). A batch first reads which of its events and message markers
   * exist, so that one transaction usually does; a lone event goes straight to the transaction. A
   * refused condition hands back the item as it is (ReturnValuesOnConditionCheckFailure), which
   * corrects what is known, and the next round writes the rest.
   */
  async #recordChunk(chunk: readonly PendingEvent[]): Promise<number[]> {
    const duplicates: number[] = [];
    const known: Known =
      chunk.length > 1 ? await this.#readKnown(chunk) : { items: new Set(), markers: new Map() };
    let left = chunk;
    for (let round = 1; ; round += 1) {
      left = left.filter((entry) => {
        if (!known.items.has(itemId(entry.key))) return true;
        duplicates.push(entry.index);
        return false;
      });
      if (left.length === 0) return duplicates;
      const plan = planEvents(left, known, this.#tableName);
      try {
        // Concurrent batches of one step share its counter items: a conflict waits and tries again.
        await transactWithRetry(
          () => this.#documents.send(new TransactWriteCommand({ TransactItems: plan.items })),
          this.#conflictRetry,
        );
        return duplicates;
      } catch (error: unknown) {
        if (!(error instanceof TransactionCanceledException) || round >= recordRounds) throw error;
        const reasons = error.CancellationReasons ?? [];
        let learned = false;
        reasons.forEach((reason, index) => {
          if (reason.Code !== 'ConditionalCheckFailed') return;
          const key = plan.keys[index];
          if (key === undefined) return;
          learned = true;
          known.items.add(itemId(key));
          known.markers.set(itemId(key), new Set(Object.keys(reason.Item ?? {})));
        });
        // Not a refused condition (validation, a conflict that outlasted the retries): not ours to mend.
        if (!learned) throw error;
      }
    }
  }

  /** One consistent BatchGetItem: which of the events are stored, and the markers set on their messages. */
  async #readKnown(chunk: readonly PendingEvent[]): Promise<Known> {
    const wanted = new Map<string, ItemKey>();
    for (const entry of chunk) {
      wanted.set(itemId(entry.key), entry.key);
      const marker = markerKey(entry.event);
      if (marker !== undefined) wanted.set(itemId(marker), marker);
    }
    const known: Known = { items: new Set(), markers: new Map() };
    let keysLeft = [...wanted.values()];
    for (let attempt = 0; keysLeft.length > 0; attempt += 1) {
      // Unread keys must not read as "not stored": that would count an event twice.
      if (attempt >= 11) throw new Error(`DynamoDB kept ${keysLeft.length} reads unprocessed`);
      if (attempt > 0) await backoff(attempt, this.#conflictRetry);
      const result = await this.#documents.send(
        new BatchGetCommand({
          RequestItems: { [this.#tableName]: { Keys: keysLeft, ConsistentRead: true } },
        }),
      );
      for (const item of result.Responses?.[this.#tableName] ?? []) {
        const id = itemId({ pk: String(item.pk), sk: String(item.sk) });
        known.items.add(id);
        known.markers.set(id, new Set(Object.keys(item)));
      }
      keysLeft = (result.UnprocessedKeys?.[this.#tableName]?.Keys ?? []).map((key) => ({
        pk: String(key.pk),
        sk: String(key.sk),
      }));
    }
    return known;
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
    const data: Collected = {
      assignments: [],
      firstSends: new Map(),
      orders: [],
      counters: [],
      responses: new Map(),
    };
    // A parallel scan, a few segments at once: one long Scan of a large table is slow on AWS (one
    // partition at a time) and slower on DynamoDB Local (each page costs what is left of the Scan).
    const segments = Array.from({ length: reportScanSegments }, (_, segment) => segment);
    await forEachConcurrently(segments, reportScanConcurrency, async (segment) => {
      const items = scanItems(this.#documents, {
        TableName: this.#tableName,
        ...onlyTypes(['enrolment', 'holdout', 'order', 'send', 'stats', 'message-stats']),
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
      responses: [...data.responses].flatMap(([enrolmentId, { respondedAt }]) =>
        respondedAt === undefined ? [] : [{ enrolmentId, respondedAt }],
      ),
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
  endedAt: z.number().optional(),
  exitReason: z.string().optional(),
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
  responses: Map<string, EnrolmentResponse>;
}

/** The report reads the table in this many parallel-scan segments, this many at once. */
const reportScanSegments = 64;
const reportScanConcurrency = 4;

function collect(item: Item, data: Collected): void {
  switch (item.type) {
    case 'enrolment':
    case 'holdout': {
      const { customerId, enrolmentId, sequenceId, segmentId, enrolledAt, state, endedAt, exitReason } =
        parse(AssignmentSchema, item);
      data.assignments.push({
        customerId,
        enrolmentId,
        sequenceId,
        segmentId,
        enrolledAt,
        state,
        ...(endedAt === undefined ? {} : { endedAt }),
        ...(exitReason === undefined ? {} : { exitReason }),
      });
      return;
    }
    case 'message-stats':
      addResponse(data.responses, item);
      return;
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
