import { ConditionalCheckFailedException } from '@aws-sdk/client-dynamodb';
import { DeleteCommand, GetCommand, PutCommand, UpdateCommand } from '@aws-sdk/lib-dynamodb';
import { forEachConcurrently } from '../../core/concurrency.ts';
import {
  ContactStatusSchema,
  type Customer,
  IncidentSchema,
  type Order,
} from '../../core/customers/model.ts';
import type { CustomerSnapshot, CustomerView } from '../../core/domain/customer-view.ts';
import { EngagementEventSchema } from '../../core/domain/engagement-event.ts';
import type { Enrolment } from '../../core/domain/enrolment.ts';
import type { SendRecord } from '../../core/domain/send-record.ts';
import type { ClaimResult, CustomerStore } from '../../ports/customer-store.ts';
import {
  addOrder,
  CorruptItemError,
  claimedBeforeQuery,
  claimedIndexEntry,
  EnrolmentItemSchema,
  emailIndexEntry,
  type Item,
  type ItemType,
  indexAttributeNames,
  isEnrolmentItem,
  isItemOf,
  itemTypes,
  parseItem,
  removeIndexEntry,
  SendItemSchema,
  StoredCustomerSchema,
  typeAttribute,
} from './items.ts';
import { byPartition, onlyTypes, queryAll, scanItems } from './pages.ts';
import { batchWriteAll } from './retries.ts';
import { TableAdapter } from './table-adapter.ts';
import { customerTableDesign, keys } from './table-design.ts';

/** BatchWriteItem requests in flight at once when importing. */
const batchWriteConcurrency = 4;

const snapshot = (
  customer: Customer,
  parts: { orders: Order[]; enrolments: Enrolment[] },
): CustomerSnapshot => ({
  customer,
  orders: parts.orders,
  enrolments: parts.enrolments,
});

/** A customer's profile item as the import puts it (a live customer adds `sourceUpdatedAt`). */
export const customerItem = (customer: Customer): Item => ({
  [customerTableDesign.partitionKey]: keys.customer(customer.customerId),
  [customerTableDesign.sortKey]: keys.profile(),
  [typeAttribute]: itemTypes.customer,
  ...emailIndexEntry(customer.email),
  ...customer,
});

/** An order's item as the import puts it (a live order adds liveOrderAttributes). */
export const orderItem = (order: Order): Item => ({
  [customerTableDesign.partitionKey]: keys.customer(order.customerId),
  [customerTableDesign.sortKey]: keys.order(order.orderId),
  [typeAttribute]: itemTypes.order,
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
  const ofType = (type: ItemType) => items.filter((item) => isItemOf(item, type));
  const [profile] = ofType(itemTypes.customer);
  if (profile === undefined) return undefined;
  return {
    customer: parseItem(StoredCustomerSchema, profile),
    orders: ofType(itemTypes.order).reduce<Order[]>((orders, item) => {
      addOrder(orders, item);
      return orders;
    }, []),
    enrolments: items.filter(isEnrolmentItem).map((item) => parseItem(EnrolmentItemSchema, item)),
    sends: ofType(itemTypes.send).map((item) => parseItem(SendItemSchema, item)),
    incidents: ofType(itemTypes.incident).map((item) => parseItem(IncidentSchema, item)),
    engagement: ofType(itemTypes.engagement).map((item) => parseItem(EngagementEventSchema, item)),
    status: parseItem(ContactStatusSchema, ofType(itemTypes.status)[0] ?? {}),
  };
}

/** The CustomerStore over one DynamoDB table (see table-design.ts for the keys). */
export class DynamoCustomerStore extends TableAdapter implements CustomerStore {
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
    const items = scanItems(this.documents, {
      TableName: this.tableName,
      ...onlyTypes([itemTypes.customer, itemTypes.order, itemTypes.enrolment]),
      Segment: options.segment,
      TotalSegments: options.totalSegments,
    });
    for await (const item of items) {
      const pk = String(item.pk);
      if (current?.pk !== pk) {
        if (current?.customer !== undefined) yield snapshot(current.customer, current);
        current = { pk, orders: [], enrolments: [] };
      }
      if (isItemOf(item, itemTypes.customer)) current.customer = parseItem(StoredCustomerSchema, item);
      else if (isItemOf(item, itemTypes.order)) addOrder(current.orders, item);
      else current.enrolments.push(parseItem(EnrolmentItemSchema, item));
    }
    if (current?.customer !== undefined) yield snapshot(current.customer, current);
  }

  async getCustomerView(customerId: string): Promise<CustomerView | undefined> {
    const items = await queryAll(this.documents, {
      TableName: this.tableName,
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
    const items = scanItems(this.documents, {
      TableName: this.tableName,
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
      await this.documents.send(
        new PutCommand({
          TableName: this.tableName,
          Item: {
            ...sendKey(record),
            [typeAttribute]: itemTypes.send,
            // Only a claim is listed as in flight; a skipped step is final from the start.
            ...(record.state === 'claimed' ? claimedIndexEntry(record.claimedAt, record.customerId) : {}),
            ...record,
          },
          ConditionExpression: 'attribute_not_exists(pk)',
        }),
      );
      return { ok: true };
    } catch (error: unknown) {
      if (!(error instanceof ConditionalCheckFailedException)) throw error;
      const existing = await this.documents.send(
        new GetCommand({ TableName: this.tableName, Key: sendKey(record), ConsistentRead: true }),
      );
      if (existing.Item === undefined)
        throw new CorruptItemError('send claim refused but no claim found', { cause: error });
      return { ok: false, existing: parseItem(SendItemSchema, existing.Item) };
    }
  }

  async confirmSend(record: SendRecord, sent: { messageId: string; sentAt: number }): Promise<void> {
    await this.documents.send(
      new UpdateCommand({
        TableName: this.tableName,
        Key: sendKey(record),
        // Leaving the "claimed" index entry: REMOVE drops it from the sparse GSI.
        UpdateExpression: `SET #state = :sent, messageId = :messageId, sentAt = :sentAt ${removeIndexEntry}`,
        // Only our own claim: an operator may have released it and another attempt claimed it since.
        ConditionExpression: '#state = :claimed AND claimedAt = :claimedAt',
        ExpressionAttributeNames: { '#state': 'state', ...indexAttributeNames },
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
    await this.documents.send(
      new DeleteCommand({
        TableName: this.tableName,
        Key: sendKey(record),
        // Only our own unconfirmed claim: never a record that says the email went.
        ConditionExpression: '#state = :claimed AND claimedAt = :claimedAt',
        ExpressionAttributeNames: { '#state': 'state' },
        ExpressionAttributeValues: { ':claimed': 'claimed', ':claimedAt': record.claimedAt },
      }),
    );
  }

  async failSend(record: SendRecord, error: string): Promise<void> {
    await this.documents.send(
      new UpdateCommand({
        TableName: this.tableName,
        Key: sendKey(record),
        UpdateExpression: `SET #state = :failed, #error = :error ${removeIndexEntry}`,
        ConditionExpression: '#state = :claimed AND claimedAt = :claimedAt',
        ExpressionAttributeNames: { '#state': 'state', '#error': 'error', ...indexAttributeNames },
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
    const items = await queryAll(this.documents, {
      TableName: this.tableName,
      ...claimedBeforeQuery(olderThan),
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
        this.documents,
        this.tableName,
        batch.map((Item) => ({ PutRequest: { Item } })),
      ),
    );
  }
}
