import type { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { BatchGetCommand, GetCommand, PutCommand, type QueryCommandInput } from '@aws-sdk/lib-dynamodb';
import type { ObjectStore } from '../../ports/object-store.ts';
import type { ForgetReport, Forgotten, ForgottenRegister, PrivacyStore } from '../../ports/privacy-store.ts';
import { customerIdsByEmail } from './customers-by-email.ts';
import { inboundRetentionMs } from './inbound-log.ts';
import { type ItemKey, itemTypes, shopifyOrderPointerOf, typeAttribute } from './items.ts';
import { queryAll } from './pages.ts';
import { batchWriteAll } from './retries.ts';
import { TableAdapter } from './table-adapter.ts';
import { keys } from './table-design.ts';

type Item = Record<string, unknown>;

const dayMs = 86_400_000;
/** DynamoDB's TTL deletes an expired item days after it expires, and queries still return it until then. */
const ttlLagMs = 30 * dayMs;
/** Day partitions of inbound mail read at once. */
const parallelDays = 8;

/** The lower-case address in a stored `from`: bare, or in the angle brackets of `Name <address>`. */
function addressIn(from: unknown): string | undefined {
  if (typeof from !== 'string') return undefined;
  const bracketed = /<([^<>]*)>\s*$/.exec(from)?.[1];
  return (bracketed ?? from).trim().toLowerCase();
}

/** BatchGetItem takes at most 100 keys. */
const batchGetKeys = 100;

/** The ForgottenRegister over the customer table's hashed tombstones; consistent reads, throttling thrown. */
export class DynamoForgottenRegister extends TableAdapter implements ForgottenRegister {
  async forgotten(refs: { customerIds?: readonly string[]; emails?: readonly string[] }): Promise<Forgotten> {
    // One key may answer for several spellings of an address (`A@x` and `a@x`): each is named as asked.
    const wanted = new Map<string, { kind: 'customer' | 'email'; values: string[] }>();
    const want = (pk: string, kind: 'customer' | 'email', value: string) => {
      const entry = wanted.get(pk);
      if (entry === undefined) wanted.set(pk, { kind, values: [value] });
      else entry.values.push(value);
    };
    for (const id of refs.customerIds ?? []) want(keys.forgottenCustomer(id), 'customer', id);
    for (const email of refs.emails ?? []) want(keys.forgottenEmail(email), 'email', email);
    const customerIds = new Set<string>();
    const emails = new Set<string>();
    const pks = [...wanted.keys()];
    for (let start = 0; start < pks.length; start += batchGetKeys) {
      const result = await this.documents.send(
        new BatchGetCommand({
          RequestItems: {
            [this.tableName]: {
              Keys: pks.slice(start, start + batchGetKeys).map((pk) => ({ pk, sk: keys.suppression() })),
              ProjectionExpression: 'pk',
              ConsistentRead: true,
            },
          },
        }),
      );
      // Unprocessed keys (throttling) must never read as "not forgotten".
      if ((result.UnprocessedKeys?.[this.tableName]?.Keys?.length ?? 0) > 0)
        throw new Error('the lookup of forgotten people was throttled; try again');
      for (const item of result.Responses?.[this.tableName] ?? []) {
        const found = wanted.get(String(item.pk));
        if (found === undefined) continue;
        const into = found.kind === 'customer' ? customerIds : emails;
        for (const value of found.values) into.add(value);
      }
    }
    return { customerIds, emails };
  }
}

/** The PrivacyStore over the customer table and the inbound bucket. */
export class DynamoPrivacyStore extends TableAdapter implements PrivacyStore {
  readonly #objects: ObjectStore;
  readonly #inboundBucket: string | undefined;

  readonly #register: DynamoForgottenRegister;

  constructor(client: DynamoDBClient, tableName: string, objects: ObjectStore, inboundBucket?: string) {
    super(client, tableName);
    this.#objects = objects;
    this.#inboundBucket = inboundBucket;
    this.#register = new DynamoForgottenRegister(client, tableName);
  }

  forgotten(refs: { customerIds?: readonly string[]; emails?: readonly string[] }): Promise<Forgotten> {
    return this.#register.forgotten(refs);
  }

  async forgetEmail(email: string, at: number): Promise<ForgetReport> {
    const customerIds = await customerIdsByEmail(this.documents, this.tableName, email);
    const doomed: Item[] = [];
    const rawMails = new Set<string>();
    // One Shopify order may have two items (an old key and a new one): its pointer is deleted once.
    const pointers = new Set<string>();
    for (const customerId of customerIds) {
      const items = await this.#query({
        KeyConditionExpression: 'pk = :pk',
        ExpressionAttributeValues: { ':pk': keys.customer(customerId) },
        ConsistentRead: true,
      });
      for (const item of items) {
        doomed.push(item);
        // A live Shopify order's pointer names this customer's key: it goes too, unless it now points elsewhere.
        const pointer = shopifyOrderPointerOf(item);
        if (pointer !== undefined && !pointers.has(pointer.pk)) {
          pointers.add(pointer.pk);
          if (await this.#pointsInto(pointer, keys.customer(customerId))) doomed.push({ ...pointer });
        }
        const detail = item.detail;
        if (
          typeof detail === 'object' &&
          detail !== null &&
          's3Key' in detail &&
          typeof detail.s3Key === 'string'
        ) {
          rawMails.add(detail.s3Key);
        }
      }
    }
    // Refused inbound mail lives outside the customer partitions but names the sender and its raw mail.
    for (const item of await this.#inboundRecordsOf(email, customerIds, at)) {
      doomed.push(item);
      if (typeof item.s3Key === 'string') rawMails.add(item.s3Key);
    }
    // The address's own items (its suppression) hold the email in clear; the tombstone replaces them.
    doomed.push(
      ...(await this.#query({
        KeyConditionExpression: 'pk = :pk',
        ExpressionAttributeValues: { ':pk': keys.emailIndex(email) },
      })),
    );
    // Tombstones first: if the deletes stop half-way, the address and the ids are already never written to again.
    for (const pk of [keys.forgottenEmail(email), ...customerIds.map((id) => keys.forgottenCustomer(id))]) {
      await this.documents.send(
        new PutCommand({
          TableName: this.tableName,
          Item: {
            pk,
            sk: keys.suppression(),
            [typeAttribute]: itemTypes.suppression,
            suppressionReason: 'manual',
            suppressedAt: at,
          },
        }),
      );
    }
    if (this.#inboundBucket !== undefined) {
      for (const key of rawMails) await this.#objects.deleteObject(this.#inboundBucket, key);
    }
    await this.#deleteAll(doomed);
    return {
      customerIds,
      itemsDeleted: doomed.length,
      rawMailsDeleted: this.#inboundBucket === undefined ? 0 : rawMails.size,
    };
  }

  /**
   * Records of refused inbound mail from the address or about one of its customers. They sit in one
   * partition per UTC day and expire after 90 days, so only the days since then are read. DynamoDB cannot
   * compare case-insensitively, so the filter keeps records with a sender or a customer and the
   * address is compared here.
   */
  async #inboundRecordsOf(email: string, customerIds: readonly string[], at: number): Promise<Item[]> {
    const address = email.trim().toLowerCase();
    const customers = new Set(customerIds);
    const days: string[] = [];
    // From tomorrow (a receipt stamped ahead of this clock) back past the retention and the TTL's lag.
    for (let day = at + dayMs; day >= at - inboundRetentionMs - ttlLagMs; day -= dayMs) {
      days.push(new Date(day).toISOString().slice(0, 10));
    }
    const found: Item[] = [];
    for (let start = 0; start < days.length; start += parallelDays) {
      const partitions = await Promise.all(
        days.slice(start, start + parallelDays).map((day) =>
          this.#query({
            KeyConditionExpression: 'pk = :pk',
            FilterExpression: 'attribute_exists(#from) OR attribute_exists(customerId)',
            ProjectionExpression: 'pk, sk, #from, customerId, s3Key',
            ExpressionAttributeNames: { '#from': 'from' },
            ExpressionAttributeValues: { ':pk': keys.inbound(day) },
            ConsistentRead: true,
          }),
        ),
      );
      for (const item of partitions.flat()) {
        const aboutCustomer = typeof item.customerId === 'string' && customers.has(item.customerId);
        if (aboutCustomer || addressIn(item.from) === address) found.push(item);
      }
    }
    return found;
  }

  async #pointsInto(pointer: ItemKey, pk: string): Promise<boolean> {
    const { Item: held } = await this.documents.send(
      new GetCommand({ TableName: this.tableName, Key: pointer, ConsistentRead: true }),
    );
    return held?.orderPk === pk;
  }

  #query(input: Omit<QueryCommandInput, 'TableName'>): Promise<Item[]> {
    return queryAll(this.documents, { ...input, TableName: this.tableName });
  }

  async #deleteAll(items: readonly Item[]): Promise<void> {
    for (let start = 0; start < items.length; start += 25) {
      const requests = items
        .slice(start, start + 25)
        .map((item) => ({ DeleteRequest: { Key: { pk: item.pk, sk: item.sk } } }));
      await batchWriteAll(this.documents, this.tableName, requests);
    }
  }
}
