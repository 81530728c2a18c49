import { describe } from 'vitest';
import { sendLedgerContract } from '../../support/contracts/send-ledger-contract.ts';
import { MemoryCustomerStore } from '../../support/memory-customer-store.ts';
import { MemoryEnrolmentStore } from '../../support/memory-enrolment-store.ts';

describe('the in-memory send ledger keeps the port’s promises', () => {
  const store = new MemoryCustomerStore(new MemoryEnrolmentStore());
  sendLedgerContract(
    () => store,
    (name) => `memory-${name}`,
  );
});
