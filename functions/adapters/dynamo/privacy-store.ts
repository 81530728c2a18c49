import type { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { BatchWriteCommand, DynamoDBDocumentClient, PutCommand, QueryCommand } from '@aws-sdk/lib-dynamodb';
import type { ObjectStore } from '../../ports/object-store.ts';
import type { ForgetReport, PrivacyStore } from '../../ports/privacy-store.ts';
import { customerTableDesign, keys } from './table-design.ts';

type Item = Record<string, unknown>;

/** The PrivacyStore over the customer table and the inbound bucket. */
export class DynamoPrivacyStore implements PrivacyStore {
  readonly #documents: DynamoDBDocumentClient;
  readonly #tableName: string;
  readonly #objects: ObjectStore;
  readonly #inboundBucket: string | undefined;

  constructor(client: DynamoDBClient, tableName: string, objects: ObjectStore, inboundBucket?: string) {
    this.#documents = DynamoDBDocumentClient.from(client);
    this.#tableName = tableName;
    this.#objects = objects;
    this.#inboundBucket = inboundBucket;
  }

  async forgetEmail(email: string, at: number): Promise<ForgetReport> {
    const profiles = await this.#query({
      IndexName: customerTableDesign.index.name,
      KeyConditionExpression: 'gsi1pk = :email',
      ExpressionAttributeValues: { ':email': keys.emailIndex(email) },
    });
    const customerIds = [...new Set(profiles.map((item) => String(item.customerId)))];
    const doomed: Item[] = [];
    const rawMails = new Set<string>();
    for (const customerId of customerIds) {
      const items = await this.#query({
        KeyConditionExpression: 'pk = :pk',
        ExpressionAttributeValues: { ':pk': keys.customer(customerId) },
        ConsistentRead: true,
      });
      for (const item of items) {
        doomed.push(item);
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
    // The address's own items (its suppression) hold the email in clear; the tombstone replaces them.
    doomed.push(
      ...(await this.#query({
        KeyConditionExpression: 'pk = :pk',
        ExpressionAttributeValues: { ':pk': keys.emailIndex(email) },
      })),
    );
    // Tombstone first: if the deletes stop half-way, the address is already never written to again.
    await this.#documents.send(
      new PutCommand({
        TableName: this.#tableName,
        Item: {
          pk: keys.forgottenEmail(email),
          sk: keys.suppression(),
          type: 'suppression',
          suppressionReason: 'manual',
          suppressedAt: at,
        },
      }),
    );
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

  async #query(input: Omit<ConstructorParameters<typeof QueryCommand>[0], 'TableName'>): Promise<Item[]> {
    const items: Item[] = [];
    let startKey: Record<string, unknown> | undefined;
    do {
      const page = await this.#documents.send(
        new QueryCommand({ ...input, TableName: this.#tableName, ExclusiveStartKey: startKey }),
      );
      items.push(...(page.Items ?? []));
      startKey = page.LastEvaluatedKey;
    } while (startKey !== undefined);
    return items;
  }

  async #deleteAll(items: readonly Item[]): Promise<void> {
    for (let start = 0; start < items.length; start += 25) {
      let requests: { DeleteRequest: { Key: Record<string, unknown> } }[] = items
        .slice(start, start + 25)
        .map((item) => ({ DeleteRequest: { Key: { pk: item.pk, sk: item.sk } } }));
      for (let attempt = 0; requests.length > 0; attempt += 1) {
        if (attempt > 10)
          throw new Error(`DynamoDB kept ${requests.length} deletes unprocessed after 10 retries`);
        if (attempt > 0)
          await new Promise((resolve) => setTimeout(resolve, Math.min(2 ** attempt * 25, 2_000)));
        const result = await this.#documents.send(
          new BatchWriteCommand({ RequestItems: { [this.#tableName]: requests } }),
        );
        requests = (result.UnprocessedItems?.[this.#tableName] ?? []).flatMap((request) =>
          request.DeleteRequest?.Key === undefined
            ? []
            : [{ DeleteRequest: { Key: request.DeleteRequest.Key } }],
        );
      }
    }
  }
}
