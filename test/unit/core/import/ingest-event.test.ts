import { Logger } from '@aws-lambda-powertools/logger';
import { describe, expect, it } from 'vitest';
import { makeHandler } from '../../../../functions/handlers/ingest-event.ts';
import { MalformedEventError } from '../../../../functions/handlers/malformed-event.ts';
import { MemoryForgotten } from '../../../support/memory-forgotten.ts';
import { MemoryIngestStore } from '../../../support/memory-ingest-store.ts';
import { shopEvent } from '../../../support/shop-event.ts';

const setup = () => {
  const store = new MemoryIngestStore();
  const handle = makeHandler({
    store,
    forgotten: new MemoryForgotten(),
    logger: new Logger({ logLevel: 'SILENT' }),
  });
  return { store, handle };
};

describe('ingest-event', () => {
  it('writes orders and customer updates through the import schemas, idempotently', async () => {
    const { store, handle } = setup();
    const order = { orderId: 'o1', customerId: 'c1', placedAt: '2026-11-20', amount: '12.5' };
    await handle(shopEvent('order.placed', order));
    await handle(shopEvent('order.placed', order));
    expect([...store.orders.values()]).toEqual([
      { orderId: 'o1', customerId: 'c1', placedAt: '2026-11-20T00:00:00.000Z', amount: 12.5 },
    ]);
    await handle(
      shopEvent('customer.updated', { customerId: 'c1', email: 'A@Example.com', timeZone: 'Asia/Kolkata' }),
    );
    expect(store.customers.get('c1')).toMatchObject({
      email: 'a@example.com',
      locale: 'en',
      consent: 'unknown',
    });
  });

  it('never lets a late incident.opened undo incident.resolved', async () => {
    const { store, handle } = setup();
    const opened = {
      incidentId: 'i1',
      customerId: 'c1',
      kind: 'late',
      occurredAt: '2026-11-01',
      ticketOpen: true,
    };
    await expect(
      handle(
        shopEvent('incident.resolved', {
          ...opened,
          ticketOpen: false,
          resolvedAt: '2026-11-03',
          resolution: 'refunded',
        }),
      ),
    ).resolves.toMatchObject({ result: 'written' });
    await expect(handle(shopEvent('incident.opened', opened))).resolves.toMatchObject({
      result: 'kept-resolved',
    });
    expect(store.incidents.get('c1#i1')).toMatchObject({ resolution: 'refunded', ticketOpen: false });
  });

  it('refuses a malformed detail or an unknown type with a reason, so the event reaches the DLQ', async () => {
    const { store, handle } = setup();
    await expect(
      handle(shopEvent('order.placed', { orderId: 'o1', customerId: 'c1', placedAt: 'soon' })),
    ).rejects.toThrow(/order\.placed detail is invalid:[\s\S]*placedAt/);
    await expect(
      handle(
        shopEvent('incident.resolved', {
          incidentId: 'i1',
          customerId: 'c1',
          kind: 'late',
          occurredAt: '2026-11-01',
        }),
      ),
    ).rejects.toThrow(/resolvedAt/);
    await expect(handle(shopEvent('order.cancelled', {}))).rejects.toBeInstanceOf(MalformedEventError);
    expect(store.writes).toBe(0);
  });
});
