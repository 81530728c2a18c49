import { createHash } from 'node:crypto';

/** One email as SES would put it on the wire: the sender's fields and the rendered parts. */
export interface MimeInput {
  readonly from: string;
  readonly to: readonly string[];
  readonly replyTo?: readonly string[];
  readonly subject: string;
  /** When it was sent (epoch ms); the `Date` header, in UTC. */
  readonly date: number;
  /** SES's message id; the `Message-ID` header is `<id@domain>`. */
  readonly messageId: string;
  /** @default 'email.amazonses.com' */
  readonly messageIdDomain?: string;
  /** The sender's own headers (List-Unsubscribe, …), in order, after the standard ones. */
  readonly headers?: readonly { readonly name: string; readonly value: string }[];
  readonly text?: string;
  readonly html?: string;
}

/** A header name or value that would break the message (a line break, a bad name). */
export class MimeHeaderError extends Error {
  override readonly name = 'MimeHeaderError';
}

const crlf = '\r\n';
/** RFC 5322 recommends lines of at most 78 characters; RFC 2045 caps encoded lines at 76. */
const foldAt = 78;
const encodedLineLength = 76;
const ascii = /^[\x20-\x7e]*$/;
const headerName = /^[\x21-\x39\x3b-\x7e]+$/;

/**
 * The raw RFC 5322 / MIME message for `input`: standard headers, the sender's headers, and a
 * multipart/alternative body with the text part first (the least preferred), then the HTML. Non-ASCII
 * subjects and display names become RFC 2047 encoded-words; each body part is quoted-printable or
 * base64, whichever is shorter. Lines end in CRLF. Deterministic for the same input.
 */
export function buildMime(input: MimeInput): string {
  const lines: string[] = [header('From', addressList([input.from])), header('To', addressList(input.to))];
  if (input.replyTo !== undefined && input.replyTo.length > 0)
    lines.push(header('Reply-To', addressList(input.replyTo)));
  lines.push(
    header('Subject', unstructured(input.subject)),
    header('Date', rfc5322Date(input.date)),
    header('Message-ID', `<${input.messageId}@${input.messageIdDomain ?? 'email.amazonses.com'}>`),
  );
  for (const { name, value } of input.headers ?? []) {
    if (!headerName.test(name)) throw new MimeHeaderError(`"${name}" is not a valid header name`);
    lines.push(header(name, unstructured(value)));
  }
  lines.push('MIME-Version: 1.0');
  const parts = [
    ...(input.text === undefined ? [] : [bodyPart('text/plain', input.text)]),
    ...(input.html === undefined ? [] : [bodyPart('text/html', input.html)]),
  ];
  const [only] = parts;
  if (parts.length === 1 && only !== undefined) {
    // The message ends in a line break without adding one to the content: a soft break in
    // quoted-printable, nothing a base64 decoder reads.
    const end = only.body.endsWith(crlf) || only.body === '' ? '' : only.quoted ? `=${crlf}` : crlf;
    return [...lines, ...only.headers, '', `${only.body}${end}`].join(crlf);
  }
  // Neither base64 nor quoted-printable output can contain "=_", so the boundary never occurs in a part.
  const boundary = `=_rekindle_${createHash('sha256').update(input.messageId).digest('hex').slice(0, 24)}`;
  lines.push(`Content-Type: multipart/alternative;${crlf} boundary="${boundary}"`, '');
  for (const part of parts) lines.push(`--${boundary}`, ...part.headers, '', part.body);
  lines.push(`--${boundary}--`, '');
  return lines.join(crlf);
}

/** `Name: value`, folded at spaces to lines of at most 78 characters where the value allows. */
function header(name: string, value: string): string {
  if (/[\r\n]/.test(value)) throw new MimeHeaderError(`the ${name} header's value contains a line break`);
  const words = value.split(' ');
  const lines: string[] = [];
  let line = `${name}:`;
  for (const word of words) {
    if (line.length + 1 + word.length > foldAt && line.trim().length > name.length + 1) {
      lines.push(line);
      line = '';
    }
    line += ` ${word}`;
  }
  lines.push(line);
  return lines.join(crlf);
}

/**
 * An unstructured header value (Subject, custom headers): as is when printable ASCII, else RFC 2047
 * B encoded-words of whole characters, each at most 75 characters long, separated by spaces.
 */
function unstructured(value: string): string {
  // Refused before encoding: a line break in a value is a bug upstream (or header injection).
  if (/[\r\n]/.test(value)) throw new MimeHeaderError('a header value contains a line break');
  return ascii.test(value) ? value : encodedWords(value);
}

