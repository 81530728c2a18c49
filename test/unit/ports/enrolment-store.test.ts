import { describe } from 'vitest';
import { enrolmentStoreContract } from '../../support/contracts/enrolment-store-contract.ts';
import { MemoryEnrolmentStore } from '../../support/memory-enrolment-store.ts';

describe('the in-memory EnrolmentStore keeps the port’s promises', () => {
  const store = new MemoryEnrolmentStore();
  enrolmentStoreContract(
    () => store,
    (name) => `memory-${name}`,
  );
});
