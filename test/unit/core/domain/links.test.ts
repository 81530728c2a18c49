import { describe, expect, it } from 'vitest';
import {
  maxLocalPartLength,
  signLink,
  signReplyToken,
  verifyLink,
  verifyReplyToken,
} from '../../../../functions/core/domain/links.ts';

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

describe('reply tokens', () => {
  it('fit an address local part, survive a change of case, and refuse tampering', () => {
    const token = signReplyToken({ customerId: 'c000125', stepIndex: 2 }, 'k');
    expect(token).toBeDefined();
    expect(`r+${token}`.length).toBeLessThanOrEqual(maxLocalPartLength);
    expect(verifyReplyToken(token ?? '', 'k')).toEqual({ customerId: 'c000125', stepIndex: 2 });
    expect(verifyReplyToken((token ?? '').toUpperCase(), 'k')).toEqual({
      customerId: 'c000125',
      stepIndex: 2,
    });
    expect(verifyReplyToken(token ?? '', 'other')).toBeUndefined();
    expect(verifyReplyToken((token ?? '').replace(/^2\./, '3.'), 'k')).toBeUndefined();
  });

  it('are not made for ids too long for an address, rather than a refused address', () => {
    expect(signReplyToken({ customerId: 'x'.repeat(40), stepIndex: 0 }, 'k')).toBeUndefined();
  });
});
