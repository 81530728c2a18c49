import PostalMime from 'postal-mime';
import { htmlReplyToText } from './reply-html.ts';

/** What receiving a reply needs from its MIME; attachments are decoded by the parser but ignored. */
export interface ParsedReply {
  /** Header values by lower-case name, unfolded but not decoded; the last of a repeated header wins. */
  readonly headers: ReadonlyMap<string, string>;
  readonly subject: string;
  /** The sender's address, or '' when there is none. */
  readonly from: string;
  /** The text part, or the HTML part as text (quoted history as `> ` lines) when there is no text part. */
  readonly body: string;
  /** SES's SPF/DKIM/DMARC, spam and virus verdicts from the headers it adds on receipt. */
  readonly verdicts: AuthenticationVerdicts;
}

/** Windows-1252's characters for bytes 0x80 to 0x9F (the five it leaves undefined stay C1 controls). */
const C1_AS_WINDOWS_1252 = '€\u0081‚ƒ„…†‡ˆ‰Š‹Œ\u008dŽ\u008f\u0090‘’“”•–—˜™š›œ\u009džŸ';

/**
 * Node's TextDecoder has read windows-1252 (and so iso-8859-1 and us-ascii, its WHATWG aliases) as
 * Latin-1 since 20.18.3 and 22.13.0 (nodejs/node#60888): € and curly quotes come out as C1 controls.
 */
const decodesWindows1252 = new TextDecoder('windows-1252').decode(Uint8Array.of(0x93)) === '“';

/** C1 controls read back as the windows-1252 characters they were sent as, on a runtime with that bug. */
export function repairWindows1252(text: string): string {
  if (decodesWindows1252) return text;
  return text.replace(/[\u0080-\u009f]/g, (char) => C1_AS_WINDOWS_1252[char.charCodeAt(0) - 0x80] ?? char);
}

/** What one received mail may hold before it is parsed at all; each is checked in one pass over the bytes. */
export const INBOUND_LIMITS = {
  /** The top-level header section (SES's own limit on a received message's headers is 1 MiB). */
  headerBytes: 1024 * 1024,
  /** Everything after the header section (lines bound an attachment to less than this anyway). */
  bodyBytes: 4 * 1024 * 1024,
  /** One line; RFC 5322 asks for 998, but HTML mail of a few hundred KiB on one line is common. */
  lineBytes: 1024 * 1024,
  /**
   * Lines: the parser stores each line of a part as a piece of its own, about 15 µs each for text,
   * so this bounds its time (a 2.2 MiB photo, base64-encoded, has 40,000 lines).
   */
  lines: 40_000,
  /** Lines starting with `--`: an upper bound on the MIME parts, counted without parsing. */
  boundaryLines: 500,
  /** MIME nesting depth, passed to the parser. */
  nestingDepth: 20,
} as const;

/** Consecutive base64 lines kept of one run: about 150 KB, more than any text part of a reply. */
export const keptBase64Lines = 2_000;

/** A line of base64 as MIME writes it (at least 40 characters of the alphabet, CR allowed at the end). */
function isBase64Line(raw: Uint8Array, start: number, end: number): boolean {
  if (end > start && raw[end - 1] === 0x0d) end -= 1;
  if (end - start < 40) return false;
  for (let at = start; at < end; at += 1) {
    const byte = raw[at] ?? 0;
    const letterOrDigit =
      (byte >= 0x41 && byte <= 0x5a) || (byte >= 0x61 && byte <= 0x7a) || (byte >= 0x30 && byte <= 0x39);
    if (!letterOrDigit && byte !== 0x2b && byte !== 0x2f && byte !== 0x3d) return false;
  }
  return true;
}

/**
 * The mail with every run of base64 lines cut to its first {@link keptBase64Lines}, in one linear
 * pass: attachments shrink to a stub the parser reads quickly, text parts are left whole.
 */
export function withoutLongBase64Runs(raw: Uint8Array): Uint8Array {
  const kept: Uint8Array[] = [];
  let run = 0;
  let lineStart = 0;
  let keptFrom = 0;
  for (let at = 0; at <= raw.length; at += 1) {
    if (at < raw.length && raw[at] !== 0x0a) continue;
    const lineEnd = Math.min(at + 1, raw.length);
    run = isBase64Line(raw, lineStart, at) ? run + 1 : 0;
    if (run > keptBase64Lines) {
      if (keptFrom < lineStart) kept.push(raw.subarray(keptFrom, lineStart));
      keptFrom = lineEnd;
    }
    lineStart = lineEnd;
  }
  if (keptFrom < raw.length) kept.push(raw.subarray(keptFrom));
  return Buffer.concat(kept);
}

