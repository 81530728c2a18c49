import { UpdateCommand } from '@aws-sdk/lib-dynamodb';
import type { ContactStatusStore, Suppression, SuppressionReason } from '../../ports/contact-status-store.ts';
import { customerIdsByEmail } from './customers-by-email.ts';
import { itemTypes, typeAttribute } from './items.ts';
import { readSendGuard } from './send-guard.ts';
import { TableAdapter } from './table-adapter.ts';
import { keys } from './table-design.ts';

/**
 * The ContactStatusStore over the one table: the one writer of an address's suppression
 * (`EMAIL#<address>` / `SUPPRESSION`) and of each customer's status item (`STATUS`).
 */
export class DynamoContactStatusStore extends TableAdapter implements ContactStatusStore {
  customersByEmail(email: string): Promise<string[]> {
    return customerIdsByEmail(this.documents, this.tableName, email);
  }

  async suppress(
    email: string,
    customerIds: readonly string[],
    reason: SuppressionReason,
    at: number,
  ): Promise<void> {
    // The first reason and time stay: a later bounce does not rewrite a complaint.
    const update = {
      UpdateExpression:
        'SET suppressedAt = if_not_exists(suppressedAt, :at), suppressionReason = if_not_exists(suppressionReason, :reason), #type = :type',
      ExpressionAttributeNames: { '#type': typeAttribute },
    };
    await this.documents.send(
      new UpdateCommand({
        TableName: this.tableName,
        Key: { pk: keys.emailIndex(email), sk: keys.suppression() },
        ...update,
        ExpressionAttributeValues: { ':at': at, ':reason': reason, ':type': itemTypes.suppression },
      }),
    );
    for (const customerId of new Set(customerIds)) {
      await this.documents.send(
        new UpdateCommand({
          TableName: this.tableName,
          Key: { pk: keys.customer(customerId), sk: keys.status() },
          ...update,
          ExpressionAttributeValues: { ':at': at, ':reason': reason, ':type': itemTypes.status },
        }),
      );
    }
  }

  async suppressionOf(email: string): Promise<Suppression | undefined> {
    return (await readSendGuard(this.documents, this.tableName, email)).suppression;
  }

  async unsubscribe(customerId: string, at: number): Promise<number> {
    const result = await this.documents.send(
      new UpdateCommand({
        TableName: this.tableName,
        Key: { pk: keys.customer(customerId), sk: keys.status() },
        UpdateExpression: 'SET unsubscribedAt = if_not_exists(unsubscribedAt, :at), #type = :type',
        ExpressionAttributeNames: { '#type': typeAttribute },
        ExpressionAttributeValues: { ':at': at, ':type': itemTypes.status },
        ReturnValues: 'ALL_NEW',
      }),
    );
    const stored = result.Attributes?.unsubscribedAt;
    return typeof stored === 'number' ? stored : at;
  }

  async pauseContact(customerId: string, until: number, at: number): Promise<void> {
    await this.documents.send(
      new UpdateCommand({
        TableName: this.tableName,
        Key: { pk: keys.customer(customerId), sk: keys.status() },
        UpdateExpression: 'SET pausedUntil = :until, pausedAt = :at, #type = :type',
        ExpressionAttributeNames: { '#type': typeAttribute },
        ExpressionAttributeValues: { ':until': until, ':at': at, ':type': itemTypes.status },
      }),
    );
  }
}
