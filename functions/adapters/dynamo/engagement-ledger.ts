import { randomUUID } from 'node:crypto';
import { type DynamoDBClient, TransactionCanceledException } from '@aws-sdk/client-dynamodb';
import {
  BatchGetCommand,
  TransactWriteCommand,
  type TransactWriteCommandInput,
  UpdateCommand,
} from '@aws-sdk/lib-dynamodb';
import type { StepCounters } from '../../core/domain/counters.ts';
import {
  addCounters,
  type CounterName,
  counterEffect,
  type DeferralCause,
  deferralCounter,
} from '../../core/domain/counters.ts';
import type { EngagementEvent } from '../../core/domain/engagement-event.ts';
import type { DeferralCounter, DeferralKey } from '../../ports/deferral-counter.ts';
import type { EngagementLedger } from '../../ports/engagement-ledger.ts';
import { expiresAfter, type Item, itemTypes, toStepCounters, typeAttribute } from './items.ts';
import { queryAll } from './pages.ts';
import { backoff, type RetryPolicy, transactWithRetry } from './retries.ts';
import { TableAdapter } from './table-adapter.ts';
import { customerTableDesign, keys, statsShard } from './table-design.ts';

type TransactItem = NonNullable<TransactWriteCommandInput['TransactItems']>[number];

/** Engagement events are kept two years (enough for year-on-year reports), then DynamoDB's TTL removes them. */
const engagementRetentionMs = 730 * 86_400_000;

/** The table's `type` is the item kind, so the event's own type is stored as `eventType`. */
const eventAttributes = ({ type, ...rest }: EngagementEvent): Item => ({
  [typeAttribute]: itemTypes.engagement,
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
        Item: {
          ...key,
          ...eventAttributes(event),
          [customerTableDesign.timeToLiveAttribute]: expiresAfter(event.at, engagementRetentionMs),
        },
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
    const names: Record<string, string> = { '#type': typeAttribute };
    const values: Item = { ':type': itemTypes.messageStats };
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
      ':stats': itemTypes.stats,
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
        ExpressionAttributeNames: { '#type': typeAttribute },
        ExpressionAttributeValues: values,
      },
    });
    itemKeys.push(undefined);
  }
  return { items, keys: itemKeys };
}

/** The EngagementLedger over the one table: event items, message markers and counter shards (keys in table-design.ts). */
export class DynamoEngagementLedger extends TableAdapter implements EngagementLedger, DeferralCounter {
  readonly #conflictRetry: RetryPolicy;

  /** `conflictRetry`: how a transaction cancelled by a conflicting one is retried. */
  constructor(client: DynamoDBClient, tableName: string, options: { conflictRetry?: RetryPolicy } = {}) {
    super(client, tableName);
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
      const plan = planEvents(left, known, this.tableName);
      try {
        // Concurrent batches of one step share its counter items: a conflict waits and tries again.
        await transactWithRetry(
          () => this.documents.send(new TransactWriteCommand({ TransactItems: plan.items })),
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
      const result = await this.documents.send(
        new BatchGetCommand({
          RequestItems: { [this.tableName]: { Keys: keysLeft, ConsistentRead: true } },
        }),
      );
      for (const item of result.Responses?.[this.tableName] ?? []) {
        const id = itemId({ pk: String(item.pk), sk: String(item.sk) });
        known.items.add(id);
        known.markers.set(id, new Set(Object.keys(item)));
      }
      keysLeft = (result.UnprocessedKeys?.[this.tableName]?.Keys ?? []).map((key) => ({
        pk: String(key.pk),
        sk: String(key.sk),
      }));
    }
    return known;
  }

  async sequenceCounters(sequenceId: string): Promise<StepCounters[]> {
    const items = await queryAll(this.documents, {
      TableName: this.tableName,
      KeyConditionExpression: 'pk = :pk',
      ExpressionAttributeValues: { ':pk': keys.stats(sequenceId) },
      ConsistentRead: true,
    });
    return sumShards(items.map(toStepCounters));
  }

  async countDeferral(key: DeferralKey, cause: DeferralCause): Promise<void> {
    const counter = deferralCounter[cause];
    // A shard drawn at random: a window opening defers many steps of one sequence at once.
    await this.documents.send(
      new UpdateCommand({
        TableName: this.tableName,
        Key: {
          pk: keys.stats(key.sequenceId),
          sk: keys.statsStep(key.stepIndex, key.segmentId, statsShard(randomUUID())),
        },
        UpdateExpression: `SET sequenceId = :sequenceId, stepIndex = :stepIndex, segmentId = :segmentId, #type = :stats ADD ${counter} :one`,
        ExpressionAttributeNames: { '#type': typeAttribute },
        ExpressionAttributeValues: {
          ':sequenceId': key.sequenceId,
          ':stepIndex': key.stepIndex,
          ':segmentId': key.segmentId,
          ':stats': itemTypes.stats,
          ':one': 1,
        },
      }),
    );
  }
}

/** One entry per sequence, step and segment: the shards of its counters summed. */
export function sumShards(shards: readonly StepCounters[]): StepCounters[] {
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
