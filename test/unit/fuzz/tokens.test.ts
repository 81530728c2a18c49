import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  type LinkClaims,
  signLink,
  signReplyToken,
  verifyLink,
  verifyReplyToken,
} from '../../../functions/core/domain/links.ts';
import { hostileString } from './arbitraries.ts';

const key = 'link-signing-key';

const linkClaims = fc.record({
  customerId: fc.oneof(fc.string({ maxLength: 40 }), fc.string({ unit: 'grapheme', maxLength: 20 })),
  enrolmentId: fc.string({ maxLength: 60 }),
  stepIndex: fc.nat({ max: 50 }),
  purpose: fc.constantFrom<LinkClaims['purpose']>('unsubscribe', 'reply'),
});

const replyClaims = fc.record({
  customerId: fc.oneof(
    fc.stringMatching(/^[a-z0-9-]{1,20}$/),
    fc.string({ unit: 'grapheme', minLength: 1, maxLength: 6 }),
  ),
  stepIndex: fc.nat({ max: 999 }),
});

/** Every way a token is tampered with in transit or by hand. */
type Tamper =
  | { readonly kind: 'replace'; readonly at: number; readonly char: string }
  | { readonly kind: 'truncate'; readonly keep: number }
  | { readonly kind: 'extend'; readonly suffix: string }
  | { readonly kind: 'insert'; readonly at: number; readonly text: string }
  | { readonly kind: 'swap-case'; readonly at: number };

const tamperChar = fc.constantFrom(...'aAzZ09-_.=+/ 2b7Q~%\u0000é');
const tamper: fc.Arbitrary<Tamper> = fc.oneof(
  fc.record({ kind: fc.constant('replace' as const), at: fc.nat(), char: tamperChar }),
  fc.record({ kind: fc.constant('truncate' as const), keep: fc.nat() }),
  fc.record({
    kind: fc.constant('extend' as const),
    suffix: fc.oneof(tamperChar, fc.string({ minLength: 1, maxLength: 4 })),
  }),
  fc.record({
    kind: fc.constant('insert' as const),
    at: fc.nat(),
    text: fc.string({ minLength: 1, maxLength: 3 }),
  }),
  fc.record({ kind: fc.constant('swap-case' as const), at: fc.nat() }),
);

function apply(token: string, change: Tamper): string {
  const at = (n: number) => n % token.length;
  switch (change.kind) {
    case 'replace':
      return `${token.slice(0, at(change.at))}${change.char}${token.slice(at(change.at) + 1)}`;
    case 'truncate':
      return token.slice(0, at(change.keep));
    case 'extend':
      return `${token}${change.suffix}`;
    case 'insert':
      return `${token.slice(0, at(change.at))}${change.text}${token.slice(at(change.at))}`;
    case 'swap-case': {
      const char = token[at(change.at)] ?? '';
      const swapped = char === char.toUpperCase() ? char.toLowerCase() : char.toUpperCase();
      return `${token.slice(0, at(change.at))}${swapped}${token.slice(at(change.at) + 1)}`;
    }
  }
}

describe('unsubscribe and reply links under fuzzing', () => {
  it('round-trips genuine claims', () => {
    fc.assert(
      fc.property(linkClaims, (claims) => {
        expect(verifyLink(signLink(claims, key), key)).toEqual(claims);
      }),
      { numRuns: 200 },
    );
  });

  it('refuses every altered token, including changes that decode to the same bytes', () => {
    fc.assert(
      fc.property(linkClaims, tamper, (claims, change) => {
        const token = signLink(claims, key);
        const altered = apply(token, change);
        fc.pre(altered !== token);
        expect(verifyLink(altered, key)).toBeUndefined();
      }),
      { numRuns: 300 },
    );
  });

  it('never throws on arbitrary text and never accepts it', () => {
    fc.assert(
      fc.property(
        fc.oneof(
          hostileString,
          fc.base64String(),
          fc.string().map((s) => `${s}.${s}`),
        ),
        (text) => {
          expect(verifyLink(text, key)).toBeUndefined();
        },
      ),
      { numRuns: 300 },
    );
  });

  it('refuses the padded and whitespace-extended forms of a genuine MAC', () => {
    const token = signLink(
      { customerId: 'c1', enrolmentId: 'e1', stepIndex: 2, purpose: 'unsubscribe' },
      key,
    );
    expect(verifyLink(`${token}=`, key)).toBeUndefined();
    expect(verifyLink(`${token} `, key)).toBeUndefined();
    const last = token.at(-1) === 'A' ? 'B' : 'A';
    expect(verifyLink(`${token.slice(0, -1)}${last}`, key)).toBeUndefined();
  });
});

describe('reply tokens under fuzzing', () => {
  it('round-trip genuine claims in any letter case, or are not made when too long for an address', () => {
    fc.assert(
      fc.property(replyClaims, fc.boolean(), (claims, upper) => {
        const token = signReplyToken(claims, key);
        if (token === undefined) return;
        expect(verifyReplyToken(upper ? token.toUpperCase() : token, key)).toEqual(claims);
      }),
      { numRuns: 200 },
    );
  });

  it('refuse every alteration other than a change of letter case', () => {
    fc.assert(
      fc.property(replyClaims, tamper, (claims, change) => {
        const token = signReplyToken(claims, key);
        fc.pre(token !== undefined);
        if (token === undefined) return;
        const altered = apply(token, change);
        // Mail systems may change the case of an address; the token is made to survive that.
        fc.pre(altered.toLowerCase() !== token);
        expect(verifyReplyToken(altered, key)).toBeUndefined();
      }),
      { numRuns: 300 },
    );
  });

  it('never throw on arbitrary text and never accept it', () => {
    fc.assert(
      fc.property(
        fc.oneof(
          hostileString,
          fc
            .tuple(fc.nat({ max: 999 }), fc.base64String(), fc.stringMatching(/^[a-z2-7]{13}$/))
            .map(([step, customer, mac]) => `${step}.${customer}.${mac}`),
        ),
        (text) => {
          expect(verifyReplyToken(text, key)).toBeUndefined();
        },
      ),
      { numRuns: 300 },
    );
  });

  it('refuse a leading zero on the step and spare bits in the last customer character', () => {
    const token = signReplyToken({ customerId: 'c1', stepIndex: 2 }, key) ?? '';
    const [step, customer = '', mac] = token.split('.');
    expect(verifyReplyToken(`0${token}`, key)).toBeUndefined();
    const spare = customer.at(-1) === 'q' ? 'r' : 'q';
    expect(verifyReplyToken(`${step}.${customer.slice(0, -1)}${spare}.${mac}`, key)).toBeUndefined();
  });
});
