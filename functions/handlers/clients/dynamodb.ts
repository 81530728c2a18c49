import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { type ClientTarget, clientOptions, withoutSdkLogger } from './client-options.ts';

/** The DynamoDB client, built once per container; `target` points it at a local stack's emulator. */
export function dynamoDbClient(target?: ClientTarget): DynamoDBClient {
  return withoutSdkLogger(new DynamoDBClient(clientOptions('dynamodb', target)));
}
