import { readdirSync, readFileSync } from 'node:fs';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { type InboundMail, receiveReply } from '../../../functions/core/inbound/receive-reply.ts';
import { htmlReplyToText } from '../../../functions/core/inbound/reply-html.ts';
import { unsubscribeRequestIn } from '../../../functions/core/inbound/reply-text.ts';
import { replyAddress, replyDomain, replySetup } from '../core/inbound/reply-setup.ts';
import { hostileString } from './arbitraries.ts';

const address = replyAddress;
const domain = replyDomain;
const setup = () => replySetup();
const fixtures = readdirSync('test/fixtures/inbound')
  .filter((name) => name.endsWith('.eml'))
  .map((name) => readFileSync(`test/fixtures/inbound/${name}`));

const mail = (raw: Uint8Array, recipients: readonly string[] = [address]): InboundMail => ({
  mailId: 'mail-1',
  s3Key: 'inbound/mail-1',
  receivedAt: Date.parse('2026-12-01T10:15:02Z'),
  recipients,
  size: raw.length,
  raw,
});

/** Byte-level damage: flips, cuts, insertions of header-ish or binary text. */
type Damage =
  | { readonly kind: 'flip'; readonly at: number; readonly byte: number }
  | { readonly kind: 'cut'; readonly at: number }
  | { readonly kind: 'insert'; readonly at: number; readonly text: string };

const damage: fc.Arbitrary<Damage> = fc.oneof(
  fc.record({ kind: fc.constant('flip' as const), at: fc.nat(), byte: fc.nat({ max: 255 }) }),
  fc.record({ kind: fc.constant('cut' as const), at: fc.nat() }),
  fc.record({
    kind: fc.constant('insert' as const),
    at: fc.nat(),
    text: fc.oneof(
      hostileString,
      fc.constantFrom(
        '\r\nContent-Type: multipart/mixed; boundary=""\r\n',
        '\r\nContent-Transfer-Encoding: base64\r\n',
        '\r\nContent-Type: text/plain; charset=x-unknown-charset\r\n',
        '=?utf-8?B?////?=',
        '=?x?Q?=FF=00?=',
        '\r\n\r\n--',
        '\r\nAuto-Submitted: auto-replied\r\n',
        '\u0000',
      ),
    ),
  }),
);

function applyDamage(raw: Buffer, change: Damage): Buffer {
  const at = raw.length === 0 ? 0 : change.at % raw.length;
  if (change.kind === 'flip') {
    const copy = Buffer.from(raw);
    if (copy.length > 0) copy[at] = change.byte;
    return copy;
  }
  if (change.kind === 'cut') return raw.subarray(0, at);
  return Buffer.concat([raw.subarray(0, at), Buffer.from(change.text), raw.subarray(at)]);
}

const outcomeKinds = ['reply', 'duplicate', 'unsubscribed', 'auto-reply', 'rejected'];

describe('inbound MIME under fuzzing', () => {
  it('never throws on damaged real-world replies, and keeps each on record with a reason if refused', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.constantFrom(...fixtures),
        fc.array(damage, { minLength: 1, maxLength: 4 }),
        async (raw, changes) => {
          const { stores, deps } = setup();
          const outcome = await receiveReply(mail(changes.reduce(applyDamage, raw)), deps);
          expect(outcomeKinds).toContain(outcome.kind);
          if (outcome.kind === 'rejected' || outcome.kind === 'auto-reply')
            expect(outcome.reason.trim()).not.toBe('');
          expect(stores.ledger.events.size + stores.inbound.records.length).toBeGreaterThan(0);
        },
      ),
      { numRuns: 150 },
    );
  });

  it('refuses hostile envelope recipients with a reason, never throwing', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.array(
          fc.oneof(
            hostileString,
            hostileString.map((text) => `r+${text}@${domain}`),
            fc.constantFrom(address.toUpperCase(), `${address}x`, address.replace('r+', 'r+0')),
          ),
          { maxLength: 3 },
        ),
        async (recipients) => {
          // The reply address in any case is ours (relays upper-case it); everything else is refused.
          fc.pre(!recipients.some((recipient) => recipient.trim().toLowerCase() === address.toLowerCase()));
          const { stores, deps } = setup();
          const outcome = await receiveReply(mail(fixtures[0] ?? Buffer.alloc(0), recipients), deps);
          // The first fixture is an auto-reply, kept on record as one (not refused) since classification.
          expect(['rejected', 'auto-reply', 'unsubscribed']).toContain(outcome.kind);
          if (outcome.kind === 'rejected' || outcome.kind === 'auto-reply')
            expect(outcome.reason.trim()).not.toBe('');
          expect(stores.inbound.records.length + stores.ledger.events.size).toBe(1);
        },
      ),
      { numRuns: 100 },
    );
  });

  it('reads any HTML as text without throwing, and unclosed markup in time proportional to its size', () => {
    const markup = fc.constantFrom(
      '<',
      '<a href="https://x.example">',
      '</a>',
      '<blockquote>',
      '</blockquote>',
      '<style>',
      '<pre>',
      '<!--',
      '-->',
      '<br>',
      '&#x110000;',
      '&amp',
      '\uE000',
    );
    fc.assert(
      fc.property(fc.array(fc.oneof(markup, hostileString), { maxLength: 40 }), (pieces) => {
        expect(typeof htmlReplyToText(pieces.join(''))).toBe('string');
      }),
      { numRuns: 200 },
    );
    const started = performance.now();
    for (const unit of ['<a ', '<!--', '<style>', '<a href=x>', '<blockquote>', '&#1']) {
      htmlReplyToText(unit.repeat(200_000));
    }
    expect(performance.now() - started).toBeLessThan(5_000);
  });

  it('keeps the whole text of a well-formed reply, whatever the words and transfer encoding', async () => {
    const words = fc.array(fc.stringMatching(/^[A-Za-zÀ-ÿ0-9]{1,12}$/), { minLength: 1, maxLength: 30 });
    await fc.assert(
      fc.asyncProperty(
        words,
        fc.constantFrom('8bit', 'base64', 'quoted-printable'),
        async (list, encoding) => {
          const text = list.join(' ');
          fc.pre(unsubscribeRequestIn(text, 'Re: hello') === undefined);
          const encoded =
            encoding === 'base64'
              ? Buffer.from(text).toString('base64')
              : encoding === 'quoted-printable'
                ? [...Buffer.from(text)]
                    .map((byte) => `=${byte.toString(16).toUpperCase().padStart(2, '0')}`)
                    .join('')
                : text;
          const raw = Buffer.from(
            `From: Asha <asha@example.com>\r\nTo: ${address}\r\nSubject: Re: hello\r\nMIME-Version: 1.0\r\n` +
              `Content-Type: text/plain; charset=utf-8\r\nContent-Transfer-Encoding: ${encoding}\r\n\r\n${encoded}\r\n`,
          );
          const { deps } = setup();
          const outcome = await receiveReply(mail(raw), deps);
          expect(outcome).toMatchObject({ kind: 'reply', newText: text });
        },
      ),
      { numRuns: 100 },
    );
  });
});
