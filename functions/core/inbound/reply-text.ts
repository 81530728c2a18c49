/**
 * What a reply says, without what it quotes: the pure text rules, kept apart from MIME parsing so
 * they are easy to test on real-world shapes.
 */

/**
 * Attribution lines: "On Mon, 1 Dec 2026 at 10:00, Shop <care@shop> wrote:" and its translations
 * (possibly wrapped). Each quantifier is bounded and each line is tested alone, so the cost is linear.
 */
const ATTRIBUTION = [
  /^On\b.{0,300}\bwrote:\s*$/is,
  /^Le\b.{0,300}a écrit\s?:\s*$/is,
  /^Am\b.{0,300}schrieb\b.{0,300}:\s*$/is,
  /^El\b.{0,300}escribió:\s*$/is,
  /^Em\b.{0,300}escreveu:\s*$/is,
  /^Il\b.{0,300}ha scritto:\s*$/is,
  /^(Op\b.{0,300}(schreef|geschreven)|W dniu\b.{0,300}napisał\(?a?\)?|Den\b.{0,300}skrev)\b.{0,300}:\s*$/is,
  // Russian: "… пользователь … написал:", "… написал(а):", Thunderbird's "… пишет:".
  /(написал[аи]?(\(а\))?|пишет)\s*:\s*$/is,
  /लिखा\s*:\s*$/s,
  /લખ્યું\s*:\s*$/s,
  /ලිවීය\s*:\s*$/s,
  // Gmail in languages without a verb (ru "пн, 30 нояб. 2026 г. в 09:00, Shop <care@shop>:"): a date and an address.
  /^.{0,200}\d.{0,200}<[^<>@\s]{1,100}@[^<>\s]{1,200}>\s*:\s*$/s,
];
const ORIGINAL_MESSAGE =
  /^\s*-{2,}\s*(Original Message|Forwarded message|Ursprüngliche Nachricht|Message d'origine|Mensaje original|Mensagem original|Messaggio originale|Oorspronkelijk bericht|Исходное сообщение|Пересылаемое сообщение|मूल संदेश)\s*-{2,}/i;
/** Outlook separates the quoted message with a rule: underscores in text, an <hr> (dashes) from HTML. */
const OUTLOOK_RULE = /^\s*[-_]{10,}\s*$/;
/** The first line of Outlook's (desktop, web, Windows Mail) header block, in each language it ships. */
const HEADER_FROM = /^\s*\*?(From|De|Von|Da|Van|От|Od|Från|Fra|प्रेषक)\s*:/i;
/** Its other lines: Sent/Date, To/Cc, Subject in en, de, fr, es, pt, it, nl, ru, pl, sv, hi. */
const HEADER_LINE =
  /^\s*\*?(From|Sent|To|Subject|Date|Cc|De|Envoyé|Objet|À|A|Von|Gesendet|An|Betreff|Datum|Enviado|Enviada|Para|Asunto|Assunto|Fecha|Data|Inviato|Oggetto|Van|Verzonden|Aan|Onderwerp|От|Отправлено|Дата|Кому|Тема|Копия|Wysłano|Do|Temat|Skickat|Till|Ämne|भेजा गया|प्रति|विषय|दिनांक)\s*:\*?\s/i;
const SIGNATURE = /^-- ?$/;
/** The footers phones and mail apps add below the new text. */
const DEVICE_FOOTER =
  /^\s*(Sent from my \S.{0,60}|Sent from (Mail|Outlook|Yahoo Mail).{0,60}|Get Outlook for (iOS|Android)|Von meinem \S.{0,40} gesendet|Envoyé de mon \S.{0,40}|Enviado desde mi \S.{0,40}|Enviado do meu \S.{0,40}|Inviato da(l mio)? \S.{0,40}|Отправлено с \S.{0,40})\s*$/i;

/** Where the quoted history starts at `index`: an attribution, an original-message rule or a header block. */
function startsHistory(lines: readonly string[], index: number): boolean {
  const line = lines[index] ?? '';
  if (line.length > 1_000) return false;
  if (ORIGINAL_MESSAGE.test(line) || OUTLOOK_RULE.test(line)) return true;
  const next = lines[index + 1] ?? '';
  // Every other marker has a colon on the line or (wrapped) on the next one.
  if (!line.includes(':') && !next.includes(':')) return false;
  if (ATTRIBUTION.some((pattern) => pattern.test(line))) return true;
  // Gmail and Apple Mail wrap long attributions: "On …, Shop <care@shop>" / "wrote:".
  if (next.length <= 300 && !/^\s*>/.test(line)) {
    const wrapped = `${line} ${next}`.trim();
    if (!/^\s*>/.test(next) && ATTRIBUTION.some((pattern) => pattern.test(wrapped))) return true;
  }
  // Outlook's header block: "From: …" followed closely by "Sent:"/"Date:" and "To:"/"Subject:".
  if (HEADER_FROM.test(line)) {
    const window = lines.slice(index + 1, index + 5);
    if (window.filter((candidate) => HEADER_LINE.test(candidate)).length >= 2) return true;
  }
  return false;
}

const tidy = (kept: readonly string[]) => {
  const lines = [...kept];
  // Trailing blank lines and one device footer ("Sent from my iPhone") go.
  while (lines.length > 0 && (lines.at(-1) ?? '').trim() === '') lines.pop();
  if (DEVICE_FOOTER.test(lines.at(-1) ?? '')) lines.pop();
  return lines
    .join('\n')
    .replace(/\n{3,}/g, '\n\n')
    .trim();
};

/**
 * What the customer wrote: the lines before the quoted history (top-posting), or, when there are
 * none, the unquoted lines after and between the quotes (bottom-posting and inline answers);
 * without the signature. Linear in the length of the text; never throws.
 */
export function extractNewText(text: string): string {
  const lines = text.replace(/\r\n?/g, '\n').split('\n');
  const kept: string[] = [];
  let historyAt = lines.length;
  for (let index = 0; index < lines.length; index += 1) {
    const line = lines[index] ?? '';
    if (SIGNATURE.test(line)) {
      historyAt = index;
      break;
    }
    if (startsHistory(lines, index)) {
      historyAt = index;
      break;
    }
    if (/^\s*>/.test(line)) continue;
    kept.push(line);
  }
  const top = tidy(kept);
  if (top !== '' || historyAt >= lines.length) return top;

  // Bottom-posted: the attribution, then "> " lines, then the answer (Thunderbird, mailing-list style).
  const below: string[] = [];
  let quoted = false;
  for (let index = historyAt; index < lines.length; index += 1) {
    const line = lines[index] ?? '';
    if (SIGNATURE.test(line)) break;
    if (/^\s*>/.test(line)) {
      quoted = true;
      continue;
    }
    if (!quoted) {
      // Only an attribution (perhaps wrapped) followed by quoted lines counts; an unquoted Outlook
      // header block is followed by the original message itself.
      if (index - historyAt < 3 && line.length <= 1_000) continue;
      return '';
    }
    if (line.length <= 1_000 && ATTRIBUTION.some((pattern) => pattern.test(line))) continue;
    below.push(line);
  }
  return tidy(below);
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
