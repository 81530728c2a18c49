import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import type { CustomerView } from '../../../../functions/core/domain/customer-view.ts';
import {
  type InboundMail,
  receiveReply,
  replyTokenIn,
} from '../../../../functions/core/inbound/receive-reply.ts';
import { sampleView } from '../../../support/sample-view.ts';
import { replyAddress, replyDomain, replyEnrolmentId, replySetup } from './reply-setup.ts';

const enrolmentId = replyEnrolmentId;
const address = replyAddress;
const domain = replyDomain;
const setup = (view?: (id: string) => CustomerView | undefined) =>
  replySetup(view === undefined ? {} : { view });

const mail = (raw: Uint8Array | string, extra: Partial<InboundMail> = {}): InboundMail => {
  const bytes = typeof raw === 'string' ? Buffer.from(raw) : raw;
  return {
    mailId: 'mail-1',
    s3Key: 'inbound/mail-1',
    receivedAt: Date.parse('2026-12-01T10:15:02Z'),
    recipients: [address],
    size: bytes.length,
    raw: bytes,
    ...extra,
  };
};
const reply = (from: string, body = 'Please call me about the cracked record.') =>
  `From: ${from}\r\nTo: ${address}\r\nSubject: Re: hello\r\nContent-Type: text/plain; charset=utf-8\r\n\r\n${body}\r\n`;

describe('forwarding a reply to support', () => {
  it('sets Reply-To to the address on file, never the From of a spoofed message, and says so', async () => {
    const { mailer, deps } = setup();
    // Written like an SES-received mail: SES's Authentication-Results first, a forged one below it.
    const raw = readFileSync('test/fixtures/inbound/spoofed-from-ses-verdicts.eml', 'latin1');
    const upper = address.replace(/^r\+/, 'R+').toUpperCase();
    const result = await receiveReply(mail(raw, { recipients: [upper] }), deps);
    expect(result).toMatchObject({ kind: 'reply', forwarded: true });
    const [forward] = mailer.sent;
    expect(forward?.replyTo).toEqual(['asha@example.com']);
    expect(forward?.text).toContain(
      'sent from asha.patel@evil.example, not the address on file (asha@example.com)',
    );
    expect(forward?.text).toContain('SES verdicts: SPF fail, DKIM none, DMARC fail, spam pass, virus pass');
    expect(forward?.text).toContain('Warning: SPF, DKIM, DMARC did not pass');
  });

  it('tells support the purchases as the segmenter counts them, and the refunded or cancelled orders apart', async () => {
    const base = sampleView('lapsed-1', enrolmentId);
    const view: CustomerView = {
      ...base,
      orders: [
        { orderId: 'o1', customerId: 'lapsed-1', placedAt: '2026-03-01T10:00:00.000Z', amount: 30 },
        {
          orderId: 'o2',
          customerId: 'lapsed-1',
          placedAt: '2026-05-01T10:00:00.000Z',
          amount: 20,
          status: 'refunded',
        },
      ],
    };
    const { mailer, deps } = setup(() => view);
    await receiveReply(mail(reply('Asha <asha@example.com>')), deps);
    expect(mailer.sent[0]?.text).toContain(
      'Orders: 1, last 2026-03-01 (and 1 refunded, cancelled or voided)',
    );
  });

  it('prefers the verdicts of the SES receipt event over the headers', async () => {
    const { mailer, deps } = setup();
    await receiveReply(
      mail(reply('Asha <asha@example.com>'), {
        verdicts: { spf: 'PASS', dkim: 'PASS', dmarc: 'GRAY', spam: 'PASS', virus: 'PASS' },
      }),
      deps,
    );
    const [forward] = mailer.sent;
    expect(forward?.text).toContain('SES verdicts: SPF pass, DKIM pass, DMARC gray, spam pass, virus pass');
    expect(forward?.text).toContain('Warning: DMARC did not pass');
    expect(forward?.text).not.toContain('not the address on file');
  });

  it('sets no Reply-To when there is no customer profile to take the address from', async () => {
    const { mailer, deps } = setup(() => undefined);
    await receiveReply(mail(reply('Someone <someone@example.net>')), deps);
    const [forward] = mailer.sent;
    expect(forward?.replyTo).toBeUndefined();
    expect(forward?.text).toContain('no customer profile; the sender (someone@example.net) is unverified');
  });

  it('keeps CR, LF and other controls of the name and subject out of the Subject header', async () => {
    const { mailer, deps } = setup((id) => {
      const view = sampleView(id, enrolmentId);
      return { ...view, customer: { ...view.customer, firstName: 'Asha\r\nBcc: victim@example.net\u0085' } };
    });
    const raw = `From: asha@example.com\r\nTo: ${address}\r\nSubject: Re: =?utf-8?B?${Buffer.from('Hi\r\nX-Evil: 1\u2028ok').toString('base64')}?=\r\n\r\nHello\r\n`;
    const outcome = await receiveReply(mail(raw), deps);
    expect(outcome.kind).toBe('reply');
    const [forward] = mailer.sent;
    expect(forward?.subject).toBe('Reply from Asha Bcc: victim@example.net: Re: Hi X-Evil: 1 ok');
    expect(forward?.subject).not.toMatch(/[\p{Cc}\u2028\u2029]/u);
  });
});

describe('the reply token', () => {
  it('accepts an upper-cased R+ prefix and local part, as relays write it', () => {
    const token = replyTokenIn([address], domain);
    expect(token).toBeDefined();
    expect(replyTokenIn([address.toUpperCase()], domain)?.toLowerCase()).toBe(token?.toLowerCase());
    expect(replyTokenIn([address.replace(/^r/, 'R')], domain)).toBe(token);
  });
});
