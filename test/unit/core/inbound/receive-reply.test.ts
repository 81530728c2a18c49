import { readFileSync } from 'node:fs';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { signLink } from '../../../../functions/core/domain/links.ts';
import {
  type InboundMail,
  receiveReply,
  replyAddressFor,
  replyTokenIn,
} from '../../../../functions/core/inbound/receive-reply.ts';
import {
  extractNewText,
  isAutoReply,
  unsubscribeRequestIn,
} from '../../../../functions/core/inbound/reply-text.ts';
import {
  replyAddress,
  replyClaims,
  replyDomain,
  replyEnrolmentId,
  replyKey,
  replySetup,
} from './reply-setup.ts';

const key = replyKey;
const domain = replyDomain;
const enrolmentId = replyEnrolmentId;
const claims = replyClaims;
const address = replyAddress;

const mail = (raw: string | Uint8Array, recipients = [address], mailId = 'mail-1'): InboundMail => {
  const bytes = typeof raw === 'string' ? Buffer.from(raw) : raw;
  return {
    mailId,
    s3Key: `inbound/${mailId}`,
    receivedAt: Date.parse('2026-12-01T10:15:02Z'),
    recipients,
    size: bytes.length,
    raw: bytes,
  };
};
const fixture = (name: string) => readFileSync(`test/fixtures/inbound/${name}`);

const setup = replySetup;

