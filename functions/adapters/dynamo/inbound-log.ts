import { PutCommand } from '@aws-sdk/lib-dynamodb';
import type { InboundRecord } from '../../core/domain/inbound-record.ts';
import type { InboundLog } from '../../ports/inbound-log.ts';
import { expiresAfter, itemTypes, typeAttribute } from './items.ts';
import { TableAdapter } from './table-adapter.ts';
import { customerTableDesign, keys } from './table-design.ts';

/** Records of refused inbound mail (sender, subject) are kept 90 days, for investigating abuse. */
export const inboundRetentionMs = 90 * 86_400_000;

/** The InboundLog over the one table: one partition per UTC day (`INBOUND#<day>`), one item per mail. */
export class DynamoInboundLog extends TableAdapter implements InboundLog {
  async recordInbound(record: InboundRecord): Promise<void> {
    await this.documents.send(
      new PutCommand({
        TableName: this.tableName,
        Item: {
          pk: keys.inbound(new Date(record.receivedAt).toISOString().slice(0, 10)),
          sk: keys.inboundMail(record.mailId),
          [typeAttribute]: itemTypes.inbound,
          ...record,
          reason: record.reason.slice(0, 1_000),
          subject: record.subject?.slice(0, 300),
          from: record.from?.slice(0, 300),
          [customerTableDesign.timeToLiveAttribute]: expiresAfter(record.receivedAt, inboundRetentionMs),
        },
      }),
    );
  }
}
