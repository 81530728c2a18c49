import { describe, expect, it } from 'vitest';
import { unsafeLinks } from '../../../../functions/core/rendering/render.ts';

describe('link targets an email may carry', () => {
  it.each([
    '<a href="javascript:alert(1)">x</a>',
    '<a href="JavaScript:alert(1)">x</a>',
    '<a href=" java\tscript:alert(1)">x</a>',
    '<a href="&#106;avascript:alert(1)">x</a>',
    '<a href="&#x6A;avascript&colon;alert(1)">x</a>',
    "<a href='data:text/html;base64,PHNjcmlwdD4='>x</a>",
    '<a href=vbscript:msgbox>x</a>',
    '<img src="data:image/svg+xml,<svg onload=alert(1)>">',
    '<a href="file:///etc/passwd">x</a>',
  ])('refuses %s', (html) => {
    expect(unsafeLinks(html)).toHaveLength(1);
  });

  it.each([
    '<a href="https://northwind.example/orders/1">x</a>',
    '<a href="http://northwind.example">x</a>',
    '<a href="mailto:care@northwind.example?subject=Hi">x</a>',
    '<a href="tel:+441234567890">x</a>',
    '<a href="#top">x</a>',
    '<a href="/relative">x</a>',
    '<a href="https://northwind.example/?q=javascript:x">x</a>',
    '<p>Type javascript: in the console</p>',
  ])('lets %s through', (html) => {
    expect(unsafeLinks(html)).toEqual([]);
  });
});