describe('receiving replies', () => {
  it('records a Gmail multipart quoted-printable reply without the quoted history, ends the enrolment and forwards it', async () => {
    const { stores, mailer, enrolments, deps } = setup();
    const outcome = await receiveReply(mail(fixture('gmail-multipart-qp.eml')), deps);
    expect(outcome).toMatchObject({ kind: 'reply', customerId: 'lapsed-1', forwarded: true });
    if (outcome.kind !== 'reply') throw new Error('expected a reply');
    expect(outcome.newText).toBe(
      'Hi, the last record arrived cracked and nobody answered my email. I would come back if that gets sorted — can someone call me?',
    );
    const [event] = [...stores.ledger.events.values()];
    expect(event).toMatchObject({
      type: 'reply',
      customerId: 'lapsed-1',
      enrolmentId,
      sequenceId: 'gentle-winback',
      stepId: 'check-in',
    });
    expect(enrolments.ended.get(`lapsed-1|${enrolmentId}`)).toBe('reply');
    const [forward] = mailer.sent;
    expect(forward?.to).toBe('support@northwind.example');
    expect(forward?.replyTo).toEqual(['asha@example.com']);
    expect(forward?.text).toContain('damaged (order o1): unresolved, ticket open');
    expect(forward?.text).toContain('Sequence: gentle-winback, step check-in');
  });

  it('reads an Outlook HTML-only base64 reply and cuts the "From:/Sent:" block', async () => {
    const { deps } = setup();
    const outcome = await receiveReply(mail(fixture('outlook-html-only-base64.eml')), deps);
    expect(outcome.kind === 'reply' && outcome.newText).toBe('Please send me the catalogue again, thanks.');
  });

  it('decodes iso-8859-1 8-bit text and cuts "-----Original Message-----"', async () => {
    const { deps } = setup();
    const outcome = await receiveReply(mail(fixture('iso-8859-1-8bit.eml')), deps);
    expect(outcome.kind === 'reply' && outcome.newText).toBe(
      'Très bien, merci. Ich höre gern wieder von Ihnen.',
    );
  });

  it('reads a windows-1252 HTML-only reply and drops its <blockquote> history and Dutch attribution', async () => {
    const { deps } = setup();
    const outcome = await receiveReply(mail(fixture('html-only-blockquote-windows-1252.eml')), deps);
    expect(outcome.kind === 'reply' && outcome.newText).toBe(
      'Ik wil graag weten wanneer de plaat terug op voorraad is. Bedankt voor de “snelle” reactie, het is € 20 waard.',
    );
  });

  it('keeps an auto-reply on record without ending anything or forwarding', async () => {
    const { stores, mailer, enrolments, deps } = setup();
    const outcome = await receiveReply(mail(fixture('auto-reply-outlook.eml')), deps);
    expect(outcome.kind).toBe('auto-reply');
    expect(stores.ledger.events.size).toBe(0);
    expect(enrolments.ended.size).toBe(0);
    expect(mailer.sent).toEqual([]);
    expect(stores.inbound.records[0]).toMatchObject({
      outcome: 'auto-reply',
      s3Key: 'inbound/mail-1',
      customerId: 'lapsed-1',
    });
  });

  it('honours a Hindi unsubscribe request in a base64 body', async () => {
    const { stores, deps } = setup();
    const outcome = await receiveReply(mail(fixture('hindi-unsubscribe-base64.eml')), deps);
    expect(outcome).toMatchObject({ kind: 'unsubscribed', locale: 'hi' });
    expect(stores.contacts.statuses.get('lapsed-1')?.unsubscribedAt).toBeDefined();
    expect([...stores.ledger.events.values()].map((event) => event.type)).toEqual(['unsubscribe']);
  });

  it('records the same mail twice once, and forwards it once', async () => {
    const { stores, mailer, deps } = setup();
    await receiveReply(mail(fixture('gmail-multipart-qp.eml')), deps);
    const again = await receiveReply(mail(fixture('gmail-multipart-qp.eml')), deps);
    expect(again.kind).toBe('duplicate');
    expect(stores.ledger.events.size).toBe(1);
    expect(mailer.sent).toHaveLength(1);
  });

  it('rejects forged, altered and unsigned reply addresses with a reason and the S3 key', async () => {
    const { stores, deps } = setup();
    const forged = replyAddressFor(claims, 'not-our-key', domain) ?? '';
    const otherCustomer = replyAddressFor({ ...claims, customerId: 'lapsed-2' }, 'not-our-key', domain) ?? '';
    const [, step, customer, mac] = /^r\+(\d+)\.([a-z2-7]+)\.([a-z2-7]+)@/.exec(address) ?? [];
    const [, , otherId] = /^r\+(\d+)\.([a-z2-7]+)\./.exec(otherCustomer) ?? [];
    // Another customer's id under our MAC, and our token for another step.
    const swapped = `r+${step}.${otherId}.${mac}@${domain}`;
    const otherStep = `r+1.${customer}.${mac}@${domain}`;
    for (const recipient of [forged, swapped, otherStep]) {
      const outcome = await receiveReply(mail(fixture('gmail-multipart-qp.eml'), [recipient]), deps);
      expect(outcome).toEqual({ kind: 'rejected', reason: 'forged or altered reply token' });
    }
    const elsewhere = await receiveReply(mail('Subject: hi\r\n\r\nhello', ['care@northwind.example']), deps);
    expect(elsewhere.kind).toBe('rejected');
    expect(stores.ledger.events.size).toBe(0);
    expect(stores.inbound.records.every((record) => record.s3Key === 'inbound/mail-1')).toBe(true);
  });

  it('honours the List-Unsubscribe mailto, and refuses a forged one', async () => {
    const { stores, deps } = setup();
    const token = signLink({ ...claims, purpose: 'unsubscribe' }, key);
    const outcome = await receiveReply(
      mail(`Subject: unsubscribe-${token}\r\n\r\n`, ['unsubscribe@reply.northwind.example']),
      deps,
    );
    expect(outcome).toMatchObject({ kind: 'unsubscribed', customerId: 'lapsed-1' });
    expect(stores.contacts.statuses.get('lapsed-1')?.unsubscribedAt).toBeDefined();
    const forged = signLink({ ...claims, customerId: 'someone-else', purpose: 'unsubscribe' }, 'guess');
    const refused = await receiveReply(
      mail(`Subject: unsubscribe-${forged}\r\n\r\n`, ['unsubscribe@reply.northwind.example'], 'mail-2'),
      deps,
    );
    expect(refused).toEqual({ kind: 'rejected', reason: 'forged or altered unsubscribe token' });
    expect(stores.contacts.statuses.has('someone-else')).toBe(false);
  });

  it('rejects a message over the size limit without parsing it', async () => {
    const { stores, deps } = setup({ engagement: { maxInboundBytes: 100 } });
    const outcome = await receiveReply(mail(fixture('gmail-multipart-qp.eml')), deps);
    expect(outcome.kind === 'rejected' && outcome.reason).toMatch(/^too large/);
    expect(stores.inbound.records).toHaveLength(1);
  });

  it('never throws on fuzzed bytes, and whatever it is, it is on record', async () => {
    const header = `To: ${address}\r\nSubject: `;
    await fc.assert(
      fc.asyncProperty(
        fc.oneof(
          fc.uint8Array({ maxLength: 2_000 }),
          fc.string({ maxLength: 500 }).map((text) => Buffer.from(`${header}${text}\r\n\r\n${text}`)),
          fc
            .tuple(
              fc.constantFrom(
                'multipart/mixed; boundary="b"',
                'text/plain; charset=x-unknown',
                'text/html; charset=utf-7',
                'message/rfc822',
              ),
              fc.string({ maxLength: 300 }),
            )
            .map(([type, body]) =>
              Buffer.from(
                `${header}x\r\nContent-Type: ${type}\r\nContent-Transfer-Encoding: base64\r\n\r\n--b\r\n${body}\r\n--b`,
              ),
            ),
        ),
        async (bytes) => {
          const { stores, deps } = setup();
          const outcome = await receiveReply(mail(bytes), deps);
          expect(['reply', 'unsubscribed', 'auto-reply', 'rejected']).toContain(outcome.kind);
          expect(stores.ledger.events.size + stores.inbound.records.length).toBeGreaterThan(0);
        },
      ),
      { numRuns: 150 },
    );
  });
});