/** A received mail over one of the inbound limits; its message is the reason recorded. */
export class InboundLimitError extends Error {
  override readonly name = 'InboundLimitError';
}

const mib = (bytes: number) => `${(bytes / 1024 / 1024).toFixed(1)} MiB`;

/** The first limit a raw mail exceeds, in one linear pass; undefined when it is within all of them. */
export function inboundLimitExceeded(raw: Uint8Array): string | undefined {
  let headerEnd = -1;
  let lineStart = 0;
  let longest = 0;
  let boundaries = 0;
  let lines = 1;
  for (let at = 0; at < raw.length; at += 1) {
    if (raw[at] !== 0x0a) continue;
    lines += 1;
    const length = at - lineStart;
    if (length > longest) longest = length;
    if (raw[lineStart] === 0x2d && raw[lineStart + 1] === 0x2d) boundaries += 1;
    // An empty line (LF or CRLF) ends the top-level headers.
    if (headerEnd === -1 && (length === 0 || (length === 1 && raw[lineStart] === 0x0d))) headerEnd = at + 1;
    lineStart = at + 1;
  }
  longest = Math.max(longest, raw.length - lineStart);
  const headerBytes = headerEnd === -1 ? raw.length : headerEnd;
  if (headerBytes > INBOUND_LIMITS.headerBytes)
    return `headers of ${mib(headerBytes)} (limit ${mib(INBOUND_LIMITS.headerBytes)})`;
  if (raw.length - headerBytes > INBOUND_LIMITS.bodyBytes)
    return `body of ${mib(raw.length - headerBytes)} (limit ${mib(INBOUND_LIMITS.bodyBytes)})`;
  if (longest > INBOUND_LIMITS.lineBytes)
    return `a line of ${mib(longest)} (limit ${mib(INBOUND_LIMITS.lineBytes)})`;
  if (lines > INBOUND_LIMITS.lines) return `${lines} lines (limit ${INBOUND_LIMITS.lines})`;
  if (boundaries > INBOUND_LIMITS.boundaryLines)
    return `${boundaries} MIME boundary lines (limit ${INBOUND_LIMITS.boundaryLines})`;
  return undefined;
}

/**
 * RFC 3676 `format=flowed`, decoded: a line ending in a space continues on the next line only if
 * that line has the same quote depth, so the first new line after a quote stays a line of its own.
 * Quoted lines come out as `> ` lines (one `>` per level). Linear in the text.
 */
export function decodeFlowed(text: string, delSp: boolean): string {
  const out: string[] = [];
  let paragraph: string[] = [];
  let paragraphDepth = -1;
  const flush = () => {
    if (paragraphDepth === -1) return;
    const body = paragraph.join('');
    out.push(paragraphDepth === 0 ? body : `${'>'.repeat(paragraphDepth)} ${body}`.trimEnd());
    paragraph = [];
    paragraphDepth = -1;
  };
  for (const raw of text.split(/\r?\n/)) {
    let depth = 0;
    while (raw.charCodeAt(depth) === 0x3e) depth += 1;
    // After the quote marks, one space is stuffing (RFC 3676 4.4).
    let line = raw.slice(depth);
    if (line.startsWith(' ')) line = line.slice(1);
    if (paragraphDepth !== -1 && depth !== paragraphDepth) flush();
    const flowed = line.endsWith(' ') && line !== '-- ';
    paragraphDepth = depth;
    paragraph.push(flowed && delSp ? line.slice(0, -1) : line);
    if (!flowed) flush();
  }
  flush();
  return out.join('\n');
}

/** SES's verdicts on a received mail, as the receipt event or the headers SES adds give them. */
export interface AuthenticationVerdicts {
  readonly spf?: string;
  readonly dkim?: string;
  readonly dmarc?: string;
  readonly spam?: string;
  readonly virus?: string;
}

/**
 * The verdicts in the headers SES prepends (`Authentication-Results: amazonses.com; spf=pass …`,
 * `X-SES-Spam-Verdict`, `X-SES-Virus-Verdict`). Only the first of each counts: copies further down
 * were written by the sender.
 */
