import type { OrderStatus } from '../customers/model.ts';

/**
 * Shopify's financial status (lower case, as the Admin API writes it), and whether the order was
 * cancelled, as our order status; undefined for a status we do not know. The export preset and the
 * live webhooks both read it so.
 */
export function shopifyOrderStatus(financial: string, cancelled: boolean): OrderStatus | undefined {
  switch (financial) {
    case 'voided':
    case 'expired':
      return 'voided';
    case 'refunded':
      return 'refunded';
    case 'partially_refunded':
      return cancelled ? 'cancelled' : 'partially_refunded';
    case 'paid':
    case 'pending':
    case 'authorized':
    case 'partially_paid':
      return cancelled ? 'cancelled' : 'paid';
    default:
      return undefined;
  }
}
