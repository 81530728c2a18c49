import { describe } from 'vitest';
import { forgottenRegisterContract } from '../../support/contracts/forgotten-register-contract.ts';
import { MemoryForgotten } from '../../support/memory-forgotten.ts';

describe('the in-memory ForgottenRegister keeps the port’s promises', () => {
  const register = new MemoryForgotten();
  forgottenRegisterContract(
    () => register,
    async (email, customerIds, at) => {
      register.emails.add(email.toLowerCase());
      register.erasedAt.set(email.toLowerCase(), at);
      for (const customerId of customerIds) register.customerIds.add(customerId);
    },
    (name) => `memory-${name}`,
  );
});
