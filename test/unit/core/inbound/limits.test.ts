import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  decodeFlowed,
  INBOUND_LIMITS,
  InboundLimitError,
  inboundLimitExceeded,
  parseReply,
  verdictsInHeaders,
} from '../../../../functions/core/inbound/parse-reply.ts';
import { htmlReplyToText } from '../../../../functions/core/inbound/reply-html.ts';
import { extractNewText } from '../../../../functions/core/inbound/reply-text.ts';

const message = (headers: string, body: string) => Buffer.from(`${headers}\r\n\r\n${body}`);

describe('inbound limits, checked before parsing', () => {
  it('accepts an ordinary message', () => {
    expect(inboundLimitExceeded(message('Subject: hi', 'Hello\r\n'))).toBeUndefined();
  });

  it.each([
    ['headers', message(`Subject: ${'a'.repeat(INBOUND_LIMITS.headerBytes)}`, 'x'), /^headers of 1\.0 MiB/],
    ['a header section without an end', Buffer.from('X: y\r\n'.repeat(200_000)), /^headers of/],
    // Prose, not base64: long base64 runs are attachments, cut short before the check (large-attachment.test.ts).
    ['the body', message('Subject: x', 'word '.repeat(200).concat('\n').repeat(4_500)), /^body of 4\.3 MiB/],
    ['a single 6.5 MB line', message('Subject: x', 'a'.repeat(6_500_000)), /^body of 6\.2 MiB/],
    ['a single 2 MB line', message('Subject: x', 'a'.repeat(2_000_000)), /^a line of 1\.9 MiB/],
    [
      'the line count',
      message('Subject: x', 'hi\n'.repeat(INBOUND_LIMITS.lines + 1)),
      /^4000\d lines \(limit 40000\)/,
    ],
    [
      'the part count',
      message('Subject: x', '--b\n'.repeat(INBOUND_LIMITS.boundaryLines + 1)),
      /MIME boundary lines/,
    ],
  ])('refuses %s over the limit with the reason', async (_what, raw, reason) => {
    expect(inboundLimitExceeded(raw)).toMatch(reason);
    await expect(parseReply(raw)).rejects.toBeInstanceOf(InboundLimitError);
  });
});

describe('format=flowed (RFC 3676)', () => {
  it('joins soft-broken lines of the same quote depth only', () => {
    const raw = '> We miss you. Come \r\n> back soon. \r\nYes I will \r\ncome back.\r\n\r\n-- \r\nAsha';
    expect(decodeFlowed(raw, false)).toBe(
      '> We miss you. Come back soon.\nYes I will come back.\n\n-- \nAsha',
    );
  });

  it('removes stuffing and, with DelSp=yes, the space before a soft break', () => {
    expect(decodeFlowed(' >From here on \r\nwe go.', false)).toBe('>From here on we go.');
    expect(decodeFlowed('Dies ist ein lan \r\nges Wort.', true)).toBe('Dies ist ein langes Wort.');
  });

  it('keeps nested quote levels apart', () => {
    expect(decodeFlowed('>> old \r\n> newer \r\n> still\r\nnew', false)).toBe('>> old\n> newer still\nnew');
  });
});

describe('SES verdicts in the headers', () => {
  it('reads the first Authentication-Results only, as SES prepends its own', () => {
    expect(
      verdictsInHeaders([
        { key: 'authentication-results', value: 'amazonses.com; spf=softfail; dkim=pass; dmarc=fail' },
        { key: 'x-ses-spam-verdict', value: 'FAIL' },
        { key: 'authentication-results', value: 'amazonses.com; spf=pass; dkim=pass; dmarc=pass' },
      ]),
    ).toEqual({ spf: 'softfail', dkim: 'pass', dmarc: 'fail', spam: 'FAIL' });
  });
});

describe('never throws', () => {
  const lines = fc.array(
    fc.oneof(
      fc.string({ maxLength: 120 }),
      fc.constantFrom(
        '> quoted',
        'On Mon, 1 Dec 2026, Shop <care@shop.example> wrote:',
        'От: Shop',
        'Отправлено: сегодня',
        '-----Original Message-----',
        '__________',
        '-- ',
        'Sent from my iPhone',
        'пользователь Shop <care@shop.example> написал:',
      ),
    ),
    { maxLength: 40 },
  );

  it('the text extractor, on any text', () => {
    fc.assert(
      fc.property(
        fc.oneof(
          fc.string({ maxLength: 2_000 }),
          lines.map((list) => list.join('\n')),
        ),
        (text) => {
          expect(typeof extractNewText(text)).toBe('string');
        },
      ),
    );
  });

  it('the HTML reader and the flowed decoder, on any text', () => {
    fc.assert(
      fc.property(fc.string({ maxLength: 2_000 }), fc.boolean(), (text, delSp) => {
        expect(typeof htmlReplyToText(text)).toBe('string');
        expect(typeof decodeFlowed(text, delSp)).toBe('string');
      }),
    );
  });

  it('the extractor on hostile shapes: a 6.5 MB line, 200,000 quoted lines, a long folded attribution', () => {
    expect(extractNewText('a'.repeat(6_500_000))).toHaveLength(6_500_000);
    expect(extractNewText(`hi\n${'> q\n'.repeat(200_000)}`)).toBe('hi');
    expect(extractNewText(`On ${'x '.repeat(100_000)}\nwrote:\nhi`)).toContain('hi');
  });
});
