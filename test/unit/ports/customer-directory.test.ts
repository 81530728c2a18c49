import { describe } from 'vitest';
import { customerDirectoryContract } from '../../support/contracts/customer-directory-contract.ts';
import { MemoryCustomerDirectory } from '../../support/memory-customer-directory.ts';

describe('the in-memory CustomerDirectory keeps the port’s promises', () => {
  const directory = new MemoryCustomerDirectory();
  customerDirectoryContract(
    () => directory,
    async (customerId, email) => void directory.profiles.set(customerId, email),
    (name) => `memory-${name}`,
  );
});
