import { expect, it } from 'vitest';
import { allSequences } from '../../../functions/core/domain/pauses.ts';
import type { ContactStatusStore } from '../../../functions/ports/contact-status-store.ts';
import type { SendGuardReader } from '../../../functions/ports/send-guard.ts';
import type { SequencePauses } from '../../../functions/ports/sequence-pauses.ts';

const at = Date.parse('2026-11-24T06:00:00Z');

/**
 * What every SendGuardReader promises over the stores whose items it reads, for the in-memory
 * fakes (unit) and DynamoDB (integ) alike.
 */
export function sendGuardContract(
  stores: () => {
    readonly guard: SendGuardReader;
    readonly contacts: ContactStatusStore;
    readonly pauses: SequencePauses;
  },
  unique: (name: string) => string,
): void {
  it('lets a send go when neither the address is suppressed nor the sequence paused', async () => {
    expect(await stores().guard.sendGuard(`${unique('clear')}@example.com`, unique('clear'))).toEqual({});
  });

  it('reads the address’s suppression, whatever its case, and the sequence’s pause together', async () => {
    const email = `${unique('both')}@example.com`;
    const sequenceId = unique('both');
    await stores().contacts.suppress(email, [], 'hard-bounce', at);
    expect(await stores().guard.sendGuard(email.toUpperCase(), sequenceId)).toEqual({
      suppression: { reason: 'hard-bounce', at },
    });
    await stores().pauses.pauseSequence(sequenceId, 'complaints', at + 1_000);
    expect(await stores().guard.sendGuard(email, sequenceId)).toEqual({
      suppression: { reason: 'hard-bounce', at },
      pause: { reason: 'complaints', at: at + 1_000, sequenceId },
    });
    expect(await stores().guard.sendGuard(`${unique('other')}@example.com`, sequenceId)).toEqual({
      pause: { reason: 'complaints', at: at + 1_000, sequenceId },
    });
    await stores().pauses.resumeSequence(sequenceId);
    expect(await stores().guard.sendGuard(`${unique('other')}@example.com`, sequenceId)).toEqual({});
  });

  it('reads the kill switch with every sequence’s pause, and shows it when both hold', async () => {
    const sequenceId = unique('killed');
    await stores().pauses.pauseSequence(sequenceId, 'complaints', at);
    await stores().pauses.pauseSequence(allSequences, 'stop everything', at + 5_000);
    try {
      expect(await stores().guard.sendGuard(`${unique('any')}@example.com`, unique('any-sequence'))).toEqual({
        pause: { reason: 'stop everything', at: at + 5_000, sequenceId: allSequences },
      });
      expect(await stores().guard.sendGuard(`${unique('any')}@example.com`, sequenceId)).toEqual({
        pause: { reason: 'stop everything', at: at + 5_000, sequenceId: allSequences },
      });
    } finally {
      await stores().pauses.resumeSequence(allSequences);
    }
    expect(await stores().guard.sendGuard(`${unique('any')}@example.com`, sequenceId)).toEqual({
      pause: { reason: 'complaints', at, sequenceId },
    });
  });
}
