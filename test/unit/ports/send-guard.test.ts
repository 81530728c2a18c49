import { describe, expect, it } from 'vitest';
import { sendGuardContract } from '../../support/contracts/send-guard-contract.ts';
import { MemoryContactStatusStore } from '../../support/memory-contact-status-store.ts';
import { MemoryForgotten } from '../../support/memory-forgotten.ts';
import { MemorySendGuard } from '../../support/memory-send-guard.ts';
import { MemorySequencePauses } from '../../support/memory-sequence-pauses.ts';

describe('the in-memory SendGuardReader keeps the port’s promises', () => {
  const contacts = new MemoryContactStatusStore();
  const pauses = new MemorySequencePauses();
  const forgotten = new MemoryForgotten();
  const guard = new MemorySendGuard({ contacts, pauses, forgotten });
  sendGuardContract(
    () => ({ guard, contacts, pauses }),
    (name) => `memory-${name}`,
  );

  it('reads a forgotten address as suppressed by hand, as its tombstone does', async () => {
    forgotten.emails.add('gone@example.com');
    forgotten.erasedAt.set('gone@example.com', 7);
    expect(await guard.sendGuard('Gone@example.com', 'any')).toEqual({
      suppression: { reason: 'manual', at: 7 },
    });
  });
});
