import { describe, expect, it } from 'vitest';
import { contentLink } from '../../../functions/local/recipient-simulator.ts';

/** The simulated recipients click only what SES would track: a content link, never the unsubscribe link. */
describe('contentLink', () => {
  it('skips the no-track unsubscribe link and mailto links', () => {
    const html =
      '<a href="mailto:care@shop.example">write</a><a ses:no-track="" href="https://shop.example/u?t=x">Unsubscribe</a>';
    expect(contentLink(html)).toBeUndefined();
  });

  it('finds the first tracked http(s) link, unescaped', () => {
    const html =
      '<a ses:no-track href="https://shop.example/u">u</a> <a class="x" href="https://shop.example/fixes?a=1&amp;b=2">read</a>';
    expect(contentLink(html)).toBe('https://shop.example/fixes?a=1&b=2');
  });
});
