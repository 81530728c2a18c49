import type { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { ConditionalCheckFailedException, TransactionCanceledException } from '@aws-sdk/client-dynamodb';
import {
  DeleteCommand,
  GetCommand,
  PutCommand,
  QueryCommand,
  TransactWriteCommand,
} from '@aws-sdk/lib-dynamodb';
import * as z from 'zod';
import { forEachConcurrently } from '../../core/concurrency.ts';
import type { LiveCustomer, LiveCustomerWrite } from '../../core/customers/live-customer.ts';
import {
  type LiveOrder,
  type LiveOrderWrite,
  type LiveRefund,
  type LiveRefundWrite,
  withRefund,
} from '../../core/customers/live-order.ts';
import {
  ContactStatusSchema,
  type Customer,
  type Incident,
  IncidentSchema,
  type Order,
} from '../../core/customers/model.ts';
import type { CustomerRecord } from '../../core/domain/customer-view.ts';
import type { AssignmentHistory } from '../../core/domain/enrolment-state.ts';
import type { ModelRun, StoredScore } from '../../core/domain/scoring.ts';
import type { SegmentationStore } from '../../ports/segmentation-store.ts';
import { customerItem, DynamoCustomerStore, orderItem } from './customer-store.ts';
import {
  AssignmentItemSchema,
  addOrder,
  addResponse,
  CorruptItemError,
  type EnrolmentResponse,
  FitSchema,
  type Item,
  type ItemKey,
  type ItemType,
  itemTypes,
  LiveOrderItemSchema,
  legacyShopifyOrderQuery,
  liveOrderAttributes,
  ModelRunItemSchema,
  PendingRefundItemSchema,
  parseItem,
  pendingRefundItem,
  pendingRefundsQuery,
  ScoreItemSchema,
  ShopifyOrderPointerSchema,
  StoredCustomerSchema,
  shopifyOrderPointerItem,
  shopifyOrderPointerKey,
  typeAttribute,
} from './items.ts';
import { onlyTypes, queryAll, scanItems } from './pages.ts';
import { batchWriteAll, transactWithRetry } from './retries.ts';
import { TableAdapter } from './table-adapter.ts';
import { keys } from './table-design.ts';

function toModelRun(item: Item): ModelRun {
  const { fitJson, ...rest } = parseItem(ModelRunItemSchema, item);
  if (fitJson === undefined) return rest;
  const fit = FitSchema.safeParse(JSON.parse(fitJson));
  if (!fit.success) throw new CorruptItemError(`model run ${rest.runId}: ${z.prettifyError(fit.error)}`);
  return { ...rest, fit: fit.data };
}

const incidentItem = (incident: Incident): Item => ({
  pk: keys.customer(incident.customerId),
  sk: keys.incident(incident.incidentId),
  [typeAttribute]: itemTypes.incident,
  ...incident,
});

const liveOrderItem = (live: LiveOrder): Item => ({ ...orderItem(live.order), ...liveOrderAttributes(live) });

/** Refund writes that lose a race (another write to the order between read and put) are tried again. */
const refundAttempts = 5;

const scoreItem = (score: StoredScore): Item => ({
  pk: keys.customer(score.customerId),
  sk: keys.score(),
  [typeAttribute]: itemTypes.score,
  ...score,
});

/** Item types the segmenter reads; sends and engagement stay on the table's side of the filter. */
const scannedTypes: readonly ItemType[] = [
  itemTypes.customer,
  itemTypes.order,
  itemTypes.incident,
  itemTypes.enrolment,
  itemTypes.holdout,
  itemTypes.score,
  itemTypes.status,
  itemTypes.messageStats,
];

interface Partial {
  pk: string;
  customer?: Customer;
  orders: Order[];
  incidents: Incident[];
  assignments: AssignmentHistory[];
  /** Per enrolment, the first response to any of its emails. */
  responses: Map<string, EnrolmentResponse>;
  score?: StoredScore;
  status?: Item;
}

function assemble(parts: Partial): CustomerRecord | undefined {
  if (parts.customer === undefined) return undefined;
  parts.assignments.sort((a, b) => a.enrolledAt - b.enrolledAt);
  const assignments = parts.assignments.map((assignment): AssignmentHistory => {
    const response = parts.responses.get(assignment.enrolmentId);
    return response === undefined ? assignment : { ...assignment, ...response };
  });
  return {
    customer: parts.customer,
    orders: parts.orders,
    incidents: parts.incidents,
    assignments,
    ...(parts.score === undefined ? {} : { score: parts.score }),
    ...(parts.status === undefined ? {} : { status: parseItem(ContactStatusSchema, parts.status) }),
  };
}

/**
 * The SegmentationStore over the one table. Customers and orders are written through
 * DynamoCustomerStore so their item shape is spelled once; incidents, scores and model runs are
 * spelled here; enrolments and hold-outs are written by DynamoEnrolmentStore (see table-design.ts
 * and docs/architecture.md).
 */
export class DynamoSegmentationStore extends TableAdapter implements SegmentationStore {
  readonly #customers: DynamoCustomerStore;
  readonly #writeConcurrency: number;

  /** `writeConcurrency`: BatchWrite requests in flight at once. @default 4 */
  constructor(client: DynamoDBClient, tableName: string, options: { writeConcurrency?: number } = {}) {
    super(client, tableName);
    this.#customers = new DynamoCustomerStore(client, tableName);
    this.#writeConcurrency = options.writeConcurrency ?? 4;
  }

  putCustomers(customers: readonly Customer[]): Promise<void> {
    return this.#customers.putCustomers(customers);
  }

  putOrders(orders: readonly Order[]): Promise<void> {
    return this.#customers.putOrders(orders);
  }

  putIncidents(incidents: readonly Incident[]): Promise<void> {
    return this.#batchPut(incidents.map(incidentItem));
  }

  async recordIncident(incident: Incident): Promise<'written' | 'kept-resolved'> {
    try {
      await this.documents.send(
        new PutCommand({
          TableName: this.tableName,
          Item: incidentItem(incident),
          // A resolution is never undone by a late "opened".
          ...(incident.resolvedAt === undefined
            ? { ConditionExpression: 'attribute_not_exists(resolvedAt)' }
            : {}),
        }),
      );
      return 'written';
    } catch (error: unknown) {
      if (error instanceof ConditionalCheckFailedException) return 'kept-resolved';
      throw error;
    }
  }

  /**
   * A Shopify order is written with its pointer in one transaction; then the refunds that came
   * before it are counted, whether this write landed or a newer one is held (which counted them
   * too, unless it stopped half-way: a redelivery finishes the work).
   */
  async recordOrder(live: LiveOrder): Promise<LiveOrderWrite> {
    const item = liveOrderItem(live);
    if (live.shopifyOrderId === undefined) return this.#putIfNotOlder(item, live.updatedAt, 'order');
    const pointer = shopifyOrderPointerItem(live.shopifyOrderId, live.order);
    const write = await this.#putIfNotOlder(item, live.updatedAt, 'order', pointer);
    await this.#countPendingRefunds(live.shopifyOrderId, { pk: pointer.orderPk, sk: pointer.orderSk });
    return write;
  }

  recordCustomer(live: LiveCustomer): Promise<LiveCustomerWrite> {
    // A late update must not bring back a consent the customer has since withdrawn.
    const item: Item = { ...customerItem(live.customer), sourceUpdatedAt: live.updatedAt };
    return this.#putIfNotOlder(item, live.updatedAt, 'customer');
  }

  /**
   * Puts a live event's item unless the table holds a newer version of it: events come in any
   * order, so only a version as new as the one held (or none, an import's) lands; an equal one is a
   * redelivery and is written again. `alongside` (a Shopify order's pointer) is put with it in one
   * transaction. Refused, it reads the version held, for the result line.
   */
  async #putIfNotOlder(
    item: Item,
    updatedAt: number,
    what: 'order' | 'customer',
    alongside?: Item,
  ): Promise<{ readonly written: true } | { readonly written: false; readonly storedUpdatedAt: number }> {
    const put = {
      TableName: this.tableName,
      Item: item,
      ConditionExpression: 'attribute_not_exists(sourceUpdatedAt) OR sourceUpdatedAt <= :at',
      ExpressionAttributeValues: { ':at': updatedAt },
    };
    try {
      if (alongside === undefined) await this.documents.send(new PutCommand(put));
      else
        await transactWithRetry(() =>
          this.documents.send(
            new TransactWriteCommand({
              TransactItems: [{ Put: put }, { Put: { TableName: this.tableName, Item: alongside } }],
            }),
          ),
        );
      return { written: true };
    } catch (error: unknown) {
      const refused =
        error instanceof ConditionalCheckFailedException ||
        (error instanceof TransactionCanceledException &&
          error.CancellationReasons?.[0]?.Code === 'ConditionalCheckFailed');
      if (!refused) throw error;
      const { Item: held } = await this.documents.send(
        new GetCommand({
          TableName: this.tableName,
          Key: { pk: item.pk, sk: item.sk },
          ProjectionExpression: 'sourceUpdatedAt',
          ConsistentRead: true,
        }),
      );
      if (typeof held?.sourceUpdatedAt !== 'number')
        throw new CorruptItemError(`live ${what} refused but no version held`, { cause: error });
      return { written: false, storedUpdatedAt: held.sourceUpdatedAt };
    }
  }

  /**
   * Finds the order through its pointer (a consistent read). Without one, the order has not come
   * yet: the refund waits under the order's Shopify id, written only while there is still no
   * pointer, so either the order's write sees it (the pointer is written after it) or this sees
   * the pointer and counts it on the order.
   */
  async recordRefund(refund: LiveRefund): Promise<LiveRefundWrite> {
    const pointerKey = shopifyOrderPointerKey(refund.shopifyOrderId);
    for (let attempt = 0; attempt < refundAttempts; attempt += 1) {
      const { Item: pointer } = await this.documents.send(
        new GetCommand({ TableName: this.tableName, Key: pointerKey, ConsistentRead: true }),
      );
      if (pointer !== undefined) {
        const { orderPk, orderSk } = parseItem(ShopifyOrderPointerSchema, pointer);
        return this.#countRefund({ pk: orderPk, sk: orderSk }, refund);
      }
      const legacy = await this.#legacyOrderKey(refund.shopifyOrderId);
      if (legacy !== undefined) {
        const counted = await this.#countRefund(legacy, refund);
        if (counted !== 'unknown-order') return counted;
      }
      try {
        await transactWithRetry(() =>
          this.documents.send(
            new TransactWriteCommand({
              TransactItems: [
                {
                  ConditionCheck: {
                    TableName: this.tableName,
                    Key: pointerKey,
                    ConditionExpression: 'attribute_not_exists(pk)',
                  },
                },
                { Put: { TableName: this.tableName, Item: pendingRefundItem(refund) } },
              ],
            }),
          ),
        );
        return 'held';
      } catch (error: unknown) {
        // The order was written in between: count the refund on it.
        if (
          !(error instanceof TransactionCanceledException) ||
          error.CancellationReasons?.[0]?.Code !== 'ConditionalCheckFailed'
        )
          throw error;
      }
    }
    throw new Error(
      `refund ${refund.refundId} of order ${refund.shopifyOrderId}: the order changed under each of ${refundAttempts} attempts`,
    );
  }

  /** A live order written before pointers, by its index entry; undefined when there is none. */
  async #legacyOrderKey(shopifyOrderId: string): Promise<ItemKey | undefined> {
    const [entry] = await queryAll(this.documents, {
      TableName: this.tableName,
      ...legacyShopifyOrderQuery(shopifyOrderId),
    });
    return entry === undefined ? undefined : { pk: String(entry.pk), sk: String(entry.sk) };
  }

  /** Counts `refund` on the live order at `key`, once: a write in between means reading it again. */
  async #countRefund(key: ItemKey, refund: LiveRefund): Promise<Exclude<LiveRefundWrite, 'held'>> {
    for (let attempt = 0; attempt < refundAttempts; attempt += 1) {
      // The pointer may outlive the live order (an import put it back): the item says what it is.
      const held = await this.#liveOrderAt(key);
      if (held?.shopifyOrderId !== refund.shopifyOrderId) return 'unknown-order';
      const next = withRefund(held, refund);
      if (next === undefined) return 'already-recorded';
      try {
        await this.documents.send(
          new PutCommand({
            TableName: this.tableName,
            Item: liveOrderItem(next),
            // Only over what was read: a write in between (another refund, an update) means read again.
            ConditionExpression: 'sourceUpdatedAt = :seen AND size(refundIds) = :refunds',
            ExpressionAttributeValues: { ':seen': held.updatedAt, ':refunds': held.refundIds?.length ?? 0 },
          }),
        );
        return 'written';
      } catch (error: unknown) {
        if (!(error instanceof ConditionalCheckFailedException)) throw error;
      }
    }
    throw new Error(
      `refund ${refund.refundId} of order ${refund.shopifyOrderId}: the order changed under each of ${refundAttempts} attempts`,
    );
  }

  /**
   * Counts the refunds waiting for the order with this Shopify id on its item at `key`, then
   * deletes each: stopped in between, the refund's id on the order keeps a second pass from
   * counting it again. One the item cannot take (no longer a live order) waits on.
   */
  async #countPendingRefunds(shopifyOrderId: string, key: ItemKey): Promise<void> {
    const pending = await queryAll(this.documents, {
      TableName: this.tableName,
      ...pendingRefundsQuery(shopifyOrderId),
    });
    for (const item of pending) {
      const counted = await this.#countRefund(key, parseItem(PendingRefundItemSchema, item));
      if (counted === 'unknown-order') continue;
      await this.documents.send(
        new DeleteCommand({ TableName: this.tableName, Key: { pk: item.pk, sk: item.sk } }),
      );
    }
  }

  /** The live order at `key`, or undefined when there is none or an import wrote it (no version). */
  async #liveOrderAt(key: ItemKey): Promise<LiveOrder | undefined> {
    const { Item } = await this.documents.send(
      new GetCommand({ TableName: this.tableName, Key: key, ConsistentRead: true }),
    );
    if (Item === undefined || Item.sourceUpdatedAt === undefined) return undefined;
    const { sourceUpdatedAt, shopifyOrderId, refundIds, ...order } = parseItem(LiveOrderItemSchema, Item);
    return {
      order,
      updatedAt: sourceUpdatedAt,
      ...(shopifyOrderId === undefined ? {} : { shopifyOrderId }),
      ...(refundIds === undefined ? {} : { refundIds }),
    };
  }

  async *scanCustomerRecords(
    options: { segment?: number; totalSegments?: number } = {},
  ): AsyncIterable<CustomerRecord> {
    // A partition's items arrive contiguously in a Scan: a customer is complete when the key changes.
    let current: Partial | undefined;
    const items = scanItems(this.documents, {
      TableName: this.tableName,
      ...onlyTypes(scannedTypes),
      Segment: options.segment,
      TotalSegments: options.totalSegments,
    });
    for await (const item of items) {
      const pk = String(item.pk);
      if (current?.pk !== pk) {
        const done = current === undefined ? undefined : assemble(current);
        if (done !== undefined) yield done;
        current = { pk, orders: [], incidents: [], assignments: [], responses: new Map() };
      }
      switch (item[typeAttribute]) {
        case itemTypes.customer:
          current.customer = parseItem(StoredCustomerSchema, item);
          break;
        case itemTypes.order:
          addOrder(current.orders, item);
          break;
        case itemTypes.incident:
          current.incidents.push(parseItem(IncidentSchema, item));
          break;
        case itemTypes.score:
          current.score = parseItem(ScoreItemSchema, item);
          break;
        case itemTypes.status:
          current.status = item;
          break;
        case itemTypes.messageStats:
          addResponse(current.responses, item);
          break;
        default:
          current.assignments.push(parseItem(AssignmentItemSchema, item));
      }
    }
    const last = current === undefined ? undefined : assemble(current);
    if (last !== undefined) yield last;
  }

  putScores(scores: readonly StoredScore[]): Promise<void> {
    return this.#batchPut(scores.map(scoreItem));
  }

  async putModelRun(run: ModelRun): Promise<void> {
    const { fit, ...rest } = run;
    await this.documents.send(
      new PutCommand({
        TableName: this.tableName,
        Item: {
          pk: keys.models(),
          sk: keys.modelRun(run.runId),
          [typeAttribute]: itemTypes.modelRun,
          ...rest,
          // JSON text: diagnostics may hold values DynamoDB numbers cannot (NaN, Infinity, nesting).
          fitJson: fit === undefined ? undefined : JSON.stringify(fit),
        },
      }),
    );
  }

  async getModelRun(runId: string): Promise<ModelRun | undefined> {
    const result = await this.documents.send(
      new GetCommand({
        TableName: this.tableName,
        Key: { pk: keys.models(), sk: keys.modelRun(runId) },
        ConsistentRead: true,
      }),
    );
    return result.Item === undefined ? undefined : toModelRun(result.Item);
  }

  async previousModelRun(runId: string): Promise<ModelRun | undefined> {
    const result = await this.documents.send(
      new QueryCommand({
        TableName: this.tableName,
        // Run ids are dates, so the sort keys of the partition (runs only) sort in time.
        KeyConditionExpression: 'pk = :pk AND sk < :run',
        ExpressionAttributeValues: { ':pk': keys.models(), ':run': keys.modelRun(runId) },
        ScanIndexForward: false,
        Limit: 1,
        ConsistentRead: true,
      }),
    );
    const [item] = result.Items ?? [];
    return item === undefined ? undefined : toModelRun(item);
  }

  async #batchPut(all: readonly Item[]): Promise<void> {
    // BatchWrite refuses two puts of one key in a request; the last one wins, as it would in sequence.
    const items = [
      ...new Map(all.map((item) => [`${String(item.pk)}\u0000${String(item.sk)}`, item])).values(),
    ];
    const batches: Item[][] = [];
    for (let start = 0; start < items.length; start += 25) batches.push(items.slice(start, start + 25));
    await forEachConcurrently(batches, this.#writeConcurrency, (batch) => this.#write(batch));
  }

  #write(batch: readonly Item[]): Promise<void> {
    return batchWriteAll(
      this.documents,
      this.tableName,
      batch.map((Item) => ({ PutRequest: { Item } })),
    );
  }
}
