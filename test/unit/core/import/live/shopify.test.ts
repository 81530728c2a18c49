import { describe, expect, it } from 'vitest';
import {
  readShopifyEvent,
  readShopifyWebhook,
  verifyShopifyWebhook,
} from '../../../../../functions/core/import/live/shopify.ts';
import { hmacBase64 } from '../../../../../functions/core/import/live/signatures.ts';
import { fixture, fixtureBytes } from './fixtures.ts';

const secret = 'shpss_test_0123456789abcdef';

describe('Shopify webhook signatures', () => {
  const body = fixtureBytes('shopify', 'orders-create.json');
  const signed = { 'x-shopify-hmac-sha256': hmacBase64(secret, body) };

  it('accepts the HMAC of the raw body under the app secret, whatever the header case', () => {
    expect(verifyShopifyWebhook(signed, body, secret)).toEqual({ ok: true });
    expect(
      verifyShopifyWebhook({ 'X-Shopify-Hmac-Sha256': signed['x-shopify-hmac-sha256'] }, body, secret).ok,
    ).toBe(true);
  });

  it('refuses an altered body, another secret and an unsigned request, saying which', () => {
    const altered = Buffer.from(body.toString('utf8').replace('"80.00"', '"0.80"'));
    expect(verifyShopifyWebhook(signed, altered, secret)).toMatchObject({
      ok: false,
      status: 401,
      reason: expect.stringMatching(/does not match the body/),
    });
    expect(verifyShopifyWebhook(signed, body, 'another-secret').ok).toBe(false);
    expect(verifyShopifyWebhook({}, body, secret)).toMatchObject({
      ok: false,
      reason: expect.stringMatching(/no X-Shopify-Hmac-Sha256/),
    });
    // The same JSON serialized again is not the signed body.
    const reserialized = Buffer.from(JSON.stringify(JSON.parse(body.toString('utf8'))));
    expect(verifyShopifyWebhook(signed, reserialized, secret).ok).toBe(false);
  });
});

