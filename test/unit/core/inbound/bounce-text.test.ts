import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { bouncedInText } from '../../../../functions/core/inbound/bounce-text.ts';
import { classifyInbound } from '../../../../functions/core/inbound/classify.ts';
import { parseReply } from '../../../../functions/core/inbound/parse-reply.ts';
import { extractNewText } from '../../../../functions/core/inbound/reply-text.ts';

/** Real notices without a delivery-status part (sisimai, BSD-2-Clause; see the corpus README). */
async function classified(file: string) {
  const raw = new Uint8Array(readFileSync(`test/fixtures/inbound/sisimai/${file}`));
  const parsed = await parseReply(raw);
  return classifyInbound({ ...parsed, newText: extractNewText(parsed.body), raw });
}

describe('recipients of a bounce written as prose', () => {
  it.each([
    ['bsd__lhost-yahoo-05.eml', 'kijitora@example.co.jp', '5.2.1', true],
    ['bsd__lhost-zoho-01.eml', 'kijitora@example.co.jp', '5.1.1', true],
    ['bsd__lhost-exchange2003-01.eml', 'kijitora@example.jp', '', true],
    ['bsd__lhost-gmail-06.eml', 'kijitora@example.jp', '', false],
    ['bsd__lhost-qmail-05.eml', 'kijitora@example.net', '4.4.3', false],
  ])('%s names %s with status %j (permanent: %s)', async (file, address, status, permanent) => {
    const found = await classified(file);
    expect(found.class).toBe('bounce');
    expect(found.rule).toContain('recipients from its text');
    expect(found.bounced).toContainEqual({ address, status, permanent });
  });

  it('reads qmail, Exim and Postfix prose, each address with its own paragraph', () => {
    const qmail = [
      'Hi. This is the qmail-send program at mx.example.net.',
      "I'm afraid I wasn't able to deliver your message to the following addresses.",
      '',
      '<gone@example.com>:',
      '192.0.2.1 does not like recipient.',
      'Remote host said: 550 5.1.1 <gone@example.com>: Recipient address rejected',
      '',
      '<full@example.org>:',
      '192.0.2.2 failed after I sent the message.',
      'Remote host said: 452 4.2.2 Mailbox full',
      '',
      '--- Below this line is a copy of the message.',
      '',
      'Return-Path: <shop@example.net>',
      'To: someone-else@example.com',
    ].join('\n');
    expect(bouncedInText(qmail)).toEqual([
      { address: 'gone@example.com', status: '5.1.1', permanent: true },
      { address: 'full@example.org', status: '4.2.2', permanent: false },
    ]);
    const exim = [
      'This message was created automatically by mail delivery software.',
      '',
      'A message that you sent could not be delivered to one or more of its',
      'recipients. This is a permanent error. The following address(es) failed:',
      '',
      '  asha@example.in',
      '    SMTP error from remote mail server after RCPT TO:<asha@example.in>:',
      '    550 No such user here',
    ].join('\n');
    expect(bouncedInText(exim)).toEqual([{ address: 'asha@example.in', status: '', permanent: true }]);
  });

  it('never calls a warning permanent, and gives an address without a reason of its own no verdict when others are named', () => {
    const warning = [
      'THIS IS A WARNING MESSAGE ONLY. YOU DO NOT NEED TO RESEND YOUR MESSAGE.',
      '',
      'Delivery to the following recipient has been delayed:',
      '',
      '   late@example.com',
      '',
      'Message will be retried for 2 more day(s). User unknown here would be odd, but words lie.',
    ].join('\n');
    expect(bouncedInText(warning)).toEqual([{ address: 'late@example.com', status: '', permanent: false }]);
    const two = 'Your message\n\n  To: sender@example.com\n\ndid not reach:\n\nx@example.com\n  User unknown';
    expect(bouncedInText(two)).toEqual([
      { address: 'sender@example.com', status: '', permanent: false },
      { address: 'x@example.com', status: '', permanent: true },
    ]);
  });

  it('reads only the report, not the returned copy, and nothing of a text without addresses', () => {
    expect(
      bouncedInText('Delivery failed.\n\n--- Original message follows.\n\nTo: a@example.com\n550 5.1.1'),
    ).toEqual([]);
    expect(bouncedInText('')).toEqual([]);
  });
});
