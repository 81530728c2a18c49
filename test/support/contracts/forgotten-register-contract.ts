import { expect, it } from 'vitest';
import type { ForgottenRegister } from '../../../functions/ports/privacy-store.ts';

const at = Date.parse('2026-11-24T06:00:00Z');

/**
 * What every ForgottenRegister promises about the people erased on request, for the in-memory fake
 * (unit) and DynamoDB (integ) alike. `forget(email, customerIds)` erases an address whose profiles
 * are those customers; `unique(name)` gives a name no other test uses.
 */
export function forgottenRegisterContract(
  register: () => ForgottenRegister,
  forget: (email: string, customerIds: readonly string[], at: number) => Promise<void>,
  unique: (name: string) => string,
): void {
  it('answers nothing forgotten before an erasure, and nothing for an empty question', async () => {
    const email = `${unique('kept')}@example.com`;
    expect(await register().forgotten({ customerIds: [unique('kept')], emails: [email] })).toEqual({
      customerIds: new Set(),
      emails: new Set(),
    });
    expect(await register().forgotten({})).toEqual({ customerIds: new Set(), emails: new Set() });
  });

  it('names the erased ids and addresses among those asked, as they were asked, whatever the case', async () => {
    const email = `${unique('gone')}@example.com`;
    const [first, second, other] = [unique('gone-a'), unique('gone-b'), unique('other')];
    await forget(email, [first, second], at);
    const mixed = email.toUpperCase();
    expect(
      await register().forgotten({
        customerIds: [first, other, second],
        emails: [mixed, email, `${unique('other')}@example.com`],
      }),
    ).toEqual({ customerIds: new Set([first, second]), emails: new Set([mixed, email]) });
  });

  it('compares customer ids exactly: an id is not its upper-case twin', async () => {
    const customerId = unique('exact-id');
    await forget(`${customerId}@example.com`, [customerId], at);
    expect(await register().forgotten({ customerIds: [customerId.toUpperCase()] })).toEqual({
      customerIds: new Set(),
      emails: new Set(),
    });
  });

  it('answers a question of more than a hundred people (one BatchGetItem’s keys) whole', async () => {
    const email = `${unique('many')}@example.com`;
    const customerId = unique('many');
    await forget(email, [customerId], at);
    const strangers = Array.from({ length: 150 }, (_, index) => unique(`stranger-${index}`));
    expect(
      await register().forgotten({
        customerIds: [...strangers, customerId],
        emails: [...strangers.map((id) => `${id}@example.com`), email],
      }),
    ).toEqual({ customerIds: new Set([customerId]), emails: new Set([email]) });
  });
}
