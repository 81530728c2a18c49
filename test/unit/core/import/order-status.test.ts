import { describe, expect, it } from 'vitest';
import { type Order, OrderSchema, purchaseTotal } from '../../../../functions/core/customers/model.ts';
import { summariseOrders } from '../../../../functions/core/domain/scoring.ts';
import { customerFacts } from '../../../../functions/core/segments/evaluate.ts';
import { findExit } from '../../../../functions/core/sequences/exits.ts';
import { sampleView } from '../../../support/sample-view.ts';

const now = Date.parse('2026-11-23T06:00:00Z');
const order = (orderId: string, placedAt: string, extra: Partial<Order> = {}): Order => ({
  orderId,
  customerId: 'c1',
  placedAt,
  amount: 40,
  ...extra,
});
const customer = {
  customerId: 'c1',
  email: 'asha@example.com',
  firstName: 'Asha',
  locale: 'en',
  consent: 'granted' as const,
};

describe('order status and currency', () => {
  it('parses status and currency, upper-casing the currency, and refuses a refund above the amount', () => {
    const parsed = OrderSchema.parse({
      orderId: '1001',
      customerId: 'c1',
      placedAt: '2026-03-02T10:14:09Z',
      amount: '40',
      status: 'partially_refunded',
      currency: 'eur',
      refundedAmount: '10',
    });
    expect(parsed).toMatchObject({ status: 'partially_refunded', currency: 'EUR', refundedAmount: 10 });
    const tooMuch = OrderSchema.safeParse({ ...parsed, refundedAmount: 41 });
    expect(tooMuch.success).toBe(false);
    expect(OrderSchema.safeParse({ ...parsed, status: 'pending' }).success).toBe(false);
    expect(OrderSchema.safeParse({ ...parsed, currency: 'euro' }).success).toBe(false);
  });

  it('counts neither refunded, cancelled nor voided orders as purchases in the segment facts', () => {
    const facts = customerFacts(
      {
        customer,
        orders: [
          order('1', '2026-01-01T00:00:00Z'),
          order('2', '2026-10-01T00:00:00Z', { status: 'refunded', refundedAmount: 40 }),
          order('3', '2026-10-02T00:00:00Z', { status: 'cancelled' }),
          order('4', '2026-10-03T00:00:00Z', { status: 'voided' }),
          order('5', '2026-02-01T00:00:00Z', { status: 'partially_refunded', refundedAmount: 15 }),
        ],
      },
      now,
    );
    expect(facts.orderCount).toBe(2);
    expect(facts.lastOrderAt).toBe(Date.parse('2026-02-01T00:00:00Z'));
    expect(facts.totalSpend).toBe(40 + 25);
  });

  it('never sums amounts in different currencies', () => {
    expect(
      purchaseTotal([
        order('1', '2026-01-01', { currency: 'EUR' }),
        order('2', '2026-01-02', { currency: 'EUR' }),
      ]),
    ).toBe(80);
    expect(
      purchaseTotal([
        order('1', '2026-01-01', { currency: 'EUR' }),
        order('2', '2026-01-02', { currency: 'USD' }),
      ]),
    ).toBeUndefined();
    const facts = customerFacts(
      {
        customer,
        orders: [
          order('1', '2026-01-01T00:00:00Z', { currency: 'EUR' }),
          order('2', '2026-01-02T00:00:00Z', { currency: 'GBP' }),
        ],
      },
      now,
    );
    expect(facts.totalSpend).toBeUndefined();
    expect(facts.orderCount).toBe(2);
  });

  it('fits the models on purchases only', () => {
    const summary = summariseOrders(
      'c1',
      [order('1', '2026-01-01T00:00:00Z'), order('2', '2026-06-01T00:00:00Z', { status: 'refunded' })],
      now,
    );
    expect(summary?.frequency).toBe(0);
    expect(
      summariseOrders('c1', [order('2', '2026-06-01T00:00:00Z', { status: 'voided' })], now),
    ).toBeUndefined();
  });

  it('a cancelled order after the enrolment does not end it as a purchase; a paid one does', () => {
    const view = sampleView('c1', 'e1');
    const enrolment = { enrolmentId: 'e1', enrolledAt: Date.parse('2026-11-23T09:00:00Z') };
    const cancelled = { ...view, orders: [order('9', '2026-11-25T00:00:00Z', { status: 'cancelled' })] };
    expect(findExit(cancelled, enrolment, ['purchase'])).toBeUndefined();
    const paid = { ...view, orders: [order('9', '2026-11-25T00:00:00Z', { status: 'paid' })] };
    expect(findExit(paid, enrolment, ['purchase'])).toBe('purchase');
  });
});
