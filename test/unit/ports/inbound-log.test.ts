import { describe } from 'vitest';
import { inboundLogContract } from '../../support/contracts/inbound-log-contract.ts';
import { MemoryInboundLog } from '../../support/memory-inbound-log.ts';

describe('the in-memory InboundLog keeps the port’s promises', () => {
  const log = new MemoryInboundLog();
  inboundLogContract(
    () => log,
    async (day) => log.recordsOn(day),
    (name) => `memory-${name}`,
  );
});
