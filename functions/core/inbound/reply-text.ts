/**
 * What a reply says, without what it quotes: the pure text rules, kept apart from MIME parsing so
 * they are easy to test on real-world shapes.
 */

/** "On Mon, 1 Dec 2026 at 10:00, Shop <care@shop> wrote:" and its translations, possibly wrapped. */
const ATTRIBUTION = [
  /^On\b.{0,300}\bwrote:\s*$/is,
  /^Le\b.{0,300}a écrit\s?:\s*$/is,
  /^Am\b.{0,300}schrieb\b.{0,300}:\s*$/is,
  /^El\b.{0,300}escribió:\s*$/is,
  /लिखा\s*:\s*$/s,
  /લખ્યું\s*:\s*$/s,
  /ලිවීය\s*:\s*$/s,
];
const ORIGINAL_MESSAGE = /^\s*-{2,}\s*(Original Message|Forwarded message|मूल संदेश)\s*-{2,}/i;
/** Outlook separates the quoted message with a rule: underscores in text, an <hr> (dashes) from HTML. */
const OUTLOOK_RULE = /^\s*[-_]{10,}\s*$/;
const HEADER_LINE = /^\s*\*?(From|Sent|To|Subject|Date|Cc|De|Envoyé|Von|Gesendet)\s*:\*?\s/i;
const SIGNATURE = /^-- ?$/;

/** The lines before the first quoted-history marker, without `>` lines and the signature. */
export function extractNewText(text: string): string {
  const lines = text.replace(/\r\n?/g, '\n').split('\n');
  const kept: string[] = [];
  for (let index = 0; index < lines.length; index += 1) {
    const line = lines[index] ?? '';
    const next = lines[index + 1] ?? '';
    if (SIGNATURE.test(line)) break;
    if (ORIGINAL_MESSAGE.test(line) || OUTLOOK_RULE.test(line)) break;
    if (ATTRIBUTION.some((pattern) => pattern.test(line))) break;
    // Gmail wraps long attributions: "On …, Shop <care@shop>" / "wrote:".
    const wrapped = `${line} ${next}`.trim();
    if (/^(On|Le|Am|El)\b/.test(line) && ATTRIBUTION.some((pattern) => pattern.test(wrapped))) break;
    // Outlook's header block: "From: …" followed closely by "Sent:"/"Date:" and "To:"/"Subject:".
    if (/^\s*\*?(From|De|Von)\s*:/i.test(line)) {
      const window = lines.slice(index + 1, index + 5);
      if (window.filter((candidate) => HEADER_LINE.test(candidate)).length >= 2) break;
    }
    if (/^\s*>/.test(line)) continue;
    kept.push(line);
  }
  return kept
    .join('\n')
    .replace(/\n{3,}/g, '\n\n')
    .trim();
}

/** Headers that mark a message as sent by a machine (RFC 3834 and the common vendor headers). */
export function isAutoReply(headers: ReadonlyMap<string, string>, subject: string): boolean {
  const header = (name: string) => headers.get(name)?.toLowerCase().trim();
  const autoSubmitted = header('auto-submitted');
  if (autoSubmitted !== undefined && autoSubmitted !== 'no') return true;
  if (headers.has('x-autoreply') || headers.has('x-autorespond') || headers.has('x-autoresponse'))
    return true;
  const precedence = header('precedence') ?? header('x-precedence');
  if (precedence !== undefined && /^(auto_reply|bulk|junk|list)$/.test(precedence)) return true;
  if (header('x-auto-response-suppress') !== undefined && /^(automatic reply|auto)/i.test(subject))
    return true;
  return AUTO_SUBJECT.test(subject.trim());
}

const AUTO_SUBJECT =
  /^(auto(matic)?[ -]?(reply|response|antwort)|out of (the )?office|ooo\b|abwesenheit|absence|réponse automatique|autosvar|vacation|on leave|away from)/i;

/** Ways customers write "stop emailing me", in each of our locales. */
const UNSUBSCRIBE_WORDS = {
  en: [/\bunsubscribe\b/i, /^\s*stop\b/i, /\bremove me\b/i, /\bopt[ -]?out\b/i, /\bno more e-?mails?\b/i],
  hi: [/अनसब्सक्राइब/, /बंद करें/, /बंद करो/, /सदस्यता समाप्त/, /ईमेल मत भेजो/, /ईमेल न भेजें/],
  gu: [/અનસબ્સ્ક્રાઇબ/, /બંધ કરો/, /ઇમેઇલ ન મોકલો/, /મને દૂર કરો/],
  si: [/දායකත්වයෙන් ඉවත්/, /නවත්වන්න/, /ඊමේල් එපා/, /ඉවත් කරන්න/],
} as const;

/** The locale whose words ask to unsubscribe, if the (short) new text does. */
export function unsubscribeRequestIn(
  newText: string,
  subject: string,
): keyof typeof UNSUBSCRIBE_WORDS | undefined {
  // A long message that mentions "stop" in passing is a conversation, not a request.
  const candidates = [subject, newText.length <= 280 ? newText : ''];
  for (const [locale, patterns] of Object.entries(UNSUBSCRIBE_WORDS)) {
    if (candidates.some((text) => patterns.some((pattern) => pattern.test(text)))) {
      if (locale === 'en' || locale === 'hi' || locale === 'gu' || locale === 'si') return locale;
    }
  }
  return undefined;
}
