import * as z from 'zod';
import type { LiveRefund } from '../../core/customers/live-order.ts';
import { type Customer, CustomerSchema, type Order, OrderStatusSchema } from '../../core/customers/model.ts';
import { counterNames, type StepCounters, zeroCounters } from '../../core/domain/counters.ts';
import { customerTableDesign, keys } from './table-design.ts';

/**
 * The item codec of the one table: every item kind's `type`, the index's attributes and the
 * parsing of items read back. Adapters build and read items through it, so a kind, a key or the
 * index is spelled here and in table-design.ts only.
 */

export type Item = Record<string, unknown>;

/** The `type` attribute of every item kind (the kinds are described in docs/architecture.md). */
export const itemTypes = {
  customer: 'customer',
  order: 'order',
  incident: 'incident',
  score: 'score',
  enrolment: 'enrolment',
  /** A hold-out shares the enrolment key space, as its own kind so the sender never mistakes one. */
  holdout: 'holdout',
  send: 'send',
  /** A customer's contact status: unsubscribed, suppressed, paused. */
  status: 'status',
  engagement: 'engagement',
  /** Per message, the first-of-kind markers (keys.messageStats). */
  messageStats: 'message-stats',
  /** A shard of one step and segment's counters (keys.statsStep). */
  stats: 'stats',
  /** An address's suppression, and the tombstone of a forgotten address or customer id. */
  suppression: 'suppression',
  sequencePause: 'sequence-pause',
  inbound: 'inbound',
  modelRun: 'model-run',
  /** Where a live Shopify order is, under its Shopify id (keys.shopifyOrderPointer). */
  shopifyOrder: 'shopify-order',
  /** A Shopify refund that came before its order, counted when the order is written (keys.pendingRefund). */
  pendingRefund: 'pending-refund',
} as const;
export type ItemType = (typeof itemTypes)[keyof typeof itemTypes];

/** The attribute holding the item kind. */
export const typeAttribute = 'type';

/** Whether the item is of this kind. */
export const isItemOf = (item: Item, type: ItemType): boolean => item[typeAttribute] === type;

const { name: indexName, partitionKey: indexPartitionKey, sortKey: indexSortKey } = customerTableDesign.index;

/** A customer profile's index entry: found by its email. */
export const emailIndexEntry = (email: string): Item => ({
  [indexPartitionKey]: keys.emailIndex(email),
  [indexSortKey]: keys.profile(),
});

/** A claimed send's index entry: listed by claim time until confirmed, failed or released. */
export const claimedIndexEntry = (claimedAt: number, customerId: string): Item => ({
  [indexPartitionKey]: keys.sendState('claimed'),
  [indexSortKey]: `${String(claimedAt).padStart(15, '0')}#${customerId}`,
});

/** The index entry's attributes as `#ipk`, `#isk` names, for removing an item from the index. */
export const indexAttributeNames = { '#ipk': indexPartitionKey, '#isk': indexSortKey } as const;
/** The UpdateExpression part that takes an item out of the (sparse) index. */
export const removeIndexEntry = 'REMOVE #ipk, #isk';

/** The Query of the profiles with this email (the email index). */
export const profilesByEmailQuery = (email: string) => ({
  IndexName: indexName,
  KeyConditionExpression: '#ipk = :email AND #isk = :profile',
  ExpressionAttributeNames: indexAttributeNames,
  ExpressionAttributeValues: { ':email': keys.emailIndex(email), ':profile': keys.profile() },
});

/** The Query of the sends claimed before `olderThan` and never confirmed. */
export const claimedBeforeQuery = (olderThan: number) => ({
  IndexName: indexName,
  KeyConditionExpression: '#ipk = :claimed AND #isk < :before',
  ExpressionAttributeNames: indexAttributeNames,
  ExpressionAttributeValues: {
    ':claimed': keys.sendState('claimed'),
    ':before': String(olderThan).padStart(15, '0'),
  },
});

/** The TTL attribute's value for an item kept `retentionMs` after `at`: epoch seconds. */
export const expiresAfter = (at: number, retentionMs: number): number =>
  Math.floor((at + retentionMs) / 1000);

/** A table item failed its schema: the data in DynamoDB is not what this code wrote. */
export class CorruptItemError extends Error {
  override readonly name = 'CorruptItemError';
}

