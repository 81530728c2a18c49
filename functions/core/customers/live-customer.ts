import type { Customer } from './model.ts';

/**
 * A customer as a live event states them, with the version the store compares: live events are not
 * ordered (webhook retries, EventBridge), so a late customers/update must not turn a newer withdrawn
 * consent back into granted. Files carry no such time and are put as they are (ImportSink.putCustomers).
 */
export interface LiveCustomer {
  readonly customer: Customer;
  /** When the source last changed the customer (Shopify `updated_at`), epoch ms. */
  readonly updatedAt: number;
}

/** What the store did with a live customer: written, or kept because it holds a newer version. */
export type LiveCustomerWrite =
  | { readonly written: true }
  | { readonly written: false; readonly storedUpdatedAt: number };

/** The result line of a live customer the store kept because it holds a newer version. */
export const olderCustomerResult = (updatedAt: number, storedUpdatedAt: number) =>
  `skipped: older than the customer held (updated ${new Date(updatedAt).toISOString()}, held ${new Date(storedUpdatedAt).toISOString()})`;
