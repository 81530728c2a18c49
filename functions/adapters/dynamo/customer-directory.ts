import type { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import type { CustomerDirectory } from '../../ports/customer-directory.ts';
import { profilesByEmailQuery } from './items.ts';
import { queryAll } from './pages.ts';

/** The CustomerDirectory over the table's email index (the profiles' `EMAIL#<email>` entries). */
export class DynamoCustomerDirectory implements CustomerDirectory {
  readonly #documents: DynamoDBDocumentClient;
  readonly #tableName: string;

  constructor(client: DynamoDBClient, tableName: string) {
    this.#documents = DynamoDBDocumentClient.from(client);
    this.#tableName = tableName;
  }

  async customerIdsByEmail(email: string): Promise<string[]> {
    const items = await queryAll(this.#documents, {
      TableName: this.#tableName,
      ...profilesByEmailQuery(email.toLowerCase()),
    });
    return [...new Set(items.map((item) => String(item.customerId)))];
  }
}
