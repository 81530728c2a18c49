/** The filters a template may use, argument for argument as liquidjs has them. */

import { isFalsy, plain, stringify } from './values.ts';

export const toNumber = (value: unknown) => +(plain(value) as number) || 0;
export const codePointsUpTo = (text: string, count: number) => {
  let index = 0;
  for (let i = 0; i < count && index < text.length; i += 1)
    index += (text.codePointAt(index) ?? 0) > 0xffff ? 2 : 1;
  return index;
};
export const codePointLength = (text: string) => [...text].length;

export function trimStartOf(text: string, chars: ReadonlySet<string>): number {
  let start = 0;
  for (const char of text) {
    if (!chars.has(char)) break;
    start += char.length;
  }
  return start;
}
export function trimEndOf(text: string, chars: ReadonlySet<string>, start = 0): number {
  let end = text.length;
  while (end > start) {
    const size = end - start >= 2 && (text.codePointAt(end - 2) ?? 0) > 0xffff ? 2 : 1;
    if (!chars.has(text.slice(end - size, end))) break;
    end -= size;
  }
  return end;
}

export const htmlEscapes: Readonly<Record<string, string>> = {
  '&': '&amp;',
  '<': '&lt;',
  '>': '&gt;',
  '"': '&#34;',
  "'": '&#39;',
};
export const escapeHtml = (value: unknown) =>
  stringify(value).replace(/[&<>"']/g, (char) => htmlEscapes[char] ?? char);

/** An element of a list or a string (a UTF-16 unit, as liquidjs reads it); negative from the end. */
export function elementAt(list: ArrayLike<unknown>, index: number): unknown {
  const at = index < 0 ? list.length + index : index;
  return Object.hasOwn(list, at) ? list[at] : undefined;
}
/** liquidjs's test: a truthy value with a numeric length (so "" is not one). */
export const isArrayLike = (value: unknown): value is ArrayLike<unknown> =>
  Boolean(value) && typeof (value as { length?: unknown }).length === 'number';

/** Filters a template may use: liquidjs's, argument for argument. `raw` stops the output's escaping. */
export const filters: Readonly<Record<string, (value: unknown, ...args: unknown[]) => unknown>> = {
  default: (value, fallback, ...options) => {
    const inner = plain(value);
    if (Array.isArray(inner) || typeof inner === 'string') return inner.length > 0 ? inner : fallback;
    const allowFalse = options.some(
      (option) => Array.isArray(option) && option[0] === 'allow_false' && !isFalsy(option[1]),
    );
    if (inner === false && allowFalse) return false;
    return isFalsy(inner) ? fallback : inner;
  },
  upcase: (value) => stringify(value).toUpperCase(),
  downcase: (value) => stringify(value).toLowerCase(),
  capitalize: (value) => {
    const text = stringify(value);
    return text.charAt(0).toUpperCase() + text.slice(1).toLowerCase();
  },
  strip: (value, chars) => {
    const text = stringify(value);
    if (!chars) return text.trim();
    const set = new Set(stringify(chars));
    const start = trimStartOf(text, set);
    return text.slice(start, trimEndOf(text, set, start));
  },
  lstrip: (value, chars) => {
    const text = stringify(value);
    return chars ? text.slice(trimStartOf(text, new Set(stringify(chars)))) : text.trimStart();
  },
  rstrip: (value, chars) => {
    const text = stringify(value);
    return chars ? text.slice(0, trimEndOf(text, new Set(stringify(chars)))) : text.trimEnd();
  },
  append: (value, tail) => stringify(value) + stringify(tail),
  prepend: (value, head) => stringify(head) + stringify(value),
  replace: (value, pattern, replacement) =>
    stringify(value).split(stringify(pattern)).join(stringify(replacement)),
  replace_first: (value, pattern, replacement) => {
    const text = stringify(replacement);
    return stringify(value).replace(stringify(pattern), () => text);
  },
  remove: (value, pattern) => stringify(value).split(stringify(pattern)).join(''),
  remove_first: (value, pattern) => stringify(value).replace(stringify(pattern), ''),
  truncate: (value, length = 50, ellipsis = '...') => {
    const text = stringify(value);
    const tail = stringify(ellipsis);
    const limit = length as number;
    if (text.length <= limit || codePointsUpTo(text, limit) >= text.length) return value;
    return text.slice(0, codePointsUpTo(text, Math.max(limit - codePointLength(tail), 0))) + tail;
  },
  truncatewords: (value, count = 15, ellipsis = '...') => {
    const words = stringify(value).trimStart().split(/\s+/);
    const limit = (count as number) <= 0 ? 1 : (count as number);
    let result = words.slice(0, limit).join(' ');
    if (words.length >= limit) result += stringify(ellipsis);
    return result;
  },
  size: (value) => {
    const inner = value as { length?: unknown } | null | undefined;
    return inner?.length || 0;
  },
  first: (value) => {
    const inner = plain(value);
    return isArrayLike(inner) ? elementAt(inner, 0) : '';
  },
  last: (value) => {
    const inner = plain(value);
    return isArrayLike(inner) ? elementAt(inner, -1) : '';
  },
  join: (value, separator) => {
    const inner = plain(value);
    const list = inner == null ? [] : Array.isArray(inner) ? inner : [inner];
    const plainSeparator = plain(separator);
    return list.join(plainSeparator == null ? ' ' : stringify(plainSeparator));
  },
  split: (value, separator) => {
    const parts = stringify(value).split(stringify(separator));
    while (parts.length > 0 && parts.at(-1) === '') parts.pop();
    return parts;
  },
  plus: (value, operand) => toNumber(value) + toNumber(operand),
  minus: (value, operand) => toNumber(value) - toNumber(operand),
  times: (value, operand) => toNumber(value) * toNumber(operand),
  escape: escapeHtml,
  raw: (value) => value,
  strip_html: (value) => stripHtml(stringify(value)),
  url_encode: (value) => encodeURIComponent(stringify(value)).replace(/%20/g, '+'),
  newline_to_br: (value) => stringify(value).replace(/\r?\n/gm, '<br />\n'),
};

/** Filters a template may use. */
export const liquidFilters = Object.keys(filters).sort();

/** Text without its tags, scripts, styles and comments, as liquidjs's strip_html reads them. */
function stripHtml(text: string): string {
  const blocks = new Map([
    ['<script', '</script>'],
    ['<style', '</style>'],
    ['<!--', '-->'],
    ['<', '>'],
  ]);
  let out = '';
  let position = 0;
  while (position < text.length) {
    const open = text.indexOf('<', position);
    if (open < 0) return out + text.slice(position);
    out += text.slice(position, open);
    for (const [opener, closer] of blocks) {
      if (!text.startsWith(opener, open)) continue;
      const close = text.indexOf(closer, open + opener.length);
      if (close >= 0) {
        position = close + closer.length;
        break;
      }
      blocks.delete(opener);
    }
    if (position <= open) return out + text.slice(open);
  }
  return out;
}
