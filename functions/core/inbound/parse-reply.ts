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

/**
 * Parses one received mail: charsets (through TextDecoder), transfer encodings, encoded words and
 * multipart structure. Rejects on MIME past the parser's nesting and header-size limits.
 */
export async function parseReply(raw: Uint8Array): Promise<ParsedReply> {
  const email = await PostalMime.parse(raw);
  const html = email.html === undefined ? undefined : repairWindows1252(email.html);
  return {
    headers: new Map(email.headers.map((header) => [header.key, header.value.trim()])),
    subject: repairWindows1252(email.subject ?? ''),
    from: email.from?.address ?? '',
    body:
      email.text === undefined
        ? html === undefined
          ? ''
          : htmlReplyToText(html)
        : repairWindows1252(email.text),
  };
}
