import fc from 'fast-check';
import PostalMime from 'postal-mime';
import { describe, expect, it } from 'vitest';
import { buildMime, MimeHeaderError, type MimeInput, quotedPrintable } from '../../../functions/local/eml.ts';

const unsubscribe =
  'https://unsubscribe.shop.example/u?t=eyJjIjoiYzAwMDAxMiIsImUiOiJjMDAwMDEyI3dpbi1iYWNrIzIwMjYxMTIzIn0.c2lnbmF0dXJlLWhlcmU';

const hindi: MimeInput = {
  from: 'Kindred Records <hello@shop.example>',
  to: ['priya.c000012@customers.example'],
  replyTo: ['Kindred Records (Olivia) <r+abc.def@reply.shop.example>'],
  subject: 'प्रिया, हमें खेद है कि आपका रिकॉर्ड क्षतिग्रस्त पहुँचा — हमने क्या बदला',
  date: Date.parse('2026-11-24T10:15:07.250Z'),
  messageId: 'ses-7f0c2b1e-1111-4222-8333-944455556666',
  headers: [
    { name: 'List-Unsubscribe', value: `<${unsubscribe}>, <mailto:unsubscribe@shop.example?subject=x>` },
    { name: 'List-Unsubscribe-Post', value: 'List-Unsubscribe=One-Click' },
  ],
  text: 'नमस्ते प्रिया,\n\nआपका ऑर्डर c000012-o3 क्षतिग्रस्त पहुँचा। = 100% सच।\n',
  html: `<!doctype html><html lang="hi"><body><div role="article"><p>नमस्ते प्रिया,</p><p>${'आपका ऑर्डर क्षतिग्रस्त पहुँचा। '.repeat(20)}</p></div></body></html>`,
};

const english: MimeInput = {
  ...hindi,
  from: 'hello@shop.example',
  replyTo: undefined,
  subject: 'Amelia, here is what we fixed',
  text: `Hi Amelia,\n\n${'We changed our packaging supplier after your parcel arrived damaged. '.repeat(4)}\nTrailing space here \n= sign and a tab\tin the middle\n`,
  html: '<p style="color:#333">Hi Amelia,</p>\n<p>We changed our packaging supplier.</p>',
};

const parse = (raw: string) => PostalMime.parse(raw);

/**
 * The same text, line ends aside: postal-mime gives base64 text as sent (CRLF) but quoted-printable
 * text with LF, and keeps the line break before a multipart boundary as one more line (so trailing
 * line breaks are compared by the quoted-printable test below, not here).
 */
const sameText = (parsed: string | undefined, sent: string | undefined) =>
  expect(parsed?.replace(/\r\n/g, '\n').replace(/\n+$/, '')).toBe(
    sent?.replace(/\r\n?/g, '\n').replace(/\n+$/, ''),
  );

