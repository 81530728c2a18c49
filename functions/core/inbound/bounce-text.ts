/**
 * Recipients of a bounce written as prose (qmail, Exim, Yahoo, Zoho, Sendmail 5 and other servers
 * that send no `message/delivery-status` part): each address the notice names before the returned
 * copy, with the status its paragraph gives. Pure, linear in its (bounded) input, never throws.
 */
import type { BouncedRecipient } from './classify.ts';

/** The report sits above the returned copy; this much of the body is read. */
export const BOUNCE_TEXT_CHARS = 16_000;

/** Where the returned copy of the original message begins (the addresses after it are not recipients). */
const RETURNED_COPY =
  /^\s*(-{2,}\s*(below this line is a copy|this is a copy|original message|a copy of the original|the original message|returned message|undelivered message)|-{3,}\s*original message|content-type:\s*(message\/rfc822|text\/rfc822-headers)|received:\s|return-path:\s|message-id:\s*<)/i;
/** One address; the look-behind starts a match only where a run of address characters starts. */
const ADDRESS_SOURCE =
  /(?<![A-Za-z0-9._%+=-])[A-Za-z0-9._%+=-]{1,64}@[A-Za-z0-9-]{1,63}(?:\.[A-Za-z0-9-]{1,63}){1,8}/.source;
const ADDRESS = new RegExp(ADDRESS_SOURCE);
const ADDRESSES = new RegExp(ADDRESS_SOURCE, 'g');
const ENHANCED_STATUS = /(?<![\d.])([245])\.(\d{1,3})\.(\d{1,3})(?![\d.])/;
const SMTP_CODE = /(?<![\d.])([45])[0-5]\d(?![\d.])(?=[\s:-])/;
const PERMANENT_WORDING =
  /permanent(ly)? (error|failure|fatal)|user unknown|unknown user|no such (user|mailbox|address)|(mailbox|address|account|user) (does not|doesn't) exist|(does not|doesn't) have an? .{1,60} account|invalid (address|recipient|mailbox)|mailbox (unavailable|not found|disabled)|account (is )?(disabled|deactivated|closed)|recipient (address )?rejected|recipient name is not recognized|unknown recipient/i;
const TEMPORARY_WORDING =
  /warning only|(will be|will continue to be|is being) retried|will (try|retry) again|still trying|delay(ed)?\b|deferred|temporar(y|ily)|not yet been delivered|over quota/i;

/** The addresses and status of a bounce's prose, in the order it names them; [] when it names none. */
export function bouncedInText(body: string): BouncedRecipient[] {
  const report = reportPart(body.slice(0, BOUNCE_TEXT_CHARS));
  const paragraphs = report.split(/\n[ \t]*\n/);
  const temporaryNotice = TEMPORARY_WORDING.test(report);
  const single = new Set([...report.matchAll(ADDRESSES)].map((match) => match[0].toLowerCase())).size === 1;
  const found: BouncedRecipient[] = [];
  for (let index = 0; index < paragraphs.length; index += 1) {
    const paragraph = paragraphs[index] ?? '';
    const addresses = [...new Set([...paragraph.matchAll(ADDRESSES)].map((match) => match[0].toLowerCase()))];
    if (addresses.length === 0) continue;
    // A paragraph naming an address without a reason takes the next one's (qmail: "<a@b>:" then "Remote host said").
    const next = paragraphs[index + 1] ?? '';
    const reason = statusOf(paragraph) ?? (ADDRESS.test(next) ? undefined : statusOf(next));
    // Without a reason of its own, an address takes the notice's verdict only when it is the only one named.
    const status = reason ?? (single ? fallbackStatus(report, temporaryNotice) : UNKNOWN);
    for (const address of addresses)
      if (!found.some((entry) => entry.address === address))
        found.push({ address, status: status.code, permanent: status.permanent });
  }
  return found;
}

/** The body down to the returned copy. */
function reportPart(text: string): string {
  const lines = text.split(/\r?\n/);
  const kept: string[] = [];
  for (const line of lines) {
    if (kept.length > 0 && RETURNED_COPY.test(line.slice(0, 200))) break;
    kept.push(line);
  }
  return kept.join('\n');
}

interface TextStatus {
  readonly code: string;
  readonly permanent: boolean;
}

const UNKNOWN: TextStatus = { code: '', permanent: false };

/** An enhanced status, else an SMTP reply code, else wording; undefined when the text gives none. */
function statusOf(text: string): TextStatus | undefined {
  const enhanced = ENHANCED_STATUS.exec(text);
  if (enhanced !== null)
    return { code: `${enhanced[1]}.${enhanced[2]}.${enhanced[3]}`, permanent: enhanced[1] === '5' };
  const smtp = SMTP_CODE.exec(text);
  if (smtp !== null) return { code: '', permanent: smtp[1] === '5' };
  if (TEMPORARY_WORDING.test(text)) return { code: '', permanent: false };
  if (PERMANENT_WORDING.test(text)) return { code: '', permanent: true };
  return undefined;
}

/** The whole notice's verdict for an address whose paragraph says nothing: a warning is never permanent. */
function fallbackStatus(report: string, temporaryNotice: boolean): TextStatus {
  if (temporaryNotice) return UNKNOWN;
  return statusOf(report) ?? UNKNOWN;
}
