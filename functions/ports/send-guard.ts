import type { Suppression } from './contact-status-store.ts';
import type { SequencePause } from './sequence-pauses.ts';

/** Why a send may not go ahead although the customer's own items allow it. */
export interface SendGuard {
  readonly suppression?: Suppression;
  readonly pause?: SequencePause;
}

/**
 * What the sender checks outside the customer's partition before each send, in one read: the
 * address's suppression (ContactStatusStore.suppressionOf, a forgotten address included) and the
 * sequence's pause (SequencePauses.sequencePause). It reads what those stores write, never writes.
 */
export interface SendGuardReader {
  sendGuard(email: string, sequenceId: string): Promise<SendGuard>;
}