/** The attributes every kind shares (keys, index, kind, TTL), which no item schema reads. */
const stripKeys = ({
  [customerTableDesign.partitionKey]: _pk,
  [customerTableDesign.sortKey]: _sk,
  [indexPartitionKey]: _ipk,
  [indexSortKey]: _isk,
  [typeAttribute]: _type,
  [customerTableDesign.timeToLiveAttribute]: _expiresAt,
  ...rest
}: Item): Item => rest;

/** Reads an item through its kind's schema; a CorruptItemError names the item when it does not fit. */
export function parseItem<T>(schema: z.ZodType<T>, item: Item): T {
  const result = schema.safeParse(stripKeys(item));
  if (!result.success) {
    throw new CorruptItemError(
      `item ${String(item[customerTableDesign.partitionKey])} / ${String(item[customerTableDesign.sortKey])}: ${z.prettifyError(result.error)}`,
    );
  }
  return result.data;
}

/** An enrolment as the sender reads it (hold-outs are their own kind). */
export const EnrolmentItemSchema = z.lazy(() =>
  z.object({
    enrolmentId: z.string(),
    customerId: z.string(),
    sequenceId: z.string(),
    segmentId: z.string(),
    enrolledAt: z.number(),
    state: z.enum(['active', 'completed', 'exited']),
    incidentId: z.string().optional(),
    exitReason: z.string().optional(),
    endedAt: z.number().optional(),
    endedAtStep: z.number().optional(),
  }),
);

/** Hold-out records share the enrolment key space but are not enrolments: the sender never sees them. */
export const isEnrolmentItem = (item: Item): boolean =>
  isItemOf(item, itemTypes.enrolment) && item.state !== 'held-out';

/** Enrolments as the EnrolmentStore leaves them (ended ones with endedAt and exitReason) and hold-outs. */
export const AssignmentItemSchema = z.lazy(() =>
  z.object({
    enrolmentId: z.string(),
    customerId: z.string(),
    sequenceId: z.string(),
    segmentId: z.string(),
    enrolledAt: z.number(),
    endedAt: z.number().optional(),
    exitReason: z.string().optional(),
    state: z.enum(['active', 'completed', 'exited', 'held-out']),
    incidentId: z.string().optional(),
    predictedPurchases: z.number().optional(),
  }),
);

export const SendItemSchema = z.lazy(() =>
  z.object({
    enrolmentId: z.string(),
    stepIndex: z.number(),
    customerId: z.string(),
    sequenceId: z.string(),
    stepId: z.string(),
    state: z.enum(['claimed', 'sent', 'failed', 'skipped']),
    claimedAt: z.number(),
    sentAt: z.number().optional(),
    messageId: z.string().optional(),
    templateId: z.string().optional(),
    locale: z.string().optional(),
    updateIds: z.array(z.string()).optional(),
    // Absent on sends recorded before it was kept: the report falls back to the config for them.
    tracking: z
      .object({ opens: z.boolean(), clicks: z.boolean(), noTrackedLinks: z.boolean().optional() })
      .optional(),
    error: z.string().optional(),
  }),
);

/**
 * An order as stored: the import validated and normalised it (ids, an ISO instant), so reading it
 * back checks the shape only. Orders are most of the items every daily segmenter run reads, and the
 * import's schema cost twenty times as much per item.
 */
export const StoredOrderSchema = z.lazy(() =>
  z.object({
    orderId: z.string(),
    customerId: z.string(),
    placedAt: z.string(),
    amount: z.number(),
    status: OrderStatusSchema.optional(),
    currency: z.string().optional(),
    refundedAmount: z.number().optional(),
  }),
) satisfies z.ZodType<Order>;

/**
 * A customer's profile item: the customer, with the source's update time (epoch ms) when a live
 * event wrote it (DynamoSegmentationStore.recordCustomer), which readers drop.
 */
export const StoredCustomerSchema = z.lazy(() =>
  CustomerSchema.unwrap()
    .extend({ sourceUpdatedAt: z.number().optional() })
    .transform(({ sourceUpdatedAt: _, ...customer }): Customer => customer),
);

/**
 * An order written by a live event: the order with the source's update time (epoch ms), which a
 * later write must not predate, and for Shopify its numeric id (refunds/create finds it through
 * its pointer, shopifyOrderPointerItem) and the ids of the refunds it counts. An import's put
 * leaves none of these.
 */
export const LiveOrderItemSchema = z.lazy(() =>
  StoredOrderSchema.unwrap().extend({
    sourceUpdatedAt: z.number(),
    shopifyOrderId: z.string().optional(),
    refundIds: z.array(z.string()).optional(),
  }),
);

