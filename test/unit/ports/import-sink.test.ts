import { describe } from 'vitest';
import { importSinkContract } from '../../support/contracts/import-sink-contract.ts';
import { MemoryIngestStore } from '../../support/memory-ingest-store.ts';

describe('the in-memory ImportSink with live incidents keeps the port’s promises', () => {
  const store = new MemoryIngestStore();
  importSinkContract(
    () => store,
    async (customerId) => ({
      ...(store.customers.has(customerId) ? { customer: store.customers.get(customerId) } : {}),
      orders: [...store.orders.values()].filter((order) => order.customerId === customerId),
      incidents: [...store.incidents.values()].filter((incident) => incident.customerId === customerId),
    }),
    (name) => `memory-${name}`,
  );
});
