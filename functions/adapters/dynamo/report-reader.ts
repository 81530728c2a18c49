import type { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { forEachConcurrently } from '../../core/concurrency.ts';
import { isPurchase } from '../../core/customers/model.ts';
import type { StepCounters } from '../../core/domain/counters.ts';
import type { ReportData } from '../../core/domain/report-data.ts';
import type { ReportReader } from '../../ports/report-reader.ts';
import { sumShards } from './engagement-ledger.ts';
import {
  AssignmentItemSchema,
  addResponse,
  type EnrolmentResponse,
  type Item,
  itemTypes,
  parseItem,
  SendItemSchema,
  StoredOrderSchema,
  toStepCounters,
  typeAttribute,
} from './items.ts';
import { onlyTypes, scanItems } from './pages.ts';

/** The report reads the table in this many parallel-scan segments, this many at once. */
const reportScanSegments = 64;
const reportScanConcurrency = 4;

interface Collected {
  assignments: ReportData['assignments'][number][];
  firstSends: Map<string, number>;
  orders: ReportData['orders'][number][];
  counters: StepCounters[];
  responses: Map<string, EnrolmentResponse>;
}

function collect(item: Item, data: Collected): void {
  switch (item[typeAttribute]) {
    case itemTypes.enrolment:
    case itemTypes.holdout: {
      const { customerId, enrolmentId, sequenceId, segmentId, enrolledAt, state, endedAt, exitReason } =
        parseItem(AssignmentItemSchema, item);
      data.assignments.push({
        customerId,
        enrolmentId,
        sequenceId,
        segmentId,
        enrolledAt,
        state,
        ...(endedAt === undefined ? {} : { endedAt }),
        ...(exitReason === undefined ? {} : { exitReason }),
      });
      return;
    }
    case itemTypes.messageStats:
      addResponse(data.responses, item);
      return;
    case itemTypes.send: {
      const send = parseItem(SendItemSchema, item);
      if (send.state !== 'sent' || send.sentAt === undefined) return;
      const earlier = data.firstSends.get(send.enrolmentId);
      if (earlier === undefined || send.sentAt < earlier) data.firstSends.set(send.enrolmentId, send.sentAt);
      return;
    }
    case itemTypes.order: {
      const order = parseItem(StoredOrderSchema, item);
      // A refunded, cancelled or voided order is no return.
      if (!isPurchase(order)) return;
      data.orders.push({ customerId: order.customerId, placedAt: Date.parse(order.placedAt) });
      return;
    }
    case itemTypes.stats:
      data.counters.push(toStepCounters(item));
      return;
  }
}

/** The ReportReader over the one table: one parallel Scan of the kinds the report reads. */
export class DynamoReportReader implements ReportReader {
  readonly #documents: DynamoDBDocumentClient;
  readonly #tableName: string;

  constructor(client: DynamoDBClient, tableName: string) {
    this.#documents = DynamoDBDocumentClient.from(client);
    this.#tableName = tableName;
  }

  async loadReportData(): Promise<ReportData> {
    const data: Collected = {
      assignments: [],
      firstSends: new Map(),
      orders: [],
      counters: [],
      responses: new Map(),
    };
    // A parallel scan, a few segments at once: one long Scan of a large table is slow on AWS (one
    // partition at a time) and slower on DynamoDB Local (each page costs what is left of the Scan).
    const segments = Array.from({ length: reportScanSegments }, (_, segment) => segment);
    await forEachConcurrently(segments, reportScanConcurrency, async (segment) => {
      const items = scanItems(this.#documents, {
        TableName: this.#tableName,
        ...onlyTypes([
          itemTypes.enrolment,
          itemTypes.holdout,
          itemTypes.order,
          itemTypes.send,
          itemTypes.stats,
          itemTypes.messageStats,
        ]),
        Segment: segment,
        TotalSegments: reportScanSegments,
      });
      for await (const item of items) collect(item, data);
    });
    return {
      assignments: data.assignments,
      firstSends: [...data.firstSends].map(([enrolmentId, sentAt]) => ({ enrolmentId, sentAt })),
      orders: data.orders,
      counters: sumShards(data.counters),
      responses: [...data.responses].flatMap(([enrolmentId, { respondedAt }]) =>
        respondedAt === undefined ? [] : [{ enrolmentId, respondedAt }],
      ),
    };
  }
}
