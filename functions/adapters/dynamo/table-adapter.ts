import type { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';

/**
 * What every store over the one table is built from: the caller's DynamoDB client, wrapped once in
 * a document client, and the table's name. An optional attribute left undefined is not written.
 */
export abstract class TableAdapter {
  protected readonly documents: DynamoDBDocumentClient;
  protected readonly tableName: string;

  constructor(client: DynamoDBClient, tableName: string) {
    this.documents = DynamoDBDocumentClient.from(client, {
      marshallOptions: { removeUndefinedValues: true },
    });
    this.tableName = tableName;
  }
}
