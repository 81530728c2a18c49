import { expect, it } from 'vitest';
import type { CustomerDirectory } from '../../../functions/ports/customer-directory.ts';

/**
 * What every CustomerDirectory promises, for the in-memory fake (unit) and DynamoDB (integ) alike.
 * `addProfile` stores a customer with that email; `unique(name)` gives a name no other test uses.
 */
export function customerDirectoryContract(
  directory: () => CustomerDirectory,
  addProfile: (customerId: string, email: string) => Promise<void>,
  unique: (name: string) => string,
): void {
  it('finds every customer with an address, whatever its case, each once', async () => {
    const email = `${unique('shared')}@example.com`;
    const [first, second] = [unique('shared-a'), unique('shared-b')];
    await addProfile(first, email);
    await addProfile(second, email.toUpperCase());
    // Imported again: still one customer.
    await addProfile(first, email);
    expect((await directory().customerIdsByEmail(email.toUpperCase())).sort()).toEqual(
      [first, second].sort(),
    );
  });

  it('finds nobody for an address no profile has', async () => {
    expect(await directory().customerIdsByEmail(`${unique('nobody')}@example.com`)).toEqual([]);
  });

  it('follows a customer whose address changed to the new one only', async () => {
    const customerId = unique('moved');
    const [before, after] = [`${unique('before')}@example.com`, `${unique('after')}@example.com`];
    await addProfile(customerId, before);
    await addProfile(customerId, after);
    expect(await directory().customerIdsByEmail(before)).toEqual([]);
    expect(await directory().customerIdsByEmail(after)).toEqual([customerId]);
  });
}
