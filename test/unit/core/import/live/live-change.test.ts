import { describe, expect, it } from 'vitest';
import type { CustomerView } from '../../../../../functions/core/domain/customer-view.ts';
import { applyLiveChange } from '../../../../../functions/core/import/live/live-change.ts';
import { MemoryForgotten } from '../../../../support/memory-forgotten.ts';
import { MemoryIngestStore } from '../../../../support/memory-ingest-store.ts';

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
