import { describe, expect, it } from 'vitest';
import { readStripeEvent, stripeAmount } from '../../../../../functions/core/import/live/stripe.ts';
import { fixture } from './fixtures.ts';

const detail = (name: string) => (fixture('stripe', name) as { detail: unknown }).detail;

describe('Stripe events', () => {
  it('charge.succeeded: an order keyed by the charge id, its customer by cus_ id, in units not cents, versioned by the event', () => {
    expect(readStripeEvent(detail('charge-succeeded.json'))).toEqual({
      ok: true,
      id: 'ch_3QzKb2LkdIwHu7ix0Yv8sRpD',
      change: {
        kind: 'order',
        order: {
          orderId: 'ch_3QzKb2LkdIwHu7ix0Yv8sRpD',
          customerId: 'cus_RtY2kq8ZpA1bCd',
          placedAt: new Date(1774084500 * 1000).toISOString(),
          amount: 45.9,
          status: 'paid',
          currency: 'EUR',
        },
        // The event's created, not the charge's: it orders two events of one charge.
        version: { updatedAt: 1774084501 * 1000 },
      },
    });
  });

  it('charge.refunded replaces the same order as refunded, with its later event time', () => {
    expect(readStripeEvent(detail('charge-refunded.json'))).toMatchObject({
      change: {
        order: { orderId: 'ch_3QzKb2LkdIwHu7ix0Yv8sRpD', status: 'refunded', refundedAmount: 45.9 },
        version: { updatedAt: expect.any(Number) },
      },
    });
    const succeeded = readStripeEvent(detail('charge-succeeded.json'));
    const refunded = readStripeEvent(detail('charge-refunded.json'));
    const versionOf = (parsed: typeof succeeded) =>
      parsed.ok && parsed.change.kind === 'order' ? parsed.change.version?.updatedAt : undefined;
    expect(versionOf(refunded)).toBeGreaterThan(versionOf(succeeded) ?? Number.POSITIVE_INFINITY);
  });

  it('a guest charge is keyed by its billing email; yen have no minor unit', () => {
    expect(readStripeEvent(detail('charge-succeeded-guest-jpy.json'))).toMatchObject({
      change: { order: { customerId: 'kenji.sato@example.com', amount: 3200, currency: 'JPY' } },
    });
    expect(stripeAmount(1234, 'kwd')).toBe(1.234);
  });

  it('customers: keyed by cus_ id, with the first preferred locale, versioned by the event', () => {
    expect(readStripeEvent(detail('customer-created.json'))).toMatchObject({
      change: {
        kind: 'customer',
        customer: {
          customerId: 'cus_RtY2kq8ZpA1bCd',
          email: 'asha.rao@example.com',
          firstName: 'Asha',
          locale: 'en-IN',
        },
      },
    });
    expect(readStripeEvent(detail('customer-updated.json'))).toMatchObject({
      change: {
        customer: { email: 'asha@rao.example', locale: 'hi-IN' },
        version: { updatedAt: 1774300000 * 1000 },
      },
    });
  });

  it('ignores failed and uncaptured charges; refuses other event types and malformed events', () => {
    const event = detail('charge-succeeded.json') as { data: { object: Record<string, unknown> } };
    const failed = { ...event, data: { object: { ...event.data.object, status: 'failed' } } };
    expect(readStripeEvent(failed)).toMatchObject({ ok: true, change: { kind: 'ignored' } });
    expect(readStripeEvent({ ...event, type: 'invoice.paid' })).toMatchObject({
      ok: false,
      reason: expect.stringMatching(/invoice.paid/),
    });
    expect(
      readStripeEvent({ ...event, data: { object: { ...event.data.object, amount: -1 } } }),
    ).toMatchObject({ ok: false, reason: expect.stringMatching(/amount/) });
  });

  it('refuses a charge whose created time is no date (the fuzz test found a RangeError)', () => {
    const event = detail('charge-succeeded.json') as { data: { object: Record<string, unknown> } };
    const farFuture = {
      ...event,
      data: { object: { ...event.data.object, created: 8_640_000_000_000.001 } },
    };
    expect(readStripeEvent(farFuture)).toMatchObject({ ok: false, reason: expect.stringMatching(/created/) });
  });
});
