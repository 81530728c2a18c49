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
