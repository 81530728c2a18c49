import { describe, expect, it } from 'vitest';
import {
  type LiveOrder,
  olderResult,
  statusAfterRefund,
  withRefund,
} from '../../../../functions/core/customers/live-order.ts';

const placed: LiveOrder = {
  order: {
    orderId: '1005',
    customerId: 'asha.rao@example.com',
    placedAt: '2026-03-20T11:02:44.000Z',
    amount: 80,
    status: 'paid',
    currency: 'EUR',
  },
  updatedAt: Date.parse('2026-03-20T11:02:45Z'),
  shopifyOrderId: '5861712773322',
  refundIds: [],
};
const refund = (refundId: string, amount: number, at = '2026-03-24T15:40:09Z') => ({
  shopifyOrderId: '5861712773322',
  refundId,
  amount,
  at: Date.parse(at),
});

describe('a refund counted on a live order', () => {
  it('adds what went back, moves the status on, lists the refund and takes its time as the version', () => {
    const once = withRefund(placed, refund('r1', 40));
    expect(once).toEqual({
      ...placed,
      order: { ...placed.order, status: 'partially_refunded', refundedAmount: 40 },
      updatedAt: Date.parse('2026-03-24T15:40:09Z'),
      refundIds: ['r1'],
    });
    // A second refund of the rest: refunded in full; never more than the amount.
    const twice = once && withRefund(once, refund('r2', 55, '2026-03-20T00:00:00Z'));
    expect(twice?.order).toMatchObject({ status: 'refunded', refundedAmount: 80 });
    // An older refund does not move the version back.
    expect(twice?.updatedAt).toBe(Date.parse('2026-03-24T15:40:09Z'));
  });

  it('counts a refund once: the same id again changes nothing', () => {
    const once = withRefund(placed, refund('r1', 40));
    expect(once && withRefund(once, refund('r1', 40))).toBeUndefined();
  });

  it('keeps a cancelled order cancelled until refunded in full, a voided one voided', () => {
    expect(statusAfterRefund('cancelled', 80, 40)).toBe('cancelled');
    expect(statusAfterRefund('cancelled', 80, 80)).toBe('refunded');
    expect(statusAfterRefund('voided', 80, 80)).toBe('voided');
    expect(statusAfterRefund(undefined, 80, 0)).toBeUndefined();
    expect(statusAfterRefund(undefined, 80, 10)).toBe('partially_refunded');
  });

  it('says which times a skipped order had', () => {
    expect(olderResult(Date.parse('2026-03-20T11:02:45Z'), Date.parse('2026-03-24T15:40:10Z'))).toBe(
      'skipped: older than the order held (updated 2026-03-20T11:02:45.000Z, held 2026-03-24T15:40:10.000Z)',
    );
  });
});
