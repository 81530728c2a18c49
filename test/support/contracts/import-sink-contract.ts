import { expect, it } from 'vitest';
import type { Customer, Incident, Order } from '../../../functions/core/customers/model.ts';
import type { ImportSink, SegmentationStore } from '../../../functions/ports/segmentation-store.ts';

/** What a sink holds of one customer, however it is read back. */
export interface StoredCustomer {
  readonly customer?: Customer;
  readonly orders: readonly Order[];
  readonly incidents: readonly Incident[];
}

/** Rows in a stable order: the sink promises what it keeps, not in which order. */
const sorted = <T>(rows: readonly T[]): T[] =>
  [...rows].sort((a, b) => JSON.stringify(a).localeCompare(JSON.stringify(b)));

/**
 * What every ImportSink with live incidents promises (the import's puts and `recordIncident`), for
 * the in-memory fake (unit) and DynamoDB (integ) alike. `read(customerId)` gives what it holds of one
 * customer; `unique(name)` a name no other test uses.
 */
export function importSinkContract(
  sink: () => ImportSink & Pick<SegmentationStore, 'recordIncident'>,
  read: (customerId: string) => Promise<StoredCustomer>,
  unique: (name: string) => string,
): void {
  it('keeps one of each id: a re-import replaces the customer, the order and the incident', async () => {
    const customerId = unique('reimport');
    const customer = { customerId, email: `${customerId}@example.com`, firstName: 'Asha', locale: 'en' };
    await sink().putCustomers([{ ...customer, consent: 'unknown' }]);
    await sink().putCustomers([{ ...customer, consent: 'granted' }]);
    // An order exported once with a date and once with a date-time is one order.
    await sink().putOrders([
      { orderId: 'o1', customerId, placedAt: '2026-11-02T00:00:00.000Z', amount: 30 },
      { orderId: 'o2', customerId, placedAt: '2026-11-03T00:00:00.000Z', amount: 12, currency: 'EUR' },
    ]);
    await sink().putOrders([
      { orderId: 'o1', customerId, placedAt: '2026-11-02T14:30:00.000Z', amount: 30, status: 'refunded' },
    ]);
    const incident: Incident = {
      incidentId: 'i1',
      customerId,
      kind: 'damaged',
      occurredAt: '2026-11-04T00:00:00.000Z',
      ticketOpen: true,
    };
    // A batch holding one id twice keeps the last, as writing them in turn would.
    await sink().putIncidents([
      incident,
      { ...incident, ticketOpen: false, resolvedAt: '2026-11-05T00:00:00.000Z' },
    ]);

    const stored = await read(customerId);
    expect(stored.customer).toEqual({ ...customer, consent: 'granted' });
    expect(sorted(stored.orders)).toEqual([
      { orderId: 'o1', customerId, placedAt: '2026-11-02T14:30:00.000Z', amount: 30, status: 'refunded' },
      { orderId: 'o2', customerId, placedAt: '2026-11-03T00:00:00.000Z', amount: 12, currency: 'EUR' },
    ]);
    expect(stored.incidents).toEqual([
      { ...incident, ticketOpen: false, resolvedAt: '2026-11-05T00:00:00.000Z' },
    ]);
  });

  it('never lets a late "opened" undo a resolution, and updates a resolved incident', async () => {
    const customerId = unique('live-incident');
    await sink().putCustomers([
      { customerId, email: `${customerId}@example.com`, firstName: '', locale: 'en', consent: 'granted' },
    ]);
    const opened: Incident = {
      incidentId: 't1',
      customerId,
      kind: 'late',
      occurredAt: '2026-11-04T08:00:00.000Z',
      ticketOpen: true,
    };
    const resolved = { ...opened, ticketOpen: false, resolvedAt: '2026-11-04T12:00:00.000Z' };
    expect(await sink().recordIncident(opened)).toBe('written');
    expect(await sink().recordIncident(resolved)).toBe('written');
    expect(await sink().recordIncident(opened)).toBe('kept-resolved');
    expect((await read(customerId)).incidents).toEqual([resolved]);

    const noted = { ...resolved, resolution: 'A replacement was sent.' };
    expect(await sink().recordIncident(noted)).toBe('written');
    expect((await read(customerId)).incidents).toEqual([noted]);
  });
}

/**
 * What every store of live orders promises (`recordOrder`, `recordRefund`), for the in-memory fake
 * (unit) and DynamoDB (integ) alike: events out of order never undo a newer state, a redelivery
 * writes the same again, a refund counts once, and an import's put is as it always was.
 */
