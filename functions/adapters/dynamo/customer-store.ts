import type { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { ConditionalCheckFailedException } from '@aws-sdk/client-dynamodb';
import {
  DeleteCommand,
  DynamoDBDocumentClient,
  GetCommand,
  PutCommand,
  UpdateCommand,
} from '@aws-sdk/lib-dynamodb';
import { z } from 'zod';
import { forEachConcurrently } from '../../core/concurrency.ts';
import {
  ContactStatusSchema,
  type Customer,
  CustomerSchema,
  IncidentSchema,
  type Order,
} from '../../core/customers/model.ts';
import type { CustomerSnapshot, CustomerView } from '../../core/domain/customer-view.ts';
import { EngagementEventSchema } from '../../core/domain/engagement-event.ts';
import type { Enrolment } from '../../core/domain/enrolment.ts';
import type { SendRecord } from '../../core/domain/send-record.ts';
import type { ClaimResult, CustomerStore } from '../../ports/customer-store.ts';
import { byPartition, onlyTypes, queryAll, scanItems } from './pages.ts';
import { batchWriteAll } from './retries.ts';
import { customerTableDesign, keys } from './table-design.ts';

const EnrolmentItemSchema = z.object({
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
});

/** Hold-out records share the enrolment key space but are not enrolments: the sender never sees them. */
const isEnrolmentItem = (item: Item) => item.type === 'enrolment' && item.state !== 'held-out';

const SendItemSchema = z.object({
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
  error: z.string().optional(),
});

/**
 * An order as stored: the import validated and normalised it (ids, an ISO instant), so reading it
 * back checks the shape only. Orders are most of the items every daily segmenter run reads, and the
 * import's schema cost twenty times as much per item.
 */
export const StoredOrderSchema = z.object({
  orderId: z.string(),
  customerId: z.string(),
  placedAt: z.string(),
  amount: z.number(),
}) satisfies z.ZodType<Order>;

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

/** A table item failed its schema: the data in DynamoDB is not what this code wrote. */
export class CorruptItemError extends Error {
  override readonly name = 'CorruptItemError';
}

type Item = Record<string, unknown>;

/** BatchWriteItem requests in flight at once when importing. */
const batchWriteConcurrency = 4;

const stripKeys = ({ pk, sk, gsi1pk, gsi1sk, type, expiresAt, ...rest }: Item): Item => rest;

function parseItem<T>(schema: z.ZodType<T>, item: Item): T {
  const result = schema.safeParse(stripKeys(item));
  if (!result.success) {
    throw new CorruptItemError(
      `item ${String(item.pk)} / ${String(item.sk)}: ${z.prettifyError(result.error)}`,
    );
  }
  return result.data;
}

const snapshot = (
  customer: Customer,
  parts: { orders: Order[]; enrolments: Enrolment[] },
): CustomerSnapshot => ({
  customer,
  orders: parts.orders,
  enrolments: parts.enrolments,
});

const customerItem = (customer: Customer): Item => ({
  [customerTableDesign.partitionKey]: keys.customer(customer.customerId),
  [customerTableDesign.sortKey]: keys.profile(),
  type: 'customer',
  gsi1pk: keys.emailIndex(customer.email),
  gsi1sk: keys.profile(),
  ...customer,
});

const orderItem = (order: Order): Item => ({
  [customerTableDesign.partitionKey]: keys.customer(order.customerId),
  [customerTableDesign.sortKey]: keys.order(order.orderId),
  type: 'order',
  ...order,
});

const sendKey = (record: Pick<SendRecord, 'customerId' | 'enrolmentId' | 'stepIndex'>) => ({
  pk: keys.customer(record.customerId),
  sk: keys.send(record.enrolmentId, record.stepIndex),
});

/**
 * A customer's view from the items of their partition; undefined without a profile. Kinds missing
 * from `items` are empty (the local simulator reads only profiles, enrolments and sends).
 */
export function viewOf(items: readonly Item[]): CustomerView | undefined {
  const profile = items.find((item) => item.type === 'customer');
  if (profile === undefined) return undefined;
  return {
    customer: parseItem(CustomerSchema, profile),
    orders: items
      .filter((item) => item.type === 'order')
      .reduce<Order[]>((orders, item) => {
        addOrder(orders, item);
        return orders;
      }, []),
    enrolments: items.filter(isEnrolmentItem).map((item) => parseItem(EnrolmentItemSchema, item)),
    sends: items.filter((item) => item.type === 'send').map((item) => parseItem(SendItemSchema, item)),
    incidents: items
      .filter((item) => item.type === 'incident')
      .map((item) => parseItem(IncidentSchema, item)),
    engagement: items
      .filter((item) => item.type === 'engagement')
      .map((item) => parseItem(EngagementEventSchema, item)),
    status: parseItem(ContactStatusSchema, items.find((item) => item.type === 'status') ?? {}),
  };
}

/** The CustomerStore over one DynamoDB table (see table-design.ts for the keys). */
export class DynamoCustomerStore implements CustomerStore {
  readonly #documents: DynamoDBDocumentClient;
  readonly #tableName: string;

  constructor(client: DynamoDBClient, tableName: string) {
    this.#documents = DynamoDBDocumentClient.from(client, {
      marshallOptions: { removeUndefinedValues: true },
    });
    this.#tableName = tableName;
  }

  async putCustomers(customers: readonly Customer[]): Promise<void> {
    await this.#batchPut(customers.map(customerItem));
  }

  async putOrders(orders: readonly Order[]): Promise<void> {
    await this.#batchPut(orders.map(orderItem));
  }

  async *scanCustomers(
    options: { segment?: number; totalSegments?: number } = {},
  ): AsyncIterable<CustomerSnapshot> {
    // Items of one partition come back contiguously in a Scan, so a customer is complete when
    // the partition key changes.
    let current: { pk: string; customer?: Customer; orders: Order[]; enrolments: Enrolment[] } | undefined;
    const items = scanItems(this.#documents, {
      TableName: this.#tableName,
      ...onlyTypes(['customer', 'order', 'enrolment']),
      Segment: options.segment,
      TotalSegments: options.totalSegments,
    });
    for await (const item of items) {
      const pk = String(item.pk);
      if (current?.pk !== pk) {
        if (current?.customer !== undefined) yield snapshot(current.customer, current);
        current = { pk, orders: [], enrolments: [] };
      }
      if (item.type === 'customer') current.customer = parseItem(CustomerSchema, item);
      else if (item.type === 'order') addOrder(current.orders, item);
      else current.enrolments.push(parseItem(EnrolmentItemSchema, item));
    }
    if (current?.customer !== undefined) yield snapshot(current.customer, current);
  }

  async getCustomerView(customerId: string): Promise<CustomerView | undefined> {
    const items = await queryAll(this.#documents, {
      TableName: this.#tableName,
      KeyConditionExpression: 'pk = :pk',
      ExpressionAttributeValues: { ':pk': keys.customer(customerId) },
      ConsistentRead: true,
    });
    return viewOf(items);
  }

  /**
   * Every customer's view, read with a Scan (of one parallel-scan segment when given) instead of a
   * Query per customer: for reading a whole table at once, as the local demo's checks do.
   */
  async *scanCustomerViews(
    options: { segment?: number; totalSegments?: number } = {},
  ): AsyncIterable<CustomerView> {
    const items = scanItems(this.#documents, {
      TableName: this.#tableName,
      FilterExpression: 'begins_with(pk, :customers)',
      ExpressionAttributeValues: { ':customers': keys.customer('') },
      Segment: options.segment,
      TotalSegments: options.totalSegments,
    });
    for await (const partition of byPartition(items)) {
      const view = viewOf(partition);
      if (view !== undefined) yield view;
    }
  }

  async claimSend(record: SendRecord): Promise<ClaimResult> {
    try {
      await this.#documents.send(
        new PutCommand({
          TableName: this.#tableName,
          Item: {
            ...sendKey(record),
            type: 'send',
            // Only a claim is listed as in flight; a skipped step is final from the start.
            ...(record.state === 'claimed'
              ? {
                  gsi1pk: keys.sendState('claimed'),
                  gsi1sk: `${String(record.claimedAt).padStart(15, '0')}#${record.customerId}`,
                }
              : {}),
            ...record,
          },
          ConditionExpression: 'attribute_not_exists(pk)',
        }),
      );
      return { ok: true };
    } catch (error: unknown) {
      if (!(error instanceof ConditionalCheckFailedException)) throw error;
      const existing = await this.#documents.send(
        new GetCommand({ TableName: this.#tableName, Key: sendKey(record), ConsistentRead: true }),
      );
      if (existing.Item === undefined)
        throw new CorruptItemError('send claim refused but no claim found', { cause: error });
      return { ok: false, existing: parseItem(SendItemSchema, existing.Item) };
    }
  }

  async confirmSend(record: SendRecord, sent: { messageId: string; sentAt: number }): Promise<void> {
    await this.#documents.send(
      new UpdateCommand({
        TableName: this.#tableName,
        Key: sendKey(record),
        // Leaving the "claimed" index entry: REMOVE drops it from the sparse GSI.
        UpdateExpression:
          'SET #state = :sent, messageId = :messageId, sentAt = :sentAt REMOVE gsi1pk, gsi1sk',
        // Only our own claim: an operator may have released it and another attempt claimed it since.
        ConditionExpression: '#state = :claimed AND claimedAt = :claimedAt',
        ExpressionAttributeNames: { '#state': 'state' },
        ExpressionAttributeValues: {
          ':sent': 'sent',
          ':messageId': sent.messageId,
          ':sentAt': sent.sentAt,
          ':claimed': 'claimed',
          ':claimedAt': record.claimedAt,
        },
      }),
    );
  }

  async releaseClaim(record: SendRecord): Promise<void> {
    await this.#documents.send(
      new DeleteCommand({
        TableName: this.#tableName,
        Key: sendKey(record),
        // Only our own unconfirmed claim: never a record that says the email went.
        ConditionExpression: '#state = :claimed AND claimedAt = :claimedAt',
        ExpressionAttributeNames: { '#state': 'state' },
        ExpressionAttributeValues: { ':claimed': 'claimed', ':claimedAt': record.claimedAt },
      }),
    );
  }

  async failSend(record: SendRecord, error: string): Promise<void> {
    await this.#documents.send(
      new UpdateCommand({
        TableName: this.#tableName,
        Key: sendKey(record),
        UpdateExpression: 'SET #state = :failed, #error = :error REMOVE gsi1pk, gsi1sk',
        ConditionExpression: '#state = :claimed AND claimedAt = :claimedAt',
        ExpressionAttributeNames: { '#state': 'state', '#error': 'error' },
        ExpressionAttributeValues: {
          ':failed': 'failed',
          ':error': error.slice(0, 1_000),
          ':claimed': 'claimed',
          ':claimedAt': record.claimedAt,
        },
      }),
    );
  }

  async listClaimedSends(olderThan: number): Promise<SendRecord[]> {
    const items = await queryAll(this.#documents, {
      TableName: this.#tableName,
      IndexName: customerTableDesign.index.name,
      KeyConditionExpression: 'gsi1pk = :claimed AND gsi1sk < :before',
      ExpressionAttributeValues: {
        ':claimed': keys.sendState('claimed'),
        ':before': String(olderThan).padStart(15, '0'),
      },
    });
    return items.map((item) => parseItem(SendItemSchema, item));
  }

  async #batchPut(all: readonly Item[]): Promise<void> {
    // BatchWrite refuses two puts of one key in a request; the last one wins, as it would in sequence.
    const items = [
      ...new Map(all.map((item) => [`${String(item.pk)}\u0000${String(item.sk)}`, item])).values(),
    ];
    const batches: Item[][] = [];
    for (let start = 0; start < items.length; start += 25) batches.push(items.slice(start, start + 25));
    // A few requests in flight: the keys are distinct, so the order they land in does not matter.
    await forEachConcurrently(batches, batchWriteConcurrency, (batch) =>
      batchWriteAll(
        this.#documents,
        this.#tableName,
        batch.map((Item) => ({ PutRequest: { Item } })),
      ),
    );
  }
}
