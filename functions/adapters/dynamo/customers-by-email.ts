import type { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { profilesByEmailQuery } from './items.ts';
import { queryAll } from './pages.ts';

/**
 * The ids of every customer whose profile has this address (the email index, compared lower-cased),
 * all pages read and each id once: a re-imported profile or a second page does not repeat a customer.
 */
export async function customerIdsByEmail(
  documents: DynamoDBDocumentClient,
  tableName: string,
  email: string,
): Promise<string[]> {
  const items = await queryAll(documents, { TableName: tableName, ...profilesByEmailQuery(email) });
  const ids = items.flatMap((item) => (typeof item.customerId === 'string' ? [item.customerId] : []));
  return [...new Set(ids)];
}