export function liveOrderContract(
  sink: () => ImportSink & Pick<SegmentationStore, 'recordOrder' | 'recordRefund'>,
  read: (customerId: string) => Promise<StoredCustomer>,
  unique: (name: string) => string,
): void {
  const time = (iso: string) => Date.parse(iso);
  const customer = (customerId: string): Customer => ({
    customerId,
    email: `${customerId}@example.com`,
    firstName: 'Asha',
    locale: 'en',
    consent: 'granted',
  });
  const placed = (customerId: string): Order => ({
    orderId: '1005',
    customerId,
    placedAt: '2026-03-20T11:02:44.000Z',
    amount: 80,
    status: 'paid',
    currency: 'EUR',
  });

  it('writes a live order only over an older or equal version, and says which one it keeps', async () => {
    const customerId = unique('live-order');
    await sink().putCustomers([customer(customerId)]);
    const paid = placed(customerId);
    const refunded: Order = { ...paid, status: 'refunded', refundedAmount: 80 };
    // An import's order has no version: the first live event replaces it.
    await sink().putOrders([{ ...paid, amount: 79 }]);
    expect(await sink().recordOrder({ order: refunded, updatedAt: time('2026-03-24T15:40:10Z') })).toEqual({
      written: true,
    });
    expect(await sink().recordOrder({ order: paid, updatedAt: time('2026-03-20T11:02:45Z') })).toEqual({
      written: false,
      storedUpdatedAt: time('2026-03-24T15:40:10Z'),
    });
    expect((await read(customerId)).orders).toEqual([refunded]);
    // The same version again is a redelivery: written, the same order.
    expect(await sink().recordOrder({ order: refunded, updatedAt: time('2026-03-24T15:40:10Z') })).toEqual({
      written: true,
    });
    // An import replaces the order as it always did, version and all.
    await sink().putOrders([paid]);
    expect(await sink().recordOrder({ order: paid, updatedAt: time('2026-03-01T00:00:00Z') })).toEqual({
      written: true,
    });
    expect((await read(customerId)).orders).toEqual([paid]);
  });

  it('counts a Shopify refund once on the live order with its id, concurrent refunds both', async () => {
    const customerId = unique('live-refund');
    await sink().putCustomers([customer(customerId)]);
    const shopifyOrderId = unique('5861712773322');
    const refund = (refundId: string, amount: number) => ({
      shopifyOrderId,
      refundId,
      amount,
      at: time('2026-03-24T15:40:09Z'),
    });
    await sink().recordOrder({
      order: placed(customerId),
      updatedAt: time('2026-03-20T11:02:45Z'),
      shopifyOrderId,
      refundIds: [],
    });
    expect(await sink().recordRefund(refund('r1', 10))).toBe('written');
    expect(await sink().recordRefund(refund('r1', 10))).toBe('already-recorded');
    expect(
      await Promise.all([sink().recordRefund(refund('r2', 20)), sink().recordRefund(refund('r3', 5))]),
    ).toEqual(['written', 'written']);
    expect((await read(customerId)).orders).toEqual([
      { ...placed(customerId), status: 'partially_refunded', refundedAmount: 35 },
    ]);
    // The refund's time is the order's version now: an update from before it is skipped.
    expect(
      await sink().recordOrder({
        order: placed(customerId),
        updatedAt: time('2026-03-21T00:00:00Z'),
        shopifyOrderId,
      }),
    ).toEqual({ written: false, storedUpdatedAt: time('2026-03-24T15:40:09Z') });
    // An imported order holds no Shopify id: a refund cannot find it.
    await sink().putOrders([placed(customerId)]);
    expect(await sink().recordRefund(refund('r4', 10))).toBe('unknown-order');
  });

  it('holds refunds that come before their order and counts each once when the order comes', async () => {
    const customerId = unique('refund-first');
    await sink().putCustomers([customer(customerId)]);
    const shopifyOrderId = unique('5861712773401');
    const refund = (refundId: string, amount: number) => ({
      shopifyOrderId,
      refundId,
      amount,
      at: time('2026-03-24T15:40:09Z'),
    });
    const order = {
      order: placed(customerId),
      updatedAt: time('2026-03-20T11:02:45Z'),
      shopifyOrderId,
      refundIds: [],
    };
    expect(await sink().recordRefund(refund('r1', 10))).toBe('held');
    // Shopify's retry of the refund before the order: still held, still one refund.
    expect(await sink().recordRefund(refund('r1', 10))).toBe('held');
    expect(await sink().recordRefund(refund('r2', 5))).toBe('held');
    expect((await read(customerId)).orders).toEqual([]);

    expect(await sink().recordOrder(order)).toEqual({ written: true });
    const refunded = [{ ...placed(customerId), status: 'partially_refunded', refundedAmount: 15 }];
    expect((await read(customerId)).orders).toEqual(refunded);
    // Redelivered, the refund and the order change nothing: the refunds' time is the order's version.
    expect(await sink().recordRefund(refund('r1', 10))).toBe('already-recorded');
    expect(await sink().recordOrder(order)).toEqual({
      written: false,
      storedUpdatedAt: time('2026-03-24T15:40:09Z'),
    });
    expect((await read(customerId)).orders).toEqual(refunded);
  });

  it('counts a refund delivered with its order once, whichever lands first', async () => {
    const customerId = unique('refund-race');
    await sink().putCustomers([customer(customerId)]);
    const orderIds = ['2001', '2002', '2003', '2004'];
    const shopifyOrderId = (orderId: string) => unique(`58617127${orderId}`);
    const deliver = (orderId: string) => [
      sink().recordRefund({
        shopifyOrderId: shopifyOrderId(orderId),
        refundId: `r-${orderId}`,
        amount: 30,
        at: time('2026-03-24T15:40:09Z'),
      }),
      sink().recordOrder({
        order: { ...placed(customerId), orderId },
        updatedAt: time('2026-03-20T11:02:45Z'),
        shopifyOrderId: shopifyOrderId(orderId),
        refundIds: [],
      }),
    ];
    // Each pair at once: the refund may read no order, then find it written before it can wait.
    await Promise.all(orderIds.flatMap(deliver));
    const counted = orderIds.map((orderId) => ({
      ...placed(customerId),
      orderId,
      status: 'partially_refunded',
      refundedAmount: 30,
    }));
    expect(sorted((await read(customerId)).orders)).toEqual(sorted(counted));
    // Both again, at once: a redelivery counts nothing twice.
    await Promise.all(orderIds.flatMap(deliver));
    expect(sorted((await read(customerId)).orders)).toEqual(sorted(counted));
  });
}

