import { afterEach, describe, expect, it, vi } from 'vitest';
import { redactAddresses } from '../../../functions/core/redact.ts';
import { createLogger } from '../../../functions/handlers/lambda.ts';

afterEach(() => {
  vi.restoreAllMocks();
});

describe('no address in a log line or a stored error', () => {
  it.each([
    [
      'SES MessageRejected: Email address is not verified. The following identities failed the check in region EU-WEST-1: asha.rao+shop@example.co.in',
      'SES MessageRejected: Email address is not verified. The following identities failed the check in region EU-WEST-1: <address>',
    ],
    [
      'template apology/en for customer josé@exämple.es lacks x',
      'template apology/en for customer <address> lacks x',
    ],
    ['<a@b.example>, "B" <c_d@e.example>', '<<address>>, "B" <<address>>'],
    ['no address here, just @mentions and a@b', 'no address here, just @mentions and a@b'],
  ])('redacts %s', (text, redacted) => {
    expect(redactAddresses(text)).toBe(redacted);
  });

  it('keeps every address out of what the logger writes, in messages, attributes and errors with causes', () => {
    const lines: string[] = [];
    vi.spyOn(process.stdout, 'write').mockImplementation((chunk) => {
      lines.push(String(chunk));
      return true;
    });
    vi.spyOn(process.stderr, 'write').mockImplementation((chunk) => {
      lines.push(String(chunk));
      return true;
    });
    const logger = createLogger('send-step');
    const cause = new Error('identities failed the check: asha@example.com');
    logger.error('step failed for asha@example.com', {
      reason: 'rejected asha@example.com',
      error: new Error('SES MessageRejected: asha@example.com', { cause }),
    });
    const written = lines.join('');
    expect(written).toContain('step failed for <address>');
    expect(written).toContain('identities failed the check: <address>');
    expect(written).not.toContain('asha@example.com');
  });
});
