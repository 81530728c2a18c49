import type { Suppression } from '../../functions/ports/contact-status-store.ts';
import type { Forgotten, ForgottenRegister } from '../../functions/ports/privacy-store.ts';

/** The ForgottenRegister in memory: ids and (lower-cased) addresses erased on request. */
export class MemoryForgotten implements ForgottenRegister {
  readonly customerIds = new Set<string>();
  readonly emails = new Set<string>();
  /** When each address was erased, for its tombstone (0 when not given). */
  readonly erasedAt = new Map<string, number>();

  async forgotten(refs: { customerIds?: readonly string[]; emails?: readonly string[] }): Promise<Forgotten> {
    return {
      customerIds: new Set((refs.customerIds ?? []).filter((id) => this.customerIds.has(id))),
      emails: new Set((refs.emails ?? []).filter((email) => this.emails.has(email.toLowerCase()))),
    };
  }

  /** A forgotten address's tombstone, which reads as a manual suppression. */
  tombstoneOf(email: string): Suppression | undefined {
    const address = email.toLowerCase();
    return this.emails.has(address) ? { reason: 'manual', at: this.erasedAt.get(address) ?? 0 } : undefined;
  }
}