/**
 * What every store of live customers promises (`recordCustomer`), for the in-memory fake (unit) and
 * DynamoDB (integ) alike: a late, older update never brings back a consent withdrawn since, a
 * redelivery writes the same again, and an import's put is as it always was.
 */
export function liveCustomerContract(
  sink: () => ImportSink & Pick<SegmentationStore, 'recordCustomer'>,
  read: (customerId: string) => Promise<StoredCustomer>,
  unique: (name: string) => string,
): void {
  const time = (iso: string) => Date.parse(iso);

  it('writes a live customer only over an older or equal version: a withdrawn consent stays withdrawn', async () => {
    const customerId = unique('live-customer');
    const granted: Customer = {
      customerId,
      email: `${customerId}@example.com`,
      firstName: 'Lena',
      locale: 'en',
      consent: 'granted',
    };
    const withdrawn: Customer = { ...granted, consent: 'withdrawn' };
    // An import's customer has no version: the first live event replaces it.
    await sink().putCustomers([{ ...granted, firstName: 'L.' }]);
    expect(
      await sink().recordCustomer({ customer: withdrawn, updatedAt: time('2026-04-02T08:00:00Z') }),
    ).toEqual({ written: true });
    expect(
      await sink().recordCustomer({ customer: granted, updatedAt: time('2026-03-22T17:30:00Z') }),
    ).toEqual({
      written: false,
      storedUpdatedAt: time('2026-04-02T08:00:00Z'),
    });
    expect((await read(customerId)).customer).toEqual(withdrawn);
    // The same version again is a redelivery: written, the same customer.
    expect(
      await sink().recordCustomer({ customer: withdrawn, updatedAt: time('2026-04-02T08:00:00Z') }),
    ).toEqual({ written: true });
    expect((await read(customerId)).customer).toEqual(withdrawn);
    // An import replaces the customer as it always did, version and all.
    await sink().putCustomers([granted]);
    expect(
      await sink().recordCustomer({ customer: withdrawn, updatedAt: time('2026-03-01T00:00:00Z') }),
    ).toEqual({ written: true });
    expect((await read(customerId)).customer).toEqual(withdrawn);
  });
}
