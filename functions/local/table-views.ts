import { forEachConcurrently } from '../core/concurrency.ts';
import type { CustomerView } from '../ports/customer-store.ts';
import type { LocalRuntime } from './local-runtime.ts';

/**
 * Every customer's view, by customer id, from one parallel Scan: sixteen segments, four at once
 * (one long Scan costs DynamoDB Local the square of its length), not a Query per customer.
 */
export async function readAllViews(runtime: Pick<LocalRuntime, 'store'>): Promise<Map<string, CustomerView>> {
  const views = new Map<string, CustomerView>();
  const totalSegments = 16;
  const segments = Array.from({ length: totalSegments }, (_, segment) => segment);
  await forEachConcurrently(segments, 4, async (segment) => {
    for await (const view of runtime.store.scanCustomerViews({ segment, totalSegments }))
      views.set(view.customer.customerId, view);
  });
  return new Map([...views].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)));
}
