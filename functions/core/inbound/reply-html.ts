/**
 * The plain text of an HTML-only reply, shaped for `extractNewText`: quoted history inside
 * `<blockquote>` comes out as `> ` lines and an Outlook `<hr>` as a rule of dashes. One linear pass
 * over the tags, so hostile HTML of any size costs time in proportion to its length.
 */

/**
 * A tag, or a declaration or processing instruction (`<!DOCTYPE …>`, `<?xml …?>` that Hotmail puts
 * first, `<![if …]>`), bounded by the next `<` so that an unclosed one never makes the scan quadratic.
 */
const TAG = /<(?:[?!][^<>]*|(\/?)([a-z][a-z0-9]*)\b([^<>]*))>/gi;
const BLOCK = /^(p|div|h[1-6]|ul|ol|dl|dt|dd|tr|table|section|article|header|footer|address|center)$/i;
const SKIPPED = /^(style|script|head|title)$/i;
const QUOTE_OPEN = '\uE000';
const QUOTE_CLOSE = '\uE001';

/** HTML 4's Latin-1 names, for U+00A0 to U+00FF in order. */
const LATIN1_NAMES =
  'nbsp iexcl cent pound curren yen brvbar sect uml copy ordf laquo not shy reg macr deg plusmn sup2 sup3 acute micro para middot cedil sup1 ordm raquo frac14 frac12 frac34 iquest Agrave Aacute Acirc Atilde Auml Aring AElig Ccedil Egrave Eacute Ecirc Euml Igrave Iacute Icirc Iuml ETH Ntilde Ograve Oacute Ocirc Otilde Ouml times Oslash Ugrave Uacute Ucirc Uuml Yacute THORN szlig agrave aacute acirc atilde auml aring aelig ccedil egrave eacute ecirc euml igrave iacute icirc iuml eth ntilde ograve oacute ocirc otilde ouml divide oslash ugrave uacute ucirc uuml yacute thorn yuml'.split(
    ' ',
  );

/** The named entities mail clients write: markup, Latin-1 and typographic punctuation. */
export const NAMED_ENTITIES: ReadonlyMap<string, string> = new Map([
  ...LATIN1_NAMES.map((name, index): [string, string] => [name, String.fromCharCode(0xa0 + index)]),
  ...Object.entries({
    quot: '"',
    amp: '&',
    apos: "'",
    lt: '<',
    gt: '>',
    OElig: 'Œ',
    oelig: 'œ',
    Scaron: 'Š',
    scaron: 'š',
    Yuml: 'Ÿ',
    fnof: 'ƒ',
    circ: 'ˆ',
    tilde: '˜',
    ensp: '\u2002',
    emsp: '\u2003',
    thinsp: '\u2009',
    zwnj: '\u200c',
    zwj: '\u200d',
    lrm: '\u200e',
    rlm: '\u200f',
    ndash: '–',
    mdash: '—',
    lsquo: '‘',
    rsquo: '’',
    sbquo: '‚',
    ldquo: '“',
    rdquo: '”',
    bdquo: '„',
    dagger: '†',
    Dagger: '‡',
    bull: '•',
    hellip: '…',
    permil: '‰',
    prime: '′',
    Prime: '″',
    lsaquo: '‹',
    rsaquo: '›',
    euro: '€',
    trade: '™',
    larr: '←',
    rarr: '→',
    uarr: '↑',
    darr: '↓',
    hearts: '♥',
  }),
]);

/** Named and numeric character references; an unknown name stays as written, a bad number becomes U+FFFD. */
export function decodeEntities(text: string): string {
  return text.replace(/&(#[0-9]{1,8}|#x[0-9a-f]{1,8}|[a-z][a-z0-9]{1,31});/gi, (match, ref: string) => {
    if (!ref.startsWith('#')) return NAMED_ENTITIES.get(ref) ?? match;
    const code = ref[1] === 'x' || ref[1] === 'X' ? Number.parseInt(ref.slice(2), 16) : Number(ref.slice(1));
    const valid = code > 0 && code <= 0x10ffff && !(code >= 0xd800 && code <= 0xdfff);
    return valid ? String.fromCodePoint(code) : '\uFFFD';
  });
}

/** HTML comments removed by search rather than a lazy pattern, which would rescan on each unclosed `<!--`. */
function withoutComments(html: string): string {
  let out = '';
  let at = 0;
  for (;;) {
    const open = html.indexOf('<!--', at);
    if (open === -1) return out + html.slice(at);
    out += html.slice(at, open);
    const close = html.indexOf('-->', open + 4);
    if (close === -1) return out;
    at = close + 3;
  }
}

/** An HTML mail body as plain text, with quoted history as `> ` lines. */
export function htmlReplyToText(html: string): string {
  const source = withoutComments(html.replace(/[\uE000\uE001]/g, ''));
  const parts: string[] = [];
  let skipping: string | undefined;
  let inPre = 0;
  const links: { href: string | undefined; start: number }[] = [];
  const text = (segment: string) => {
    if (skipping !== undefined || segment === '') return;
    parts.push(decodeEntities(inPre > 0 ? segment.replace(/\r\n?/g, '\n') : segment.replace(/\s+/g, ' ')));
  };
  let at = 0;
  for (const match of source.matchAll(TAG)) {
    text(source.slice(at, match.index));
    at = match.index + match[0].length;
    const closing = match[1] === '/';
    const name = (match[2] ?? '').toLowerCase();
    if (name === '') continue;
    if (skipping !== undefined) {
      if (closing && name === skipping) skipping = undefined;
      continue;
    }
    if (SKIPPED.test(name)) {
      if (!closing && !/\/\s*$/.test(match[3] ?? '')) skipping = name;
    } else if (name === 'br') parts.push('\n');
    else if (name === 'hr') parts.push('\n----------\n');
    else if (name === 'blockquote') parts.push(`\n${closing ? QUOTE_CLOSE : QUOTE_OPEN}\n`);
    else if (name === 'li') parts.push(closing ? '' : '\n- ');
    else if (name === 'td' || name === 'th') parts.push(' ');
    else if (name === 'pre') {
      inPre = Math.max(0, inPre + (closing ? -1 : 1));
      parts.push('\n');
    } else if (BLOCK.test(name)) parts.push('\n');
    else if (name === 'a' && !closing) {
      const href = /\bhref\s*=\s*(?:"([^"]*)"|'([^']*)'|([^\s"'=]+))/i.exec(match[3] ?? '');
      links.push({ href: href?.[1] ?? href?.[2] ?? href?.[3], start: parts.length });
    } else if (name === 'a') {
      const link = links.pop();
      const href = link?.href === undefined ? undefined : decodeEntities(link.href).trim();
      // A bounded look back at the label keeps nested unclosed links linear.
      const start = link?.start ?? parts.length;
      const label = parts.length - start > 64 ? '' : parts.slice(start).join('').trim();
      if (href !== undefined && /^https?:/i.test(href) && label !== href) parts.push(` (${href})`);
    }
  }
  text(source.slice(at));

  // Lines inside a blockquote become "> " lines, so the quoted history is dropped like a text reply's.
  let depth = 0;
  const lines: string[] = [];
  for (const raw of parts.join('').split('\n')) {
    const line = raw.replace(/[ \t\u00a0]+/g, ' ').trim();
    if (line === QUOTE_OPEN) depth += 1;
    else if (line === QUOTE_CLOSE) depth = Math.max(0, depth - 1);
    else lines.push(depth > 0 ? `> ${line}`.trimEnd() : line);
  }
  return lines
    .join('\n')
    .replace(/\n{3,}/g, '\n\n')
    .trim();
}