/** Base64 encoded-words; a character's bytes never split across two words (RFC 2047 §5). */
function encodedWords(value: string): string {
  // "=?UTF-8?B?" + "?=" is 12 characters: 39 bytes make 52 of base64, 64 in all, so that the first
  // word fits on the header's first line after "Subject: " or "Reply-To: ".
  const maxBytes = 39;
  const words: string[] = [];
  let chunk = '';
  for (const character of value) {
    if (Buffer.byteLength(chunk + character) > maxBytes) {
      words.push(chunk);
      chunk = '';
    }
    chunk += character;
  }
  words.push(chunk);
  return words.map((word) => `=?UTF-8?B?${Buffer.from(word).toString('base64')}?=`).join(' ');
}

/** Addresses, each `Display Name <local@domain>` or bare; display names quoted or encoded as needed. */
function addressList(addresses: readonly string[]): string {
  return addresses.map(address).join(', ');
}

function address(value: string): string {
  const named = /^\s*(.*?)\s*<([^<>\s]+)>\s*$/.exec(value);
  if (named === null) return value.trim();
  const [, rawName = '', addr = ''] = named;
  const name = rawName.replace(/^"(.*)"$/, '$1').replace(/\\(.)/g, '$1');
  if (name === '') return `<${addr}>`;
  if (!ascii.test(name)) return `${encodedWords(name)} <${addr}>`;
  // RFC 5322 "specials" need a quoted string; plain words (atoms) do not.
  return /[()<>[\]:;@\\,."]/.test(name)
    ? `"${name.replace(/(["\\])/g, '\\$1')}" <${addr}>`
    : `${name} <${addr}>`;
}

const weekdays = ['Sun', 'Mon', 'Tue', 'Wed', 'Thu', 'Fri', 'Sat'];
const months = ['Jan', 'Feb', 'Mar', 'Apr', 'May', 'Jun', 'Jul', 'Aug', 'Sep', 'Oct', 'Nov', 'Dec'];

/** RFC 5322 date-time in UTC: `Mon, 23 Nov 2026 09:00:00 +0000`. */
export function rfc5322Date(at: number): string {
  const date = new Date(at);
  const two = (value: number) => String(value).padStart(2, '0');
  return `${weekdays[date.getUTCDay()]}, ${date.getUTCDate()} ${months[date.getUTCMonth()]} ${date.getUTCFullYear()} ${two(date.getUTCHours())}:${two(date.getUTCMinutes())}:${two(date.getUTCSeconds())} +0000`;
}

/** A text part in UTF-8, quoted-printable or base64, whichever is shorter; line breaks as CRLF. */
function bodyPart(
  type: 'text/plain' | 'text/html',
  content: string,
): { headers: string[]; body: string; quoted: boolean } {
  const bytes = Buffer.from(content.replace(/\r?\n/g, crlf));
  const quoted = quotedPrintable(bytes);
  // Its length without encoding it: 4 characters per 3 bytes, a CRLF per 76.
  const base64Length = Math.ceil(bytes.length / 3) * 4;
  const useBase64 = base64Length + Math.floor(base64Length / encodedLineLength) * 2 < quoted.length;
  return {
    headers: [
      `Content-Type: ${type}; charset=UTF-8`,
      `Content-Transfer-Encoding: ${useBase64 ? 'base64' : 'quoted-printable'}`,
    ],
    body: useBase64 ? base64Lines(bytes) : quoted,
    quoted: !useBase64,
  };
}

function base64Lines(bytes: Buffer): string {
  const encoded = bytes.toString('base64');
  const lines: string[] = [];
  for (let at = 0; at < encoded.length; at += encodedLineLength)
    lines.push(encoded.slice(at, at + encodedLineLength));
  return lines.join(crlf);
}

const hex = (char: string) => `=${char.charCodeAt(0).toString(16).toUpperCase().padStart(2, '0')}`;

/**
 * RFC 2045 §6.7 quoted-printable: CRLF stays a hard line break; "=", control and 8-bit bytes, and
 * whitespace before a line end are escaped; soft breaks keep every line at most 76 characters.
 */
export function quotedPrintable(bytes: Buffer): string {
  // One character per byte, so that a regular expression can escape whole lines at once.
  const lines = bytes.toString('latin1').split(crlf);
  const output: string[] = [];
  for (const line of lines) {
    const escaped = line.replace(/[^\t\x20-\x3c\x3e-\x7e]/g, hex).replace(/[\t ]$/, hex);
    let at = 0;
    // Room for the soft break's "=" at the end of each line; never split an "=XX" escape.
    while (escaped.length - at > encodedLineLength) {
      let end = at + encodedLineLength - 1;
      const lastEscape = escaped.lastIndexOf('=', end - 1);
      if (lastEscape > end - 3) end = lastEscape;
      output.push(`${escaped.slice(at, end)}=`);
      at = end;
    }
    output.push(escaped.slice(at));
  }
  return output.join(crlf);
}
