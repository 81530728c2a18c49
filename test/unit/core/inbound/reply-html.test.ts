import { describe, expect, it } from 'vitest';
import {
  decodeEntities,
  htmlReplyToText,
  NAMED_ENTITIES,
} from '../../../../functions/core/inbound/reply-html.ts';

describe('HTML replies as text', () => {
  it('keeps the words and breaks lines at blocks, dropping head, styles, scripts and comments', () => {
    const html =
      '<html><head><title>t</title><style>p{color:red}</style></head><body><!-- note -->' +
      '<p>First   line<br>second line</p><div>Third<script>alert(1)</script></div>' +
      '<ul><li>one</li><li>two</li></ul></body></html>';
    expect(htmlReplyToText(html)).toBe('First line\nsecond line\n\nThird\n\n- one\n- two');
  });

  it('turns an Outlook <hr> into a rule and blockquotes, however nested, into "> " lines', () => {
    expect(htmlReplyToText('<div>New</div><hr><b>From:</b> Shop')).toBe('New\n\n----------\nFrom: Shop');
    expect(
      htmlReplyToText(
        'Mine<blockquote type="cite">Theirs<blockquote>Older</blockquote>Again</blockquote>After',
      ),
    ).toBe('Mine\n> Theirs\n> Older\n> Again\nAfter');
    expect(htmlReplyToText('</blockquote>Unbalanced<blockquote>quoted')).toBe('Unbalanced\n> quoted');
  });

  it('keeps the address of a link whose words differ from it', () => {
    expect(htmlReplyToText('See <a href="https://example.com/a?b=1&amp;c=2">this</a>.')).toBe(
      'See this (https://example.com/a?b=1&c=2).',
    );
    expect(htmlReplyToText('<a href="https://example.com">https://example.com</a>')).toBe(
      'https://example.com',
    );
    expect(htmlReplyToText('<a href="mailto:a@example.com">Asha</a>')).toBe('Asha');
  });

  it('keeps the line breaks of <pre> text', () => {
    expect(htmlReplyToText('<pre>one\r\ntwo</pre>')).toBe('one\ntwo');
  });

  it('decodes named and numeric references, after tags are gone', () => {
    expect(
      htmlReplyToText('&lt;b&gt;bold&lt;/b&gt; caf&eacute; &#8217; &#x20AC; &nbsp;&rsquo;&unknown;'),
    ).toBe('<b>bold</b> café ’ € ’&unknown;');
    expect(decodeEntities('&#0; &#x110000; &#xD800; &#99999999;')).toBe('\uFFFD \uFFFD \uFFFD \uFFFD');
    expect(NAMED_ENTITIES.get('yuml')).toBe('ÿ');
    expect(NAMED_ENTITIES.get('Agrave')).toBe('À');
  });

  it('ignores the private-use characters it marks quotes with when the sender writes them', () => {
    expect(htmlReplyToText('a<br>\uE000<br>b<br>\uE001<br>c')).toBe('a\n\nb\n\nc');
  });
});
