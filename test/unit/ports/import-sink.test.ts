import { describe } from 'vitest';
import {
  importSinkContract,
  liveCustomerContract,
  liveOrderContract,
} from '../../support/contracts/import-sink-contract.ts';
import { MemoryIngestStore } from '../../support/memory-ingest-store.ts';

describe('the in-memory ImportSink with live incidents, customers and orders keeps the port’s promises', () => {
  const store = new MemoryIngestStore();
  const read = async (customerId: string) => ({
    ...(store.customers.has(customerId) ? { customer: store.customers.get(customerId) } : {}),
    orders: [...store.orders.values()].filter((order) => order.customerId === customerId),
    incidents: [...store.incidents.values()].filter((incident) => incident.customerId === customerId),
  });
  importSinkContract(
    () => store,
    read,
    (name) => `memory-${name}`,
  );
  liveOrderContract(
    () => store,
    read,
    (name) => `memory-${name}`,
  );
  liveCustomerContract(
    () => store,
    read,
    (name) => `memory-${name}`,
  );
});
