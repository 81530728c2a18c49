import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { type LinkClaims, signLink, verifyLink } from '../../../../functions/core/domain/links.ts';

const claimsArbitrary = fc.record({
  customerId: fc.string({ minLength: 1, maxLength: 40 }),
  enrolmentId: fc.string({ minLength: 1, maxLength: 60 }),
  stepIndex: fc.nat({ max: 20 }),
  purpose: fc.constantFrom<LinkClaims['purpose']>('unsubscribe', 'reply'),
});

describe('token forgery', () => {
  it('round-trips any genuine claims', () => {
    fc.assert(
      fc.property(claimsArbitrary, (claims) => {
        expect(verifyLink(signLink(claims, 'k'), 'k')).toEqual(claims);
      }),
    );
  });

  it('refuses every single-character change of a genuine token', () => {
    fc.assert(
      fc.property(
        claimsArbitrary,
        fc.nat(),
        fc.constantFrom('A', 'b', '-', '_', '0', '.'),
        (claims, position, char) => {
          const token = signLink(claims, 'k');
          const index = position % token.length;
          fc.pre(token[index] !== char);
          const altered = `${token.slice(0, index)}${char}${token.slice(index + 1)}`;
          const verified = verifyLink(altered, 'k');
          // base64url's last character may carry unused bits; a change there can decode to the same bytes.
          if (verified !== undefined) expect(verified).toEqual(claims);
        },
      ),
    );
  });

  it('refuses tokens made with another key, and arbitrary strings', () => {
    fc.assert(
      fc.property(claimsArbitrary, fc.string(), (claims, junk) => {
        expect(verifyLink(signLink(claims, 'attacker-key'), 'k')).toBeUndefined();
        expect(verifyLink(junk, 'k')).toBeUndefined();
      }),
    );
  });

  it('does not let an unsubscribe token pass as a reply token or the other way round', () => {
    const claims = { customerId: 'c', enrolmentId: 'e', stepIndex: 0 };
    expect(verifyLink(signLink({ ...claims, purpose: 'unsubscribe' }, 'k'), 'k')?.purpose).toBe(
      'unsubscribe',
    );
    expect(verifyLink(signLink({ ...claims, purpose: 'reply' }, 'k'), 'k')?.purpose).toBe('reply');
  });
});
