import { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import * as z from 'zod';
import { viewOf } from '../adapters/dynamo/customer-store.ts';
import { isItemOf, itemTypes } from '../adapters/dynamo/items.ts';
import { byPartition, onlyTypes, scanItems } from '../adapters/dynamo/pages.ts';
import { forEachConcurrently } from '../core/concurrency.ts';
import type { CustomerView } from '../core/domain/customer-view.ts';
import { type LocalRuntime, localNames } from './local-runtime.ts';

/**
 * Whole-table reads: 64 parallel-scan segments, four at once. DynamoDB Local answers each page of a
 * Scan in time that grows with what is left of it, so a long Scan costs the square of its length.
 */
const localScan = { totalSegments: 64, concurrency: 4 } as const;

const segments = () => Array.from({ length: localScan.totalSegments }, (_, segment) => segment);

const byCustomerId = <T>(entries: Map<string, T>) =>
  new Map([...entries].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)));

/** Every customer's view, by customer id, from one parallel Scan, not a Query per customer. */
export async function readAllViews(runtime: Pick<LocalRuntime, 'store'>): Promise<Map<string, CustomerView>> {
  const views = new Map<string, CustomerView>();
  await forEachConcurrently(segments(), localScan.concurrency, async (segment) => {
    for await (const view of runtime.store.scanCustomerViews({
      segment,
      totalSegments: localScan.totalSegments,
    }))
      views.set(view.customer.customerId, view);
  });
  return byCustomerId(views);
}

const HoldOutSchema = z.object({
  enrolmentId: z.string(),
  customerId: z.string(),
  enrolledAt: z.number(),
});

/** What the simulated recipients need of the table: who got what, and who was held out. */
export interface MailViews {
  /** Profiles, enrolments and sends only (no orders, events or scores), by customer id. */
  readonly views: Map<string, CustomerView>;
  readonly heldOut: readonly z.infer<typeof HoldOutSchema>[];
}

/**
 * The recipients' read of the table, once a round: only the item kinds they use, so the Scan's
 * pages carry a fraction of the table (events, orders and scores stay behind the filter).
 */
export async function readMailViews(runtime: Pick<LocalRuntime, 'clients'>): Promise<MailViews> {
  const documents = DynamoDBDocumentClient.from(runtime.clients.dynamodb);
  const views = new Map<string, CustomerView>();
  const heldOut: z.infer<typeof HoldOutSchema>[] = [];
  await forEachConcurrently(segments(), localScan.concurrency, async (segment) => {
    const items = scanItems(documents, {
      TableName: localNames.tableName,
      ...onlyTypes([itemTypes.customer, itemTypes.enrolment, itemTypes.holdout, itemTypes.send]),
      Segment: segment,
      TotalSegments: localScan.totalSegments,
    });
    for await (const partition of byPartition(items)) {
      for (const item of partition)
        if (isItemOf(item, itemTypes.holdout)) heldOut.push(HoldOutSchema.parse(item));
      const view = viewOf(partition);
      if (view !== undefined) views.set(view.customer.customerId, view);
    }
  });
  return { views: byCustomerId(views), heldOut };
}
