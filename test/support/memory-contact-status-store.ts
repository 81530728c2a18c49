import type {
  ContactStatusStore,
  Suppression,
  SuppressionReason,
} from '../../functions/ports/contact-status-store.ts';

/** The ContactStatusStore in memory: addresses compared lower-cased, the first answer kept, as in DynamoDB. */
export class MemoryContactStatusStore implements ContactStatusStore {
  /** Customer ids by their profile's email (what the email index would find). */
  readonly emails = new Map<string, string[]>();
  readonly statuses = new Map<string, Record<string, unknown>>();
  /** By lower-cased address. */
  readonly suppressions = new Map<string, Suppression>();

  async customersByEmail(email: string): Promise<string[]> {
    const ids = [...this.emails].flatMap(([known, ids]) =>
      known.toLowerCase() === email.toLowerCase() ? ids : [],
    );
    return [...new Set(ids)];
  }

  async suppress(email: string, customerIds: readonly string[], reason: SuppressionReason, at: number) {
    const address = email.toLowerCase();
    if (!this.suppressions.has(address)) this.suppressions.set(address, { reason, at });
    for (const id of new Set(customerIds)) {
      const status = this.statuses.get(id) ?? {};
      status.suppressedAt ??= at;
      status.suppressionReason ??= reason;
      this.statuses.set(id, status);
    }
  }

  async suppressionOf(email: string): Promise<Suppression | undefined> {
    return this.suppressions.get(email.toLowerCase());
  }

  async unsubscribe(customerId: string, at: number): Promise<number> {
    const status = this.statuses.get(customerId) ?? {};
    status.unsubscribedAt ??= at;
    this.statuses.set(customerId, status);
    return typeof status.unsubscribedAt === 'number' ? status.unsubscribedAt : at;
  }

  async pauseContact(customerId: string, until: number, at: number): Promise<void> {
    this.statuses.set(customerId, { ...this.statuses.get(customerId), pausedUntil: until, pausedAt: at });
  }
}
