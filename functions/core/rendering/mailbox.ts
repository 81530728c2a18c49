/** At most 45 bytes per encoded word: 60 base64 characters plus `=?UTF-8?B??=` stay within 75. */
const maxWordBytes = 45;

/** RFC 2047 encoded words, split between characters, never inside one. */
function encodedWords(text: string): string {
  const words: string[] = [];
  let current = '';
  for (const char of text) {
    if (Buffer.byteLength(current + char, 'utf8') > maxWordBytes) {
      words.push(current);
      current = '';
    }
    current += char;
  }
  if (current !== '') words.push(current);
  return words.map((word) => `=?UTF-8?B?${Buffer.from(word, 'utf8').toString('base64')}?=`).join(' ');
}

/**
 * An address with a display name as a header wants it (RFC 5322): `"Northwind care team"
 * <r+token@reply.shop.example>`, the name quoted when it is printable ASCII and written as RFC 2047
 * encoded words when it is not, so SES and every client read it the same.
 */
export function formatMailbox(name: string | undefined, address: string): string {
  const display = name?.replace(/[\r\n\t]+/g, ' ').trim();
  if (display === undefined || display === '') return address;
  if (/^[\x20-\x7e]*$/.test(display)) return `"${display.replace(/(["\\])/g, '\\$1')}" <${address}>`;
  return `${encodedWords(display)} <${address}>`;
}