describe('buildMime', () => {
  it('round-trips every header, an Indic subject and display names, and both parts', async () => {
    const raw = buildMime(hindi);
    const email = await parse(raw);

    expect(email.subject).toBe(hindi.subject);
    expect(email.from).toEqual({ name: 'Kindred Records', address: 'hello@shop.example' });
    expect(email.to).toEqual([{ name: '', address: 'priya.c000012@customers.example' }]);
    expect(email.replyTo).toEqual([
      { name: 'Kindred Records (Olivia)', address: 'r+abc.def@reply.shop.example' },
    ]);
    expect(email.messageId).toBe(`<${hindi.messageId}@email.amazonses.com>`);
    expect(new Date(email.date ?? '').toISOString()).toBe('2026-11-24T10:15:07.000Z');
    sameText(email.text, hindi.text);
    expect(email.html).toBe(hindi.html);
    const header = (key: string) => email.headers.find((candidate) => candidate.key === key)?.value;
    expect(header('list-unsubscribe')).toBe(hindi.headers?.[0]?.value);
    expect(header('list-unsubscribe-post')).toBe('List-Unsubscribe=One-Click');
    expect(header('mime-version')).toBe('1.0');
    expect(header('content-type')).toMatch(/^multipart\/alternative;\s+boundary="=_rekindle_[0-9a-f]{24}"$/);
  });

  it('writes a message any mail system accepts: CRLF lines of at most 78 characters, ASCII only', () => {
    for (const input of [hindi, english]) {
      const raw = buildMime(input);
      expect(raw).toMatch(/^[\x20-\x7e\t\r\n]*$/);
      expect(raw.replace(/\r\n/g, '')).not.toMatch(/[\r\n]/);
      // The one unbreakable token is the unsubscribe URL in its header.
      const long = raw.split('\r\n').filter((line) => line.length > 78);
      expect(long.every((line) => line.includes(unsubscribe))).toBe(true);
      const [, body = ''] = raw.split('\r\n\r\n');
      expect(body.split('\r\n').every((line) => line.length <= 76)).toBe(true);
    }
  });

  it('encodes the Indic parts in base64 and mostly-ASCII ones in quoted-printable', () => {
    const indic = buildMime(hindi);
    expect(indic).toContain('Content-Type: text/plain; charset=UTF-8\r\nContent-Transfer-Encoding: base64');
    expect(indic).toContain('Subject: =?UTF-8?B?');
    const latin = buildMime(english);
    expect(latin).toContain(
      'Content-Type: text/html; charset=UTF-8\r\nContent-Transfer-Encoding: quoted-printable',
    );
    expect(latin).toContain('Subject: Amelia, here is what we fixed\r\n');
    expect(latin).toContain('From: hello@shop.example\r\n');
    expect(latin).not.toContain('Reply-To:');
  });

  it('keeps trailing whitespace, "=" and tabs through quoted-printable', async () => {
    sameText((await parse(buildMime(english))).text, english.text);
    expect(quotedPrintable(Buffer.from('a \r\nb='))).toBe('a=20\r\nb=3D');
    expect(quotedPrintable(Buffer.from('a\r\n\r\n'))).toBe('a\r\n\r\n');
    expect(quotedPrintable(Buffer.from(`${'x'.repeat(80)}é`))).toBe(`${'x'.repeat(75)}=\r\nxxxxx=C3=A9`);
    // A soft break never splits an escape: 74 characters, then "=C3" would pass 75.
    expect(quotedPrintable(Buffer.from(`${'x'.repeat(74)}é`))).toBe(`${'x'.repeat(74)}=\r\n=C3=A9`);
    const accents = quotedPrintable(Buffer.from('é'.repeat(100)));
    expect(accents.split('\r\n').every((line) => line.length <= 76 && /^(=[0-9A-F]{2})*=?$/.test(line))).toBe(
      true,
    );
  });

  it('quotes display names with specials and encodes non-ASCII ones', async () => {
    const raw = buildMime({
      ...english,
      from: '"Kindred, Records" <hello@shop.example>',
      to: ['Zoë <z@x.example>'],
    });
    expect(raw).toContain('From: "Kindred, Records" <hello@shop.example>');
    const email = await parse(raw);
    expect(email.from).toEqual({ name: 'Kindred, Records', address: 'hello@shop.example' });
    expect(email.to).toEqual([{ name: 'Zoë', address: 'z@x.example' }]);
  });

  it('sends a single part without a multipart wrapper', async () => {
    const raw = buildMime({ ...english, html: undefined });
    expect(raw).not.toContain('multipart');
    sameText((await parse(raw)).text, english.text);
  });

  it('refuses a header value with a line break (header injection) or a bad name', () => {
    expect(() => buildMime({ ...english, headers: [{ name: 'X-A', value: 'a\r\nBcc: b@x' }] })).toThrow(
      MimeHeaderError,
    );
    expect(() => buildMime({ ...english, subject: 'a\nb' })).toThrow(MimeHeaderError);
    expect(() => buildMime({ ...english, headers: [{ name: 'X A', value: 'a' }] })).toThrow(MimeHeaderError);
  });

  it('round-trips any subject and body (property)', async () => {
    await fc.assert(
      fc.asyncProperty(
        // Header values are unfolded by parsers: a subject of single-spaced words, no control characters.
        fc
          .string({ unit: 'grapheme', maxLength: 120 })
          .map((text) => text.replace(/[\p{Cc}\s]+/gu, ' ').trim()),
        fc.string({ unit: 'grapheme', maxLength: 400 }),
        async (subject, text) => {
          const email = await parse(buildMime({ ...english, subject, text, html: `<p>${text}</p>` }));
          expect(email.subject ?? '').toBe(subject);
          sameText(email.text, text);
        },
      ),
      { numRuns: 200 },
    );
  });
});