describe('reply text rules', () => {
  it('finds the token only at our reply domain', () => {
    expect(replyTokenIn(['someone@else.example', address], domain)).toBe(
      address.slice(2, address.indexOf('@')),
    );
    expect(replyTokenIn([address.replace(domain, 'evil.example')], domain)).toBeUndefined();
  });

  it('drops > lines, signatures and wrapped Gmail attributions', () => {
    expect(extractNewText('Yes please.\n\n> old\n> older')).toBe('Yes please.');
    expect(extractNewText('Thanks!\n-- \nAsha\nSent from my phone')).toBe('Thanks!');
    expect(
      extractNewText(
        'Sure.\nOn Mon, 30 Nov 2026 at 09:00, Northwind Records <care@northwind.example>\nwrote:\n> hi',
      ),
    ).toBe('Sure.');
    expect(extractNewText('Ok\n\nLe lun. 30 nov. 2026 à 09:00, Northwind a écrit :\n> bonjour')).toBe('Ok');
  });

  it('recognises auto-replies from headers and subjects', () => {
    expect(isAutoReply(new Map([['auto-submitted', 'auto-replied']]), 'Re: hi')).toBe(true);
    expect(isAutoReply(new Map([['auto-submitted', 'no']]), 'Re: hi')).toBe(false);
    expect(isAutoReply(new Map([['x-autoreply', 'yes']]), 'Re: hi')).toBe(true);
    expect(isAutoReply(new Map([['precedence', 'auto_reply']]), 'Re: hi')).toBe(true);
    expect(isAutoReply(new Map(), 'Out of Office: Re: hi')).toBe(true);
    expect(isAutoReply(new Map(), 'Re: hi')).toBe(false);
  });

  it.each([
    ['en', 'Unsubscribe'],
    ['en', 'STOP'],
    ['en', 'please remove me from this list'],
    ['hi', 'अनसब्सक्राइब'],
    ['hi', 'कृपया बंद करें'],
    ['gu', 'મહેરબાની કરીને બંધ કરો'],
    ['gu', 'અનસબ્સ્ક્રાઇબ'],
    ['si', 'කරුණාකර නවත්වන්න'],
    ['si', 'ඊමේල් එපා'],
  ])('understands a %s unsubscribe request: %s', (locale, text) => {
    expect(unsubscribeRequestIn(text, 'Re: hello')).toBe(locale);
  });

  it('does not take a conversation mentioning "stop" for a request', () => {
    expect(
      unsubscribeRequestIn('I will not stop buying from you, the record was great', 'Re: hi'),
    ).toBeUndefined();
    expect(unsubscribeRequestIn('Thanks, I will come back soon', 'Re: hi')).toBeUndefined();
  });
});
