import { describe, expect, it } from 'vitest';
import { formatTable, parseSpamReport, splitMessages } from '../../spam/check-eml.ts';

/** The head and tail of `spamassassin -L -t` output for one demo email (SpamAssassin 4.0.1). */
const output = `X-Spam-Checker-Version: SpamAssassin 4.0.1 (2024-03-25) on vm
X-Spam-Level: **
X-Spam-Status: No, score=1.7 required=5.0 tests=HTML_FONT_LOW_CONTRAST,
\tHTML_MESSAGE,NO_RECEIVED,NO_RELAYS,URI_DQ_UNSUB autolearn=no
\tautolearn_force=no version=4.0.1
From: Northwind Records <care@northwind.example>
Subject: =?UTF-8?B?TmltYWxp?=

 1.0 URI_DQ_UNSUB in a body line is not the report
--=_rekindle_01d47dcc3d5e39b1dccda9da--
Content analysis details:   (1.7 points, 5.0 required)

 pts rule name              description
---- ---------------------- --------------------------------------------------
-0.0 NO_RECEIVED            Informational: message has no Received headers
-0.0 NO_RELAYS              Informational: message was not relayed via SMTP
 0.0 HTML_MESSAGE           BODY: HTML included in message
 0.7 HTML_FONT_LOW_CONTRAST BODY: HTML font color similar or identical to
                            background
 1.0 URI_DQ_UNSUB           IP-address unsubscribe URI
`;

describe('parseSpamReport', () => {
  it('reads the score, the rules that fired and their points', () => {
    expect(parseSpamReport(output)).toEqual({
      score: 1.7,
      rules: [
        { name: 'HTML_FONT_LOW_CONTRAST', points: 0.7 },
        { name: 'HTML_MESSAGE', points: 0 },
        { name: 'NO_RECEIVED', points: -0 },
        { name: 'NO_RELAYS', points: -0 },
        { name: 'URI_DQ_UNSUB', points: 1 },
      ],
    });
  });

  it('reads a clean message (tests=none) and refuses output without a status header', () => {
    expect(parseSpamReport('X-Spam-Status: No, score=0.0 required=5.0 tests=none autolearn=ham\n')).toEqual({
      score: 0,
      rules: [],
    });
    expect(() => parseSpamReport('From: a@b.c\n\nhello\n')).toThrow('X-Spam-Status');
  });
});

describe('formatTable', () => {
  it('marks each file above the limit and counts the rules', () => {
    const table = formatTable(
      [
        { file: '0001-c1-check-in.eml', score: 1.7, rules: [{ name: 'URI_DQ_UNSUB', points: 1 }] },
        { file: '0002-c2-check-in.eml', score: 0, rules: [] },
      ],
      0.5,
    );
    expect(table.split('\n')).toEqual([
      'file                  score  rules',
      '0001-c1-check-in.eml    1.7! URI_DQ_UNSUB=1',
      '0002-c2-check-in.eml    0.0  ',
      '',
      '2 emails, highest score 1.7, 1 above 0.5',
      '  URI_DQ_UNSUB                      1 pts  in 1',
    ]);
  });
});

describe('splitMessages', () => {
  it("splits the output of several messages at each one's first header", () => {
    const two = splitMessages(`${output}${output.replace('score=1.7', 'score=0.2')}`);
    expect(two.map((report) => parseSpamReport(report).score)).toEqual([1.7, 0.2]);
  });
});
