import { describe, expect, it } from 'vitest';
import type { CustomerView } from '../../../../../functions/core/domain/customer-view.ts';
import { applyLiveChange } from '../../../../../functions/core/import/live/live-change.ts';
import { readShopifyWebhook } from '../../../../../functions/core/import/live/shopify.ts';
import { MemoryForgotten } from '../../../../support/memory-forgotten.ts';
import { MemoryIngestStore } from '../../../../support/memory-ingest-store.ts';
import { fixture } from './fixtures.ts';

const viewOf = (customerId: string, email: string): CustomerView => ({
  customer: { customerId, email, firstName: 'Asha', locale: 'en', consent: 'unknown' },
  orders: [{ orderId: `o-${customerId}`, customerId, placedAt: '2026-03-20T11:02:44.000Z', amount: 80 }],
  enrolments: [],
  sends: [],
  incidents: [],
  engagement: [],
  status: {},
});

describe('a data request', () => {
  it('answers with every customer record that has the address, one per key', async () => {
    const written = new Map<string, string>();
    const views = new Map([
      ['asha.rao@example.com', viewOf('asha.rao@example.com', 'asha.rao@example.com')],
      ['cus_RtY2kq8ZpA1bCd', viewOf('cus_RtY2kq8ZpA1bCd', 'asha.rao@example.com')],
    ]);
    const outcome = await applyLiveChange(
      {
        kind: 'data-request',
        requestId: '9999',
        customerId: 'asha.rao@example.com',
        email: 'asha.rao@example.com',
        source: 'shopify',
      },
      {
        store: new MemoryIngestStore(),
        forgotten: new MemoryForgotten(),
        customers: { getCustomerView: async (id) => views.get(id) },
        directory: { customerIdsByEmail: async () => ['cus_RtY2kq8ZpA1bCd', 'asha.rao@example.com'] },
        dataRequests: { write: async (key, body) => void written.set(key, body) },
        now: () => Date.parse('2026-04-01T00:00:00Z'),
      },
    );
    expect(outcome).toEqual({
      result: 'answer written (2 customer record(s))',
      key: 'privacy/data-requests/shopify-9999.json',
    });
    const answer = JSON.parse(written.get(outcome.key ?? '') ?? '{}');
    expect(answer.found).toBe(true);
    expect(
      answer.customers.map((entry: { customer: { customerId: string } }) => entry.customer.customerId),
    ).toEqual(['asha.rao@example.com', 'cus_RtY2kq8ZpA1bCd']);
    expect(answer.request).toEqual({
      source: 'shopify',
      id: '9999',
      email: 'asha.rao@example.com',
      receivedAt: '2026-04-01T00:00:00.000Z',
    });
  });
});