describe('Shopify webhook payloads', () => {
  it('orders/create: the order keyed by its name and the lower-cased email, as the export is', () => {
    const parsed = readShopifyWebhook('orders/create', fixture('shopify', 'orders-create.json'));
    expect(parsed).toEqual({
      ok: true,
      id: '1005',
      change: {
        kind: 'order',
        order: {
          orderId: '1005',
          customerId: 'asha.rao@example.com',
          placedAt: '2026-03-20T11:02:44.000Z',
          amount: 80,
          status: 'paid',
          currency: 'EUR',
        },
        // Its version: updated_at, and Shopify's numeric id, by which refunds/create names it.
        version: {
          updatedAt: Date.parse('2026-03-20T11:02:45Z'),
          shopifyOrderId: '5861712773322',
          refundIds: [],
        },
      },
    });
  });

  it('orders/updated lists the refunds it counts, so refunds/create does not count one again', () => {
    expect(readShopifyWebhook('orders/updated', fixture('shopify', 'orders-updated.json'))).toMatchObject({
      change: {
        version: {
          updatedAt: Date.parse('2026-03-24T15:40:10Z'),
          shopifyOrderId: '5861712773322',
          refundIds: ['929361462'],
        },
      },
    });
  });

  it('an order without updated_at has no version; an updated_at that is no date is refused', () => {
    const { updated_at: _, ...unversioned } = fixture('shopify', 'orders-create.json') as Record<
      string,
      unknown
    >;
    const parsed = readShopifyWebhook('orders/create', unversioned);
    expect(parsed.ok && parsed.change.kind === 'order' && parsed.change.version).toBe(undefined);
    expect(readShopifyWebhook('orders/create', { ...unversioned, updated_at: 'yesterday' })).toMatchObject({
      ok: false,
      reason: expect.stringMatching(/updated_at/),
    });
  });

  it('orders/updated after a refund: partially refunded, with what went back; cancelled and refunded: refunded', () => {
    const updated = readShopifyWebhook('orders/updated', fixture('shopify', 'orders-updated.json'));
    expect(updated).toMatchObject({
      ok: true,
      change: { order: { status: 'partially_refunded', refundedAmount: 40, amount: 80 } },
    });
    const cancelled = readShopifyWebhook('orders/cancelled', fixture('shopify', 'orders-cancelled.json'));
    expect(cancelled).toMatchObject({
      ok: true,
      change: { order: { orderId: '1005', status: 'refunded', refundedAmount: 80 } },
    });
  });

  it('a cancelled order that was never refunded is cancelled', () => {
    const payload = {
      ...(fixture('shopify', 'orders-create.json') as object),
      cancelled_at: '2026-03-21T08:00:00+00:00',
    };
    expect(readShopifyWebhook('orders/cancelled', payload)).toMatchObject({
      change: { order: { status: 'cancelled' } },
    });
  });

  it('customers: consent from email_marketing_consent, keyed by email', () => {
    expect(readShopifyWebhook('customers/create', fixture('shopify', 'customers-create.json'))).toMatchObject(
      {
        ok: true,
        change: {
          kind: 'customer',
          customer: { customerId: 'lena.fischer@example.com', firstName: 'Lena', consent: 'granted' },
        },
      },
    );
    expect(readShopifyWebhook('customers/update', fixture('shopify', 'customers-update.json'))).toMatchObject(
      {
        change: {
          customer: { consent: 'withdrawn' },
          version: { updatedAt: Date.parse('2026-04-02T08:00:00Z') },
        },
      },
    );
  });

  it('customers without updated_at carry no version and are put as they are', () => {
    const { updated_at: _, ...payload } = fixture('shopify', 'customers-update.json') as Record<
      string,
      unknown
    >;
    const parsed = readShopifyWebhook('customers/update', payload);
    expect(parsed).toMatchObject({
      ok: true,
      change: { kind: 'customer', customer: { consent: 'withdrawn' } },
    });
    expect(parsed.ok && parsed.change).not.toHaveProperty('version');
  });

  it('privacy topics: redact erases by email, data_request asks for an answer, shop/redact is recorded', () => {
    expect(readShopifyWebhook('customers/redact', fixture('shopify', 'customers-redact.json'))).toMatchObject(
      {
        change: { kind: 'erase', email: 'marco.rossi@example.com' },
      },
    );
    expect(
      readShopifyWebhook('customers/data_request', fixture('shopify', 'customers-data_request.json')),
    ).toMatchObject({
      id: '9999',
      change: {
        kind: 'data-request',
        requestId: '9999',
        customerId: 'asha.rao@example.com',
        source: 'shopify',
      },
    });
    expect(readShopifyWebhook('shop/redact', fixture('shopify', 'shop-redact.json'))).toMatchObject({
      change: { kind: 'shop-redact', shop: 'northwind-records.myshopify.com' },
    });
  });

  it('refunds/create: the refund of the order with that Shopify id, its successful refund transactions summed', () => {
    expect(readShopifyWebhook('refunds/create', fixture('shopify', 'refunds-create.json'))).toEqual({
      ok: true,
      id: '929361462',
      change: {
        kind: 'refund',
        refund: {
          shopifyOrderId: '5861712773322',
          refundId: '929361462',
          amount: 40,
          at: Date.parse('2026-03-24T15:40:09Z'),
        },
      },
    });
    const failed = {
      ...(fixture('shopify', 'refunds-create.json') as object),
      transactions: [{ kind: 'refund', status: 'failure', amount: '40.00' }],
    };
    expect(readShopifyWebhook('refunds/create', failed)).toMatchObject({ change: { refund: { amount: 0 } } });
  });

  it('refuses an unknown topic and a payload missing what it must have, naming the field', () => {
    expect(readShopifyWebhook('products/create', {})).toMatchObject({
      ok: false,
      reason: expect.stringMatching(/not one Rekindle subscribes to/),
    });
    const { total_price: _, ...withoutTotal } = fixture('shopify', 'orders-create.json') as Record<
      string,
      unknown
    >;
    expect(readShopifyWebhook('orders/create', withoutTotal)).toMatchObject({
      ok: false,
      reason: expect.stringMatching(/total_price/),
    });
  });

  it('reads the EventBridge delivery: the topic from detail.metadata, the payload from detail.payload', () => {
    const event = fixture('shopify', 'eventbridge-orders-create.json') as { detail: unknown };
    expect(readShopifyEvent(event.detail)).toMatchObject({
      ok: true,
      change: { kind: 'order', order: { orderId: '1005' } },
    });
    expect(readShopifyEvent({ payload: {} })).toMatchObject({ ok: false });
  });
});
