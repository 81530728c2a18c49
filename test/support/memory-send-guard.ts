import { allSequences } from '../../functions/core/domain/pauses.ts';
import type { SendGuard, SendGuardReader } from '../../functions/ports/send-guard.ts';
import type { MemoryContactStatusStore } from './memory-contact-status-store.ts';
import type { MemoryForgotten } from './memory-forgotten.ts';
import type { MemorySequencePauses } from './memory-sequence-pauses.ts';

/**
 * The SendGuardReader over the in-memory stores it reads, as the DynamoDB one reads their items:
 * the address's suppression (a forgotten address reads as a manual one), the sequence's pause and the kill switch.
 */
export class MemorySendGuard implements SendGuardReader {
  readonly #contacts: MemoryContactStatusStore;
  readonly #pauses: MemorySequencePauses;
  readonly #forgotten: MemoryForgotten | undefined;

  constructor(stores: {
    contacts: MemoryContactStatusStore;
    pauses: MemorySequencePauses;
    forgotten?: MemoryForgotten;
  }) {
    this.#contacts = stores.contacts;
    this.#pauses = stores.pauses;
    this.#forgotten = stores.forgotten;
  }

  async sendGuard(email: string, sequenceId: string): Promise<SendGuard> {
    const suppression = (await this.#contacts.suppressionOf(email)) ?? this.#forgotten?.tombstoneOf(email);
    const everything = await this.#pauses.sequencePause(allSequences);
    const own = await this.#pauses.sequencePause(sequenceId);
    const pause =
      everything !== undefined
        ? { ...everything, sequenceId: allSequences }
        : own === undefined
          ? undefined
          : { ...own, sequenceId };
    return {
      ...(suppression === undefined ? {} : { suppression }),
      ...(pause === undefined ? {} : { pause }),
    };
  }
}
