import type { Order, OrderStatus } from './model.ts';

/**
 * An order as a live event states it, with the version the store compares: live events are not
 * ordered (EventBridge, webhook retries), so a write lands only if it is not older than what the
 * store holds. Files carry no such time and are put as they are (ImportSink.putOrders).
 */
export interface LiveOrder {
  readonly order: Order;
  /** When the source last changed the order (Shopify `updated_at`, a Stripe event's `created`), epoch ms. */
  readonly updatedAt: number;
  /** Shopify's numeric order id, by which refunds/create names the order. */
  readonly shopifyOrderId?: string;
  /** The ids of the refunds `order.refundedAmount` sums, so a refund is never counted twice. */
  readonly refundIds?: readonly string[];
}

/** One refund of a Shopify order (refunds/create), which names the order by Shopify's numeric id only. */
export interface LiveRefund {
  readonly shopifyOrderId: string;
  readonly refundId: string;
  /** What went back, in the order's currency (the refund's successful `refund` transactions). */
  readonly amount: number;
  /** When the refund was made (`created_at`), epoch ms. */
  readonly at: number;
}

/** What the store did with a live order: written, or kept because it holds a newer version. */
export type LiveOrderWrite =
  | { readonly written: true }
  | { readonly written: false; readonly storedUpdatedAt: number };

/** What the store did with a refund. */
export type LiveRefundWrite =
  | 'written'
  /** The order already counts this refund (a redelivery, or an orders/updated that listed it). */
  | 'already-recorded'
  /** The order has not come yet: the refund waits, and the order's write counts it. */
  | 'held'
  /** The order with this Shopify id is no longer one a live event wrote (an import put it back). */
  | 'unknown-order';

/**
 * The status an order has after `refunded` of its amount went back: refunded in full, else
 * partially refunded; a cancelled order stays cancelled until refunded in full (as Shopify's
 * `cancelled_at` with `partially_refunded` reads) and a voided one, never charged, stays voided.
 */
export function statusAfterRefund(status: OrderStatus | undefined, amount: number, refunded: number) {
  if (status === 'voided') return status;
  if (refunded > 0 && refunded >= amount - 1e-9) return 'refunded';
  if (status === 'cancelled' || refunded <= 0) return status;
  return 'partially_refunded';
}

/**
 * The live order with `refund` counted: its amount added to what went back (never more than the
 * order's amount), the status moved on and the refund's id listed; the version is the later of the
 * order's and the refund's, so an `orders/updated` from before the refund cannot undo it.
 * Undefined when the order already counts the refund.
 */
export function withRefund(stored: LiveOrder, refund: LiveRefund): LiveOrder | undefined {
  const refundIds = stored.refundIds ?? [];
  if (refundIds.includes(refund.refundId)) return undefined;
  const { order } = stored;
  const refunded = Math.min(order.amount, (order.refundedAmount ?? 0) + Math.abs(refund.amount));
  const status = statusAfterRefund(order.status, order.amount, refunded);
  const { refundedAmount: _, status: __, ...rest } = order;
  return {
    ...stored,
    order: {
      ...rest,
      ...(status === undefined ? {} : { status }),
      ...(refunded > 0 ? { refundedAmount: refunded } : {}),
    },
    updatedAt: Math.max(stored.updatedAt, refund.at),
    refundIds: [...refundIds, refund.refundId],
  };
}

/** The result line of a live order the store kept because it holds a newer version. */
export const olderResult = (updatedAt: number, storedUpdatedAt: number) =>
  `skipped: older than the order held (updated ${new Date(updatedAt).toISOString()}, held ${new Date(storedUpdatedAt).toISOString()})`;
