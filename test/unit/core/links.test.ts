import { describe, expect, it } from 'vitest';
import { signLink, verifyLink } from '../../../functions/core/sending/links.ts';

const claims = { customerId: 'c1', enrolmentId: 'e1', stepIndex: 0, purpose: 'unsubscribe' as const };

describe('signed links', () => {
  it('round-trips genuine claims', () => {
    expect(verifyLink(signLink(claims, 'k'), 'k')).toEqual(claims);
  });

  it('refuses a token signed with another key, altered, or malformed', () => {
    const token = signLink(claims, 'k');
    const [payload, mac] = token.split('.');
    const other = signLink({ ...claims, customerId: 'c2' }, 'k').split('.')[0];
    expect(verifyLink(token, 'other-key')).toBeUndefined();
    expect(verifyLink(`${other}.${mac}`, 'k')).toBeUndefined();
    expect(verifyLink(`${payload}.${mac}x`, 'k')).toBeUndefined();
    expect(verifyLink('', 'k')).toBeUndefined();
    expect(verifyLink('a.b.c', 'k')).toBeUndefined();
  });
});