/** The attributes a live order adds to its order item (see LiveOrderItemSchema). */
export const liveOrderAttributes = (live: {
  readonly updatedAt: number;
  readonly shopifyOrderId?: string;
  readonly refundIds?: readonly string[];
}): Item => ({
  sourceUpdatedAt: live.updatedAt,
  ...(live.shopifyOrderId === undefined
    ? {}
    : { shopifyOrderId: live.shopifyOrderId, refundIds: [...(live.refundIds ?? [])] }),
});

/** A table key. */
export interface ItemKey {
  readonly pk: string;
  readonly sk: string;
}

/** The key of the pointer to the live order with this Shopify id. */
export const shopifyOrderPointerKey = (shopifyOrderId: string): ItemKey => ({
  pk: keys.shopifyOrder(shopifyOrderId),
  sk: keys.shopifyOrderPointer(),
});

/**
 * The pointer to a live Shopify order's item, written with it in one transaction: a refund names
 * the order by Shopify's id only, and a consistent read of the pointer finds the order the moment
 * it is written (an index entry, eventually consistent, lost refunds that came within a second).
 */
export const shopifyOrderPointerItem = (
  shopifyOrderId: string,
  order: Pick<Order, 'customerId' | 'orderId'>,
) => ({
  ...shopifyOrderPointerKey(shopifyOrderId),
  [typeAttribute]: itemTypes.shopifyOrder,
  orderPk: keys.customer(order.customerId),
  orderSk: keys.order(order.orderId),
});

/** A pointer as stored: the key of the order item. */
export const ShopifyOrderPointerSchema = z.lazy(() => z.object({ orderPk: z.string(), orderSk: z.string() }));

/**
 * The pointer of a live Shopify order item, for erasure: the pointer names the customer's key (an
 * email for Shopify's customers) outside the customer's partition.
 */
export const shopifyOrderPointerOf = (item: Item): ItemKey | undefined =>
  isItemOf(item, itemTypes.order) && typeof item.shopifyOrderId === 'string'
    ? shopifyOrderPointerKey(item.shopifyOrderId)
    : undefined;

/** How long a refund waits for its order: far past Shopify's retries of the order's webhook. */
export const pendingRefundRetentionMs = 90 * 86_400_000;

/** A refund that came before its order (no pointer yet), kept until the order's write counts it. */
export const pendingRefundItem = (refund: LiveRefund): Item => ({
  pk: keys.shopifyOrder(refund.shopifyOrderId),
  sk: keys.pendingRefund(refund.refundId),
  [typeAttribute]: itemTypes.pendingRefund,
  ...refund,
  [customerTableDesign.timeToLiveAttribute]: expiresAfter(refund.at, pendingRefundRetentionMs),
});

export const PendingRefundItemSchema = z.lazy(() =>
  z.object({ shopifyOrderId: z.string(), refundId: z.string(), amount: z.number(), at: z.number() }),
) satisfies z.ZodType<LiveRefund>;

/** The Query of the refunds waiting for the order with this Shopify id (consistent). */
export const pendingRefundsQuery = (shopifyOrderId: string) => ({
  KeyConditionExpression: 'pk = :pk AND begins_with(sk, :refund)',
  ExpressionAttributeValues: { ':pk': keys.shopifyOrder(shopifyOrderId), ':refund': keys.pendingRefund('') },
  ConsistentRead: true,
});

/**
 * The Query of a live order with this Shopify id written before the pointer, when its item held
 * the index entry `SHOPIFY-ORDER#<id>` (eventually consistent, but such items are old).
 */
export const legacyShopifyOrderQuery = (shopifyOrderId: string) => ({
  IndexName: indexName,
  KeyConditionExpression: '#ipk = :order',
  ExpressionAttributeNames: { '#ipk': indexPartitionKey },
  ExpressionAttributeValues: { ':order': keys.shopifyOrder(shopifyOrderId) },
});

/**
 * Adds an order item to a customer's `orders`, one per order id. Before orders were keyed by id
 * alone, the same order imported with a date and a date-time was stored twice
 * (`ORDER#<placedAt>#<orderId>`); such an old item counts only while no item under the id's key
 * (the newer import) holds the order, so no reader counts an order twice.
 */
export function addOrder(orders: Order[], item: Item): void {
  const order = parseItem(StoredOrderSchema, item);
  const at = orders.findIndex((known) => known.orderId === order.orderId);
  if (at < 0) orders.push(order);
  else if (item[customerTableDesign.sortKey] === keys.order(order.orderId)) orders[at] = order;
}

