import { describe } from 'vitest';
import { sequencePausesContract } from '../../support/contracts/sequence-pauses-contract.ts';
import { MemorySequencePauses } from '../../support/memory-sequence-pauses.ts';

describe('the in-memory SequencePauses keep the port’s promises', () => {
  const pauses = new MemorySequencePauses();
  sequencePausesContract(
    () => pauses,
    (name) => `memory-${name}`,
  );
});
