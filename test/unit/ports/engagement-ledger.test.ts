import { describe } from 'vitest';
import { engagementLedgerContract } from '../../support/contracts/engagement-ledger-contract.ts';
import { MemoryEngagementLedger } from '../../support/memory-engagement-ledger.ts';

describe('the in-memory EngagementLedger keeps the port’s promises', () => {
  const ledger = new MemoryEngagementLedger();
  engagementLedgerContract(
    () => ledger,
    (name) => `memory-${name}`,
  );
});
