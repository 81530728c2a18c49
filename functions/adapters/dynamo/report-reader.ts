import { forEachConcurrently } from '../../core/concurrency.ts';
import type { StepCounters } from '../../core/domain/counters.ts';
import { type ReportData, reportAssignment, reportOrder } from '../../core/domain/report-data.ts';
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
import { TableAdapter } from './table-adapter.ts';

/** The report reads the table in this many parallel-scan segments, this many at once. */
const reportScanSegments = 64;
const reportScanConcurrency = 4;

interface Collected {
  assignments: ReportData['assignments'][number][];
  firstSends: Map<string, number>;
  sends: NonNullable<ReportData['sends']>[number][];
  orders: ReportData['orders'][number][];
  counters: StepCounters[];
  responses: Map<string, EnrolmentResponse>;
}

function collect(item: Item, data: Collected): void {
  switch (item[typeAttribute]) {
    case itemTypes.enrolment:
    case itemTypes.holdout:
      data.assignments.push(reportAssignment(parseItem(AssignmentItemSchema, item)));
      return;
    case itemTypes.messageStats:
      addResponse(data.responses, item);
      return;
    case itemTypes.send: {
      const send = parseItem(SendItemSchema, item);
      if (send.state !== 'sent' || send.sentAt === undefined) return;
      data.sends.push({
        enrolmentId: send.enrolmentId,
        stepIndex: send.stepIndex,
        sentAt: send.sentAt,
        ...(send.tracking === undefined ? {} : { tracking: send.tracking }),
      });
      const earlier = data.firstSends.get(send.enrolmentId);
      if (earlier === undefined || send.sentAt < earlier) data.firstSends.set(send.enrolmentId, send.sentAt);
      return;
    }
    case itemTypes.order:
      // Refunded, cancelled and voided orders too: the report leaves them out by their status.
      data.orders.push(reportOrder(parseItem(StoredOrderSchema, item)));
      return;
    case itemTypes.stats:
      data.counters.push(toStepCounters(item));
      return;
  }
}

/** The ReportReader over the one table: one parallel Scan of the kinds the report reads. */
export class DynamoReportReader extends TableAdapter implements ReportReader {
  async loadReportData(): Promise<ReportData> {
    const data: Collected = {
      assignments: [],
      firstSends: new Map(),
      sends: [],
      orders: [],
      counters: [],
      responses: new Map(),
    };
    // A parallel scan, a few segments at once: one long Scan of a large table is slow on AWS (one
    // partition at a time) and slower on DynamoDB Local (each page costs what is left of the Scan).
    const segments = Array.from({ length: reportScanSegments }, (_, segment) => segment);
    await forEachConcurrently(segments, reportScanConcurrency, async (segment) => {
      const items = scanItems(this.documents, {
        TableName: this.tableName,
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
      sends: data.sends,
      orders: data.orders,
      counters: sumShards(data.counters),
      responses: [...data.responses].flatMap(([enrolmentId, { respondedAt }]) =>
        respondedAt === undefined ? [] : [{ enrolmentId, respondedAt }],
      ),
    };
  }
}