export const ScoreItemSchema = z.lazy(() =>
  z.object({
    customerId: z.string(),
    runId: z.string(),
    scoredAt: z.number(),
    model: z.string(),
    pAlive: z.number(),
    pReturn: z.number(),
    expectedPurchases: z.number(),
    overdueRatio: z.number().optional(),
    explanation: z.string(),
    segmentId: z.string().nullable(),
  }),
);

export const ModelRunItemSchema = z.lazy(() =>
  z.object({
    runId: z.string(),
    createdAt: z.number(),
    fitJson: z.string().optional(),
    fitError: z.string().optional(),
    fittedAt: z.number().optional(),
    sampleSize: z.number(),
    totalSegments: z.number(),
    horizonDays: z.number(),
  }),
);

/** The fit a model-run item holds as JSON text (`fitJson`). */
export const FitSchema = z.lazy(() =>
  z.object({
    kind: z.string(),
    parameters: z.unknown(),
    diagnostics: z.record(z.string(), z.unknown()),
  }),
);

/** An address's suppression, and a tombstone (written as a manual suppression). */
export const SuppressionItemSchema = z.lazy(() =>
  z.object({
    suppressionReason: z.enum(['hard-bounce', 'complaint', 'manual']),
    suppressedAt: z.number(),
  }),
);

export const PauseItemSchema = z.lazy(() =>
  z.object({
    reason: z.string(),
    pausedAt: z.number(),
    sequenceId: z.string().optional(),
  }),
);

const CountersItemSchema = z.lazy(() =>
  z.object({
    sequenceId: z.string(),
    stepIndex: z.number(),
    segmentId: z.string(),
    stepId: z.string().optional(),
  }),
);

/** One shard of a step's counters, as stored (keys.statsStep). */
export function toStepCounters(item: Item): StepCounters {
  const { sequenceId, stepIndex, segmentId, stepId } = parseItem(CountersItemSchema, item);
  const counters = zeroCounters();
  for (const name of counterNames) {
    const value = item[name];
    if (typeof value === 'number') counters[name] = value;
  }
  return { sequenceId, stepIndex, segmentId, ...(stepId === undefined ? {} : { stepId }), counters };
}

/**
 * The first-of-kind markers the engagement ledger keeps per message (keys.messageStats) that are a
 * response: an open we believe a person made, a click on a content link, a reply. Machine opens
 * (Apple MPP, scanners) have a marker of their own and unsubscribe-link clicks none.
 */
const ResponseMarkersSchema = z.lazy(() =>
  z.object({
    openedAt: z.number().optional(),
    clickedAt: z.number().optional(),
    repliedAt: z.number().optional(),
  }),
);

/** The first response to any of an enrolment's emails, and the first reply. */
export interface EnrolmentResponse {
  readonly respondedAt?: number;
  readonly repliedAt?: number;
}

const earliest = (...times: (number | undefined)[]) => {
  const known = times.filter((time) => time !== undefined);
  return known.length === 0 ? undefined : Math.min(...known);
};

/**
 * Folds one message-stats item (`MSGSTATS#<enrolment>#<step>`) into `responses`, by enrolment: how
 * the segmenter's scan and the report learn whether a finished enrolment had any response.
 */
export function addResponse(responses: Map<string, EnrolmentResponse>, item: Item): void {
  const enrolmentId = /^MSGSTATS#(.+)#\d+$/.exec(String(item[customerTableDesign.sortKey]))?.[1];
  const markers = ResponseMarkersSchema.safeParse(item);
  if (enrolmentId === undefined || !markers.success)
    throw new CorruptItemError(
      `item ${String(item[customerTableDesign.partitionKey])} / ${String(item[customerTableDesign.sortKey])}: ${markers.success ? 'no enrolment in the key' : z.prettifyError(markers.error)}`,
    );
  const known = responses.get(enrolmentId) ?? {};
  const respondedAt = earliest(
    known.respondedAt,
    markers.data.openedAt,
    markers.data.clickedAt,
    markers.data.repliedAt,
  );
  const repliedAt = earliest(known.repliedAt, markers.data.repliedAt);
  responses.set(enrolmentId, {
    ...(respondedAt === undefined ? {} : { respondedAt }),
    ...(repliedAt === undefined ? {} : { repliedAt }),
  });
}
