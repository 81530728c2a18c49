import { describe } from 'vitest';
import { contactStatusStoreContract } from '../../support/contracts/contact-status-store-contract.ts';
import { MemoryContactStatusStore } from '../../support/memory-contact-status-store.ts';

describe('the in-memory ContactStatusStore keeps the port’s promises', () => {
  const store = new MemoryContactStatusStore();
  contactStatusStoreContract(
    () => store,
    (name) => `memory-${name}`,
    async (customerId, email) => {
      store.emails.set(email, [...(store.emails.get(email) ?? []), customerId]);
    },
  );
});
