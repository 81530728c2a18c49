import {
  type DynamoDBDocumentClient,
  paginateQuery,
  paginateScan,
  type QueryCommandInput,
  type ScanCommandInput,
} from '@aws-sdk/lib-dynamodb';
import { type ItemType, typeAttribute } from './items.ts';

type Item = Record<string, unknown>;

// The SDK's paginators write each page's ExclusiveStartKey into the input they were given: pass a
// fresh object, never one that is kept and reused.

/** Every item of a Scan, page after page as they arrive (the SDK's paginator follows LastEvaluatedKey). */
export async function* scanItems(
  client: DynamoDBDocumentClient,
  input: ScanCommandInput,
): AsyncGenerator<Item> {
  for await (const page of paginateScan({ client }, input)) yield* page.Items ?? [];
}

/**
 * A Scan's items grouped by partition: a partition's items arrive contiguously, so a group is
 * complete when the key changes.
 */
export async function* byPartition(items: AsyncIterable<Item>): AsyncGenerator<Item[]> {
  let current: { pk: unknown; items: Item[] } | undefined;
  for await (const item of items) {
    if (current !== undefined && current.pk === item.pk) current.items.push(item);
    else {
      if (current !== undefined) yield current.items;
      current = { pk: item.pk, items: [item] };
    }
  }
  if (current !== undefined) yield current.items;
}

/** The filter of a Scan that keeps only items of these kinds (`itemTypes` of items.ts). */
export function onlyTypes(
  types: readonly ItemType[],
): Pick<ScanCommandInput, 'FilterExpression' | 'ExpressionAttributeNames' | 'ExpressionAttributeValues'> {
  const values = Object.fromEntries(types.map((type, index) => [`:type${index}`, type]));
  return {
    FilterExpression: `#type IN (${Object.keys(values).join(', ')})`,
    ExpressionAttributeNames: { '#type': typeAttribute },
    ExpressionAttributeValues: values,
  };
}

/** Every item of a Query, all pages, in one array. */
export async function queryAll(client: DynamoDBDocumentClient, input: QueryCommandInput): Promise<Item[]> {
  const items: Item[] = [];
  for await (const page of paginateQuery({ client }, input)) items.push(...(page.Items ?? []));
  return items;
}
