import { describe, expect, it } from 'vitest';
import { parseReply, repairWindows1252 } from '../../../../functions/core/inbound/parse-reply.ts';

const message = (headers: string, body: Uint8Array | string) =>
  Buffer.concat([Buffer.from(`${headers.replace(/\n/g, '\r\n')}\r\n\r\n`), Buffer.from(body)]);

describe('parsing a reply', () => {
  it.each([
    ['windows-1252', [0x93, 0x68, 0x69, 0x94, 0x20, 0x80, 0x35], '“hi” €5'],
    ['iso-8859-1', [0x54, 0x72, 0xe8, 0x73, 0x20, 0x92], 'Très ’'],
    ['iso-8859-2', [0x5a, 0xb3, 0x6f, 0x74, 0x79], 'Złoty'],
    ['koi8-r', [0xf0, 0xd2, 0xc9, 0xd7, 0xc5, 0xd4], 'Привет'],
    ['shift_jis', [0x82, 0xa0, 0x82, 0xa2], 'あい'],
    ['euc-jp', [0xa4, 0xa2, 0xa4, 0xa4], 'あい'],
    ['iso-2022-jp', [0x1b, 0x24, 0x42, 0x24, 0x22, 0x24, 0x24, 0x1b, 0x28, 0x42], 'あい'],
    ['gb2312', [0xc4, 0xe3, 0xba, 0xc3], '你好'],
    ['big5', [0xa7, 0x41, 0xa6, 0x6e], '你好'],
    ['euc-kr', [0xbe, 0xc8, 0xb3, 0xe7], '안녕'],
  ])('decodes a %s body', async (charset, bytes, text) => {
    const parsed = await parseReply(
      message(`Subject: x\nContent-Type: text/plain; charset=${charset}`, Uint8Array.from(bytes)),
    );
    expect(parsed.body.trim()).toBe(text);
  });

  it('decodes encoded-word subjects and unfolds headers, the last of a repeated header winning', async () => {
    const parsed = await parseReply(
      message(
        'From: =?iso-8859-1?Q?Jos=E9?= <jose@example.de>\nSubject: =?windows-1252?Q?=93Re=94:?=\n =?utf-8?B?IOCkqOCkruCkuOCljeCkpOClhw==?=\nAuto-Submitted: no\nAuto-Submitted: auto-replied\nPrecedence:\n bulk',
        'hello',
      ),
    );
    expect(parsed.subject).toBe('“Re”: नमस्ते');
    expect(parsed.from).toBe('jose@example.de');
    expect(parsed.headers.get('auto-submitted')).toBe('auto-replied');
    expect(parsed.headers.get('precedence')).toBe('bulk');
  });

  it('prefers the text part of an alternative, and ignores attachments', async () => {
    const parsed = await parseReply(
      message(
        'Content-Type: multipart/mixed; boundary="m"',
        [
          '--m',
          'Content-Type: multipart/alternative; boundary="a"',
          '',
          '--a',
          'Content-Type: text/plain; charset=utf-8',
          '',
          'Plain words',
          '--a',
          'Content-Type: text/html; charset=utf-8',
          '',
          '<p>HTML words</p>',
          '--a--',
          '--m',
          'Content-Type: application/pdf; name="invoice.pdf"',
          'Content-Disposition: attachment; filename="invoice.pdf"',
          'Content-Transfer-Encoding: base64',
          '',
          'JVBERi0xLjQK',
          '--m--',
          '',
        ].join('\r\n'),
      ),
    );
    expect(parsed.body.trim()).toBe('Plain words');
  });

  it('reads an HTML-only body as text, with its quoted history as "> " lines', async () => {
    const parsed = await parseReply(
      message(
        'Content-Type: text/html; charset=utf-8',
        '<div>Yes, please &amp; thanks</div><blockquote>Old news</blockquote>',
      ),
    );
    expect(parsed.body).toBe('Yes, please & thanks\n\n> Old news');
  });

  it('gives empty fields for a message with no body, subject or sender', async () => {
    expect(await parseReply(Buffer.from('X-Nothing: here\r\n\r\n'))).toMatchObject({
      subject: '',
      from: '',
      body: '',
    });
  });

  it('rejects MIME nested past the parser limit', async () => {
    const depth = 300;
    const opens = Array.from(
      { length: depth },
      (_, index) => `Content-Type: multipart/mixed; boundary="b${index}"\r\n\r\n--b${index}\r\n`,
    ).join('');
    await expect(parseReply(Buffer.from(`${opens}Content-Type: text/plain\r\n\r\nhi\r\n`))).rejects.toThrow();
  });

  it('reads C1 controls as the windows-1252 characters they stand for, leaving other text alone', () => {
    expect(repairWindows1252('“ok” – €, Привет')).toBe('“ok” – €, Привет');
    const repaired = repairWindows1252('\u0093ok\u0094 \u0096 \u0080 \u0081');
    expect(['“ok” – € \u0081', '\u0093ok\u0094 \u0096 \u0080 \u0081']).toContain(repaired);
  });
});
