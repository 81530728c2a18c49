import { expect, it } from 'vitest';
import type { ContactStatusStore } from '../../../functions/ports/contact-status-store.ts';

const at = Date.parse('2026-11-24T06:00:00Z');

/**
 * What every ContactStatusStore promises, for the in-memory fake (unit) and DynamoDB (integ) alike.
 * `unique(name)` gives a name no other test uses; `addProfile` stores a customer with that email.
 */
export function contactStatusStoreContract(
  store: () => ContactStatusStore,
  unique: (name: string) => string,
  addProfile: (customerId: string, email: string) => Promise<void>,
): void {
  it('finds the customers whose profile has an address, whatever its case, each once', async () => {
    const email = `${unique('lookup')}@example.com`;
    await addProfile(unique('lookup-a'), email);
    await addProfile(unique('lookup-b'), email);
    // Imported again: still one customer.
    await addProfile(unique('lookup-a'), email);
    expect((await store().customersByEmail(email.toUpperCase())).sort()).toEqual(
      [unique('lookup-a'), unique('lookup-b')].sort(),
    );
    expect(await store().customersByEmail(`${unique('nobody')}@example.com`)).toEqual([]);
  });

  it('keeps an address’s first suppression: a later bounce does not rewrite a complaint', async () => {
    const email = `${unique('suppress')}@example.com`;
    expect(await store().suppressionOf(email)).toBeUndefined();
    await store().suppress(email, [unique('suppress')], 'complaint', at);
    await store().suppress(email.toUpperCase(), [unique('suppress')], 'hard-bounce', at + 1_000);
    expect(await store().suppressionOf(email)).toEqual({ reason: 'complaint', at });
  });

  it('keeps the first unsubscribe’s time and returns it to every repeat', async () => {
    const customerId = unique('unsubscribe');
    expect(await store().unsubscribe(customerId, at)).toBe(at);
    expect(await store().unsubscribe(customerId, at + 5_000)).toBe(at);
  });

  it('pauses a customer without unsubscribing them', async () => {
    const customerId = unique('pause');
    await store().pauseContact(customerId, at + 86_400_000, at);
    expect(await store().unsubscribe(customerId, at + 1_000)).toBe(at + 1_000);
  });
}