describe('Shopify orders and refunds out of order', () => {
  const deps = (store: MemoryIngestStore) => ({
    store,
    forgotten: new MemoryForgotten(),
    now: () => Date.parse('2026-04-01T00:00:00Z'),
  });
  const change = (topic: string, name: string) => {
    const parsed = readShopifyWebhook(topic, fixture('shopify', name));
    if (!parsed.ok) throw new Error(parsed.reason);
    return parsed.change;
  };

  it('skips an orders/create that arrives after the orders/updated of a refund, saying so', async () => {
    const store = new MemoryIngestStore();
    expect(await applyLiveChange(change('orders/updated', 'orders-updated.json'), deps(store))).toEqual({
      result: 'written',
    });
    expect(await applyLiveChange(change('orders/create', 'orders-create.json'), deps(store))).toEqual({
      result:
        'skipped: older than the order held (updated 2026-03-20T11:02:45.000Z, held 2026-03-24T15:40:10.000Z)',
    });
    // The same update again is a redelivery: written, the same order.
    expect(await applyLiveChange(change('orders/updated', 'orders-updated.json'), deps(store))).toEqual({
      result: 'written',
    });
    expect([...store.orders.values()]).toMatchObject([{ status: 'partially_refunded', refundedAmount: 40 }]);
  });

  it('holds a refunds/create that comes before its order, and counts it when the order comes', async () => {
    const store = new MemoryIngestStore();
    const refund = change('refunds/create', 'refunds-create.json');
    expect(await applyLiveChange(refund, deps(store))).toEqual({
      result:
        'held: refund 929361462 waits for its order (Shopify id 5861712773322), which counts it when orders/create or orders/updated comes',
    });
    expect(await applyLiveChange(change('orders/create', 'orders-create.json'), deps(store))).toEqual({
      result: 'written',
    });
    expect([...store.orders.values()]).toMatchObject([{ status: 'partially_refunded', refundedAmount: 40 }]);
    expect(await applyLiveChange(refund, deps(store))).toEqual({
      result: 'skipped: the order already counts this refund',
    });
  });

  it('counts refunds/create on the order without orders/updated, once, and an older update cannot undo it', async () => {
    const store = new MemoryIngestStore();
    const refund = change('refunds/create', 'refunds-create.json');
    await applyLiveChange(change('orders/create', 'orders-create.json'), deps(store));
    expect(await applyLiveChange(refund, deps(store))).toEqual({ result: 'written' });
    expect(await applyLiveChange(refund, deps(store))).toEqual({
      result: 'skipped: the order already counts this refund',
    });
    expect([...store.orders.values()]).toMatchObject([{ status: 'partially_refunded', refundedAmount: 40 }]);
    // orders/create redelivered now is older than the refund.
    expect(
      (await applyLiveChange(change('orders/create', 'orders-create.json'), deps(store))).result,
    ).toMatch(/^skipped: older/);
    // The orders/updated Shopify sends with the refund lists it: written, not counted twice.
    await applyLiveChange(change('orders/updated', 'orders-updated.json'), deps(store));
    expect(await applyLiveChange(refund, deps(store))).toEqual({
      result: 'skipped: the order already counts this refund',
    });
    expect([...store.orders.values()]).toMatchObject([{ refundedAmount: 40 }]);
  });
});

describe('Shopify customers out of order', () => {
  const deps = (store: MemoryIngestStore) => ({
    store,
    forgotten: new MemoryForgotten(),
    now: () => Date.parse('2026-04-03T00:00:00Z'),
  });
  const change = (topic: string, name: string) => {
    const parsed = readShopifyWebhook(topic, fixture('shopify', name));
    if (!parsed.ok) throw new Error(parsed.reason);
    return parsed.change;
  };

  it('skips a customers/create that arrives after the customers/update withdrawing consent, saying so', async () => {
    const store = new MemoryIngestStore();
    expect(await applyLiveChange(change('customers/update', 'customers-update.json'), deps(store))).toEqual({
      result: 'written',
    });
    expect(await applyLiveChange(change('customers/create', 'customers-create.json'), deps(store))).toEqual({
      result:
        'skipped: older than the customer held (updated 2026-03-22T17:30:00.000Z, held 2026-04-02T08:00:00.000Z)',
    });
    // The same update again is a redelivery: written, the same customer.
    expect(await applyLiveChange(change('customers/update', 'customers-update.json'), deps(store))).toEqual({
      result: 'written',
    });
    expect([...store.customers.values()]).toMatchObject([
      { customerId: 'lena.fischer@example.com', consent: 'withdrawn' },
    ]);
  });

  it('writes customers in order: the update after the create withdraws consent', async () => {
    const store = new MemoryIngestStore();
    await applyLiveChange(change('customers/create', 'customers-create.json'), deps(store));
    expect([...store.customers.values()]).toMatchObject([{ consent: 'granted' }]);
    await applyLiveChange(change('customers/update', 'customers-update.json'), deps(store));
    expect([...store.customers.values()]).toMatchObject([{ consent: 'withdrawn' }]);
  });
});