export function verdictsInHeaders(
  headers: readonly { readonly key: string; readonly value: string }[],
): AuthenticationVerdicts {
  const first = (name: string) => headers.find((header) => header.key === name)?.value.slice(0, 2_000);
  const results = first('authentication-results');
  const verdict = (method: string) =>
    results === undefined ? undefined : new RegExp(`\\b${method}=([a-z]{1,20})`, 'i').exec(results)?.[1];
  const word = (value: string | undefined) => /^[A-Za-z_]{1,30}/.exec(value?.trim() ?? '')?.[0];
  const found: Record<string, string | undefined> = {
    spf: verdict('spf'),
    dkim: verdict('dkim'),
    dmarc: verdict('dmarc'),
    spam: word(first('x-ses-spam-verdict')),
    virus: word(first('x-ses-virus-verdict')),
  };
  return Object.fromEntries(Object.entries(found).filter(([, value]) => value !== undefined));
}

/** A parsed MIME part as far as this module reads it; checked at run time, not cast. */
interface FlowedPart {
  readonly content: ArrayBuffer;
  readonly charset: string;
  readonly delSp: boolean;
}

const record = (value: unknown): value is Record<string, unknown> =>
  typeof value === 'object' && value !== null;

/**
 * The inline text/plain parts of the parser's tree that are `format=flowed`, with their raw decoded
 * bytes; postal-mime unfolds flowed text ignoring quote depth, so these are decoded here instead.
 */
function flowedTextParts(node: unknown, found: FlowedPart[] = [], depth = 0): FlowedPart[] {
  if (!record(node) || depth > INBOUND_LIMITS.nestingDepth) return found;
  const children = node.childNodes;
  if (Array.isArray(children) && children.length > 0) {
    for (const child of children) flowedTextParts(child, found, depth + 1);
    return found;
  }
  const contentType = node.contentType;
  const disposition = node.contentDisposition;
  const parsed = record(contentType) && record(contentType.parsed) ? contentType.parsed : undefined;
  const params = parsed !== undefined && record(parsed.params) ? parsed.params : {};
  const attachment = record(disposition) && /attachment/i.test(String(disposition.value ?? ''));
  if (
    parsed?.value === 'text/plain' &&
    !attachment &&
    /^flowed$/i.test(String(params.format ?? '')) &&
    node.content instanceof ArrayBuffer
  ) {
    found.push({
      content: node.content,
      charset: String(params.charset ?? 'utf-8'),
      delSp: /^yes$/i.test(String(params.delsp ?? '')),
    });
  }
  return found;
}

function decodeCharset(bytes: ArrayBuffer, charset: string): string {
  try {
    return new TextDecoder(charset).decode(bytes);
  } catch {
    return new TextDecoder('utf-8').decode(bytes);
  }
}

/**
 * Parses one received mail: charsets (through TextDecoder), transfer encodings, encoded words and
 * multipart structure. Checks the inbound limits first and throws InboundLimitError over them;
 * rejects on MIME past the parser's nesting and header-size limits.
 */
export async function parseReply(whole: Uint8Array): Promise<ParsedReply> {
  // A reply with a photo of the damage must still reach a person: over the limits, the long base64
  // runs (attachments) are cut short first; support finds them whole in the raw message in S3.
  const raw = inboundLimitExceeded(whole) === undefined ? whole : withoutLongBase64Runs(whole);
  const exceeded = inboundLimitExceeded(raw);
  if (exceeded !== undefined) throw new InboundLimitError(`over the inbound limits: ${exceeded}`);
  const parser = new PostalMime({
    maxHeadersSize: INBOUND_LIMITS.headerBytes,
    maxNestingDepth: INBOUND_LIMITS.nestingDepth,
    maxRfc822NestingDepth: 2,
  });
  const email = await parser.parse(raw);
  const html = email.html === undefined ? undefined : repairWindows1252(email.html);
  const flowed = flowedTextParts(Reflect.get(parser, 'root'));
  const [onlyFlowed] = flowed;
  const text =
    flowed.length === 1 && onlyFlowed !== undefined && email.text !== undefined
      ? decodeFlowed(decodeCharset(onlyFlowed.content, onlyFlowed.charset), onlyFlowed.delSp)
      : email.text;
  return {
    headers: new Map(email.headers.map((header) => [header.key, header.value.trim()])),
    subject: repairWindows1252(email.subject ?? ''),
    from: email.from?.address ?? '',
    body: text === undefined ? (html === undefined ? '' : htmlReplyToText(html)) : repairWindows1252(text),
    verdicts: verdictsInHeaders(email.headers),
  };
}
