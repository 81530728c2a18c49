/**
 * What an inbound message is: a person's reply, or a machine (bounce, feedback report, auto-reply),
 * decided from its structure first and its wording second. Pure, linear in its input, never throws.
 */

import { bouncedInText } from './bounce-text.ts';

export type InboundClass =
  | 'human-reply'
  | 'auto-reply'
  | 'bounce'
  | 'feedback-report'
  | 'unsubscribe-request'
  | 'other';

/** One recipient of a delivery status notification (RFC 3464). */
export interface BouncedRecipient {
  readonly address: string;
  /** The enhanced status code (RFC 3463), e.g. `5.1.1`; '' when the report gave none. */
  readonly status: string;
  /** A 5.x.x status: the address failed for good. */
  readonly permanent: boolean;
}

export interface Classification {
  readonly class: InboundClass;
  /** The rule that decided it, for the record and `rekindle inbound classify`. */
  readonly rule: string;
  /** For a bounce with a delivery-status part: its recipients. */
  readonly bounced?: readonly BouncedRecipient[];
  /** For a feedback report: its Feedback-Type (abuse, opt-out…). */
  readonly feedbackType?: string;
  /** For a human reply whose new text also asks to stop: the locale of those words. */
  readonly alsoAsksToStop?: string;
  /** For an unsubscribe request: the locale of its words, or `mailto`. */
  readonly unsubscribeLocale?: string;
}

/** What the classifier reads; every field as parse-reply gives it, `raw` for the MIME structure. */
export interface ClassifyInput {
  /** Top-level header values by lower-case name. */
  readonly headers: ReadonlyMap<string, string>;
  readonly subject: string;
  readonly from: string;
  /** The text body as parsed (quoted history included). */
  readonly body: string;
  /** The new text of the body (what the sender wrote, without quoted history). */
  readonly newText: string;
  /** The raw message, scanned (its first `STRUCTURE_SCAN_BYTES`) for report parts. */
  readonly raw?: Uint8Array;
  /** It came to the List-Unsubscribe mailto address with a verified token. */
  readonly viaMailto?: boolean;
  /** It came to a verified reply address from the address on file for the token's customer. */
  readonly fromCustomer?: boolean;
}

/** Report parts sit near the top of a DSN or ARF; the scan is bounded so it stays cheap. */
export const STRUCTURE_SCAN_BYTES = 256 * 1024;
/** Wording is looked for in this much of the subject and body. */
const WORDING_CHARS = 4_000;

const DAEMON_SENDER =
  /^(mailer[-_]?daemon|mail[-_]?daemon|post[-_]?master|mailer|mail\.?delivery\.?subsystem)(@|$)/i;
/** Senders that say no one reads their replies. */
const NO_REPLY_SENDER =
  /^(no[-_.]?reply|do[-_.]?not[-_.]?reply|dont[-_.]?reply|bounces?|notifications?)[-_.+@]/i;

const BOUNCE_SUBJECT = new RegExp(
  [
    'undeliver(able|ed)',
    'delivery status notification',
    'delivery (has )?fail',
    'delivery failure',
    'delivery notification',
    'mail delivery (failed|failure|subsystem|system)',
    'failure notice',
    'returned mail',
    'returned to sender',
    'could not send (the )?message',
    'error sending (your )?(mail|message)',
    'trouble delivering',
    'message (was )?not delivered',
    'non[- ]?delivery',
    'delivery problem',
    'delayed mail',
    'delivery delay',
    'mail system error',
    'bounce',
    'unzustellbar',
    'nicht zustellbar',
    'fehlgeschlagen',
    'non remis',
    'non délivré',
    'échec de (la )?(remise|distribution)',
    'no se (ha )?pudo entregar',
    'no entregado',
    'non recapitabile',
    'mancato recapito',
    'onbestelbaar',
    'niet bezorgd',
    'não (foi )?entregue',
    'falha na entrega',
    'वितरित नहीं',
  ].join('|'),
  'i',
);

const BOUNCE_BODY = new RegExp(
  [
    'this is the mail system at host',
    'could not be delivered to',
    'message could not be delivered',
    'delivery to the following recipients? (failed|has been delayed)',
    'the following (message|address(es)?|recipients?).{0,40}(undeliverable|failed|could not)',
    'created automatically by mail delivery software',
    'permanent (fatal )?errors?',
    'unable to deliver (your )?message',
    "i'm sorry to have to inform you",
    "i'm afraid i wasn't able to deliver",
    'user unknown',
    'mailbox (unavailable|not found|is full|full)',
    'no such (user|mailbox)',
    'recipient address rejected',
    'hi\\. this is the qmail-send program',
    'delivery has failed to these recipients',
    'your message (to .{0,80} )?(was|has been|could not be) (rejected|blocked|delivered)',
    'message (has been )?(rejected|bounced|blocked)',
    'smtp error',
    'diagnostic-code',
    'final-recipient',
    '\\b5\\.\\d{1,3}\\.\\d{1,3}\\b',
    '\\b55[0-4][ -]',
  ].join('|'),
  'i',
);

const AUTO_REPLY_SUBJECT = new RegExp(
  [
    // en
    'auto(matic|mated)?[ -]?(reply|response|respons|answer)',
    'out of (the )?office',
    '\\booo\\b',
    'away from (my )?(desk|office|email)',
    '\\bon (vacation|holiday|leave|annual leave|parental leave)',
    '\\bvacation\\b',
    '\\baway until\\b',
    "i'?m away",
    'i am away',
    'thank you for (your )?(e-?mail|message|contacting|reaching out)',
    'thanks for (your )?(e-?mail|message|contacting|reaching out)',
    '(we|i) (have )?received your (e-?mail|message|request|enquiry|inquiry)',
    'request (received|#)',
    '\\[?(ticket|case|request) ?(#|no\\.?|number|id)',
    // de
    'abwesenheit',
    'automatische antwort',
    'autom\\. antwort',
    'nicht im büro',
    'außer haus',
    'ausser haus',
    '\\burlaub\\b',
    'eingangsbestätigung',
    'ihre (anfrage|nachricht) (ist eingegangen|wurde empfangen)',
    // fr
    'réponse automatique',
    'reponse automatique',
    '\\babsen(ce|t|te)\\b',
    'en congés?',
    'accusé de réception',
    'hors du bureau',
    // es
    'respuesta automática',
    'respuesta automatica',
    'fuera de la oficina',
    'fuera de oficina',
    '\\bausente\\b',
    'de vacaciones',
    'acuse de recibo',
    'hemos recibido su',
    // it
    'risposta automatica',
    'fuori ufficio',
    "fuori dall'ufficio",
    '\\bassente\\b',
    'in ferie',
    'conferma di ricezione',
    // nl
    'automatisch antwoord',
    'automatisch bericht',
    '\\bafwezig(heid)?\\b',
    'niet aanwezig',
    'buiten kantoor',
    'met vakantie',
    'ontvangstbevestiging',
    // pt
    'resposta automática',
    'resposta automatica',
    'fora do escritório',
    'fora do escritorio',
    'de férias',
    'ausência',
    'mensagem automática',
    // hi
    'स्वचालित उत्तर',
    'स्वतः उत्तर',
    'ऑटो रिप्लाई',
    'कार्यालय से बाहर',
    'अवकाश पर',
    'छुट्टी पर',
  ].join('|'),
  'i',
);

const AUTO_REPLY_BODY = new RegExp(
  [
    // en
    'i am (currently )?(out of|away from) (the )?office',
    "i'?m (currently )?(out of|away from) (the )?office",
    'i (am|will be) (currently )?(away|out|on (vacation|holiday|leave|annual leave))\\b.{0,80}\\b(until|returning|back on|from)',
    'limited (access to|or no access to) (my )?e-?mail',
    '(respond|reply|get back to you|answer).{0,60}(upon|on|after) my return',
    'this is an? (automated|automatic|auto-generated) (message|response|reply|e-?mail)',
    'this (e-?mail|message) (was|has been|is) (sent |generated )?automatically',
    'do not reply to this (e-?mail|message)',
    '(we|i) (have )?received your (e-?mail|message|request|enquiry|inquiry)',
    'your (ticket|request|case) (number|#|id|reference)',
    'a member of our (team|support team) will',
    // de
    'ich bin (derzeit |zurzeit |momentan )?(nicht im büro|abwesend|im urlaub|außer haus)',
    'bin ich (nicht im büro|abwesend|im urlaub)',
    'keinen zugriff auf (meine )?e-?mails',
    'diese (nachricht|e-?mail) wurde automatisch',
    'automatisch (generiert|erstellt)',
    'vielen dank für ihre (nachricht|e-?mail|anfrage)\\. (ich|wir) (bin|sind)',
    // fr
    'je suis (actuellement )?(absent|en congé|en vacances|hors du bureau)',
    'je serai de retour',
    'message automatique',
    'réponse automatique',
    'nous avons (bien )?reçu votre',
    // es
    'estoy (actualmente )?(fuera de la oficina|de vacaciones|ausente)',
    'estaré (fuera|ausente|de vacaciones)',
    'mensaje automático',
    'respuesta automática',
    'hemos recibido su',
    // it
    'sono (attualmente )?(fuori ufficio|in ferie|assente)',
    'sarò (fuori|assente|in ferie)',
    'risposta automatica',
    'messaggio automatico',
    'abbiamo ricevuto la (sua|tua)',
    // nl
    'ik ben (momenteel |tot en met |vanaf )?(afwezig|met vakantie|niet aanwezig|buiten kantoor)',
    'automatisch (antwoord|bericht|gegenereerd)',
    'wij hebben uw .{0,40}ontvangen',
    'we hebben je .{0,40}ontvangen',
    // pt
    'estou (atualmente )?(fora do escritório|de férias|ausente)',
    'estarei (fora|ausente|de férias)',
    'resposta automática',
    'mensagem automática',
    'recebemos (a )?sua',
    // hi
    'मैं कार्यालय से बाहर',
    'छुट्टी पर हूँ',
    'अवकाश पर हूँ',
    'स्वचालित संदेश',
    'स्वचालित उत्तर',
  ].join('|'),
  'i',
);

/** "Re:" and its translations (and Outlook's localised prefixes), as a reply's subject starts. */
const REPLY_SUBJECT =
  /^\s*(re|aw|sv|vs|antw|antwort|rif|r|réf|ref|res|resp|odp|wg|fw|fwd|tr|enc|rv|jawab|उत्तर|जवाब)\s*(\[\d+\])?\s*[:：]/i;

/** Words that ask to stop, per locale, as the whole of a message (after politeness is dropped). */
const UNSUBSCRIBE_PHRASES: Readonly<Record<string, readonly string[]>> = {
  en: [
    'unsubscribe',
    'unsubscribe me',
    'stop',
    'stop it',
    'remove',
    'remove me',
    'remove me from this list',
    'remove me from your list',
    'remove me from your mailing list',
    'take me off your list',
    'opt out',
    'optout',
    'no more emails',
    'no more e mails',
    'stop emailing me',
    'stop sending me emails',
    'unsubscribe stop',
  ],
  hi: [
    'अनसब्सक्राइब',
    'अनसब्सक्राइब करें',
    'बंद करें',
    'बंद करो',
    'ईमेल बंद करें',
    'मुझे ईमेल बंद करें',
    'ईमेल बंद करो',
    'सदस्यता समाप्त',
    'सदस्यता समाप्त करें',
    'ईमेल मत भेजो',
    'ईमेल न भेजें',
    'मुझे ईमेल मत भेजो',
    'मुझे ईमेल न भेजें',
  ],
  de: [
    'abmelden',
    'abbestellen',
    'austragen',
    'stopp',
    'mich abmelden',
    'ich möchte mich abmelden',
    'newsletter abbestellen',
    'entfernen sie mich',
    'entfernen sie mich aus ihrem verteiler',
    'keine e mails mehr',
    'keine emails mehr',
    'keine mails mehr',
  ],
  fr: [
    'désabonner',
    'me désabonner',
    'désabonnez moi',
    'désinscrire',
    'me désinscrire',
    'désinscrivez moi',
    'désinscription',
    'arrêt',
    'arrêter',
    'retirez moi de votre liste',
    'plus d e mails',
    'plus d emails',
    'je ne veux plus recevoir d e mails',
  ],
  es: [
    'baja',
    'dar de baja',
    'darme de baja',
    'denme de baja',
    'cancelar suscripción',
    'cancelar la suscripción',
    'eliminarme de la lista',
    'quitarme de la lista',
    'no más correos',
    'no quiero más correos',
    'alto',
  ],
  it: [
    'disiscrivimi',
    'disiscrivere',
    'cancellami',
    'annulla iscrizione',
    'rimuovimi',
    'rimuovimi dalla lista',
    'basta email',
    'non voglio più email',
    'non voglio più ricevere email',
  ],
  nl: [
    'afmelden',
    'uitschrijven',
    'schrijf me uit',
    'schrijf mij uit',
    'meld me af',
    'meld mij af',
    'verwijder me',
    'verwijder mij',
    'geen e mails meer',
    'geen mails meer',
  ],
  pt: [
    'descadastrar',
    'descadastre me',
    'cancelar inscrição',
    'cancelar a inscrição',
    'remova me',
    'remover',
    'remova me da lista',
    'sair da lista',
    'parar',
    'não quero mais emails',
    'não quero mais e mails',
  ],
  gu: ['અનસબ્સ્ક્રાઇબ', 'બંધ કરો', 'ઇમેઇલ ન મોકલો', 'મને ઇમેઇલ ન મોકલો', 'મને દૂર કરો'],
  si: ['දායකත්වයෙන් ඉවත් වන්න', 'නවත්වන්න', 'ඊමේල් එපා', 'ඉවත් කරන්න', 'මාව ඉවත් කරන්න'],
};
const POLITENESS = new Set([
  'bitte',
  'danke',
  'merci',
  'svp',
  'stp',
  'gracias',
  'grazie',
  'bedankt',
  'graag',
  'alstublieft',
  'alsjeblieft',
  'aub',
  'obrigado',
  'obrigada',
  'please',
  'pls',
  'plz',
  'kindly',
  'thanks',
  'thank',
  'you',
  'thx',
  'कृपया',
  'धन्यवाद',
  'મહેરબાની',
  'કરીને',
  'કૃપા',
  'આભાર',
  'කරුණාකර',
  'ස්තූතියි',
]);
/** Politeness of more than one word, dropped before the words are split. */
const POLITE_PHRASES = /por favor|per favore|s'il (vous|te) pla[iî]t|por gentileza|thank you/gu;
/** Words that mention stopping inside a longer message (to mark the forward, never to act on). */
const STOP_MENTION: Readonly<Record<string, RegExp>> = {
  en: /\b(unsubscribe|remove me|opt[ -]?out|no more e-?mails?|stop (e-?mailing|sending))\b/i,
  de: /(?<!\p{L})(abmelden|abbestellen|austragen|keine e-?mails mehr)(?!\p{L})/iu,
  fr: /(?<!\p{L})(désabonne[rz]?|désinscri(re|vez)|désinscription|plus d'e-?mails)(?!\p{L})/iu,
  es: /(?<!\p{L})(dar(me)? de baja|cancelar (la )?suscripción|no más correos)(?!\p{L})/iu,
  it: /(?<!\p{L})(disiscriv\p{L}*|cancellami|annulla(re)? (l')?iscrizione|non voglio più (ricevere )?e-?mail)(?!\p{L})/iu,
  nl: /(?<!\p{L})(afmelden|uitschrijven|schrijf m(e|ij) uit|meld m(e|ij) af|geen e-?mails meer)(?!\p{L})/iu,
  pt: /(?<!\p{L})(descadastr\p{L}*|cancelar (a )?inscrição|não quero mais e-?mails)(?!\p{L})/iu,
  hi: /अनसब्सक्राइब|बंद करें|बंद करो|सदस्यता समाप्त|ईमेल मत भेजो|ईमेल न भेजें/,
  gu: /અનસબ્સ્ક્રાઇબ|બંધ કરો|ઇમેઇલ ન મોકલો|મને દૂર કરો/,
  si: /දායකත්වයෙන් ඉවත්|නවත්වන්න|ඊමේල් එපා|ඉවත් කරන්න/,
};

/** Lower case, punctuation as spaces, politeness dropped; '' for anything longer than a request. */
function requestWords(text: string): string {
  if (text.length > 200) return '';
  return text
    .toLowerCase()
    .replace(POLITE_PHRASES, ' ')
    .replace(/[\p{P}\p{S}\s]+/gu, ' ')
    .split(' ')
    .filter((word) => word !== '' && !POLITENESS.has(word))
    .join(' ');
}

/** Strips "Re:"-style prefixes, repeatedly (bounded). */
function bareSubject(subject: string): string {
  let bare = subject.slice(0, 300);
  for (let index = 0; index < 5; index += 1) {
    const match = REPLY_SUBJECT.exec(bare);
    if (match === null) break;
    bare = bare.slice(match[0].length);
  }
  return bare.trim();
}

/**
 * The locale of a clear request to stop: the new text is just the word (politeness aside), or the
 * new text is empty and the subject is. Anything with more to say is not a request.
 */
export function unsubscribeIntent(newText: string, subject: string): string | undefined {
  const text = requestWords(newText);
  const candidates = text === '' ? [requestWords(bareSubject(subject))] : [text];
  for (const candidate of candidates) {
    if (candidate === '') continue;
    for (const [locale, phrases] of Object.entries(UNSUBSCRIBE_PHRASES))
      if (phrases.includes(candidate)) return locale;
  }
  return undefined;
}

/** The locale of stop-words mentioned in a longer message, if any. */
export function mentionsStopping(newText: string, subject: string): string | undefined {
  const text = `${subject.slice(0, 300)}\n${newText.slice(0, WORDING_CHARS)}`;
  for (const [locale, pattern] of Object.entries(STOP_MENTION)) if (pattern.test(text)) return locale;
  return undefined;
}

/** The address inside `<…>` or after `rfc822;`, lower-cased; '' if none. */
function addressIn(value: string): string {
  const field = value.includes(';') ? value.slice(value.indexOf(';') + 1) : value;
  const trimmed = field.trim().replace(/^<|>$/g, '').trim();
  return /^[^\s@<>]{1,200}@[^\s@<>]{1,255}$/.test(trimmed) ? trimmed.toLowerCase() : '';
}

interface Structure {
  readonly report?: 'delivery-status' | 'feedback-report';
  readonly bounced: BouncedRecipient[];
  readonly feedbackType?: string;
}

/**
 * Scans the raw message line by line (bounded) for `message/delivery-status` and
 * `message/feedback-report` parts, and reads their fields. Linear: one pass, no backtracking.
 */
function scanStructure(raw: Uint8Array | undefined, topType: string): Structure {
  const bounced: BouncedRecipient[] = [];
  let report: Structure['report'] = /report-type\s*=\s*"?feedback-report/i.test(topType)
    ? 'feedback-report'
    : /report-type\s*=\s*"?(global-)?delivery-status/i.test(topType)
      ? 'delivery-status'
      : undefined;
  let feedbackType: string | undefined;
  if (raw === undefined) return { ...(report === undefined ? {} : { report }), bounced };
  const text = Buffer.from(raw.subarray(0, STRUCTURE_SCAN_BYTES)).toString('latin1');
  const lines = text.split(/\r?\n/);
  /** Which part the following lines are in: a report part's headers, its fields, or anything else. */
  let mode: 'none' | 'dsn-headers' | 'dsn' | 'arf-headers' | 'arf' = 'none';
  let address = '';
  let status = '';
  const flush = () => {
    if (address !== '' && !bounced.some((entry) => entry.address === address))
      bounced.push({ address, status, permanent: status.startsWith('5') });
    address = '';
    status = '';
  };
  for (const line of lines) {
    const lower = line.slice(0, 200).toLowerCase();
    if (/^content-type:\s*message\/(global-)?delivery-status/.test(lower)) {
      mode = 'dsn-headers';
      report ??= 'delivery-status';
      continue;
    }
    if (/^content-type:\s*message\/feedback-report/.test(lower)) {
      mode = 'arf-headers';
      report = 'feedback-report';
      continue;
    }
    if (mode === 'dsn-headers' || mode === 'arf-headers') {
      if (lower.trim() === '') mode = mode === 'dsn-headers' ? 'dsn' : 'arf';
      continue;
    }
    if (mode === 'none') continue;
    if (lower.startsWith('--') || lower.startsWith('content-type:')) {
      flush();
      mode = 'none';
      continue;
    }
    if (mode === 'arf') {
      const match = /^feedback-type:\s*([a-z-]{1,40})/.exec(lower);
      if (match?.[1] !== undefined) feedbackType = match[1];
      continue;
    }
    // One blank line ends a recipient's fields (RFC 3464 per-recipient blocks).
    if (lower.trim() === '') {
      flush();
      continue;
    }
    const final = /^(final|original)-recipient:(.*)$/.exec(lower);
    if (final?.[2] !== undefined) {
      const found = addressIn(final[2]);
      if (found !== '' && (final[1] === 'final' || address === '')) address = found;
      continue;
    }
    const code = /^status:\s*([245])\.(\d{1,3})\.(\d{1,3})/.exec(lower);
    if (code !== null) status = `${code[1]}.${code[2]}.${code[3]}`;
  }
  flush();
  return {
    ...(report === undefined ? {} : { report }),
    bounced,
    ...(feedbackType === undefined ? {} : { feedbackType }),
  };
}

/** True when the message answers another: In-Reply-To, References, a "Re:" subject or quoted history. */
function looksLikeReply(input: ClassifyInput): boolean {
  if (input.headers.has('in-reply-to') || input.headers.has('references')) return true;
  if (REPLY_SUBJECT.test(input.subject.slice(0, 300))) return true;
  return input.newText.trim().length < input.body.trim().length;
}

/**
 * Classifies one inbound message; see the module comment and docs/engagement.md for the rules.
 * A bounce without a delivery-status part (or with an empty one) names its recipients in prose.
 */
export function classifyInbound(input: ClassifyInput): Classification {
  const found = classifyByRules(input);
  if (found.class !== 'bounce' || (found.bounced ?? []).length > 0) return found;
  const bounced = bouncedInText(input.body);
  return bounced.length === 0
    ? found
    : { ...found, rule: `${found.rule}; recipients from its text`, bounced };
}

function classifyByRules(input: ClassifyInput): Classification {
  const header = (name: string) => input.headers.get(name)?.slice(0, 1_000).toLowerCase().trim();
  const subject = input.subject.slice(0, 1_000);
  const bodyStart = input.body.slice(0, WORDING_CHARS);
  const newStart = input.newText.slice(0, WORDING_CHARS);
  const topType = header('content-type') ?? '';

  // 1. Structure: report parts.
  const structure = scanStructure(input.raw, topType);
  if (structure.report === 'feedback-report')
    return {
      class: 'feedback-report',
      rule: 'message/feedback-report part (ARF)',
      ...(structure.feedbackType === undefined ? {} : { feedbackType: structure.feedbackType }),
    };
  if (structure.report === 'delivery-status')
    return { class: 'bounce', rule: 'message/delivery-status part (DSN)', bounced: structure.bounced };

  // Microsoft's JMRP, Apple Mail's unsubscribe button and SES through SNS: reports without ARF parts.
  if (/^complaint about message from/.test(subject.trim().toLowerCase()))
    return { class: 'feedback-report', rule: 'JMRP complaint subject' };
  if (header('x-apple-unsubscribe') === 'true')
    return {
      class: 'feedback-report',
      rule: 'X-Apple-Unsubscribe (Apple Mail opt-out)',
      feedbackType: 'opt-out',
    };
  if (input.headers.has('x-amz-sns-message-id')) {
    const kind = /notificationType\\?"\s?:\s?\\?"(Bounce|Complaint)/.exec(bodyStart)?.[1];
    if (kind === 'Complaint')
      return { class: 'feedback-report', rule: 'SES notification through SNS: Complaint' };
    if (kind === 'Bounce') return { class: 'bounce', rule: 'SES notification through SNS: Bounce' };
    return { class: 'other', rule: 'SNS notification' };
  }

  // 2. Structure: headers a machine sets.
  const from = input.from.trim();
  if (DAEMON_SENDER.test(from)) return { class: 'bounce', rule: `daemon sender ${from.slice(0, 100)}` };
  const bounceWording = BOUNCE_SUBJECT.test(subject);
  const autoSubmitted = header('auto-submitted');
  if (autoSubmitted?.startsWith('auto-replied') && !bounceWording)
    return { class: 'auto-reply', rule: `Auto-Submitted: ${autoSubmitted.slice(0, 40)}` };
  for (const name of ['x-autoreply', 'x-autorespond', 'x-autoresponse', 'x-autoreply-from'])
    if (input.headers.has(name)) return { class: 'auto-reply', rule: `${name} header` };
  const precedence = header('precedence') ?? header('x-precedence');
  if (precedence !== undefined && /^(auto_reply|bulk|junk)\b/.test(precedence))
    return { class: 'auto-reply', rule: `Precedence: ${precedence.slice(0, 20)}` };
  const returnPath = header('return-path');
  const nullSender = returnPath !== undefined && /^<\s*>$/.test(returnPath);
  if (header('x-auto-response-suppress') !== undefined)
    return bounceWording
      ? { class: 'bounce', rule: 'X-Auto-Response-Suppress and bounce subject' }
      : { class: 'auto-reply', rule: 'X-Auto-Response-Suppress header' };
  if (from === '' && bounceWording) return { class: 'bounce', rule: 'no sender and bounce subject' };
  if (autoSubmitted !== undefined && autoSubmitted !== 'no')
    return bounceWording || BOUNCE_BODY.test(bodyStart)
      ? { class: 'bounce', rule: `Auto-Submitted: ${autoSubmitted.slice(0, 40)} and bounce wording` }
      : { class: 'other', rule: `Auto-Submitted: ${autoSubmitted.slice(0, 40)}` };
  if (NO_REPLY_SENDER.test(from))
    return bounceWording || BOUNCE_BODY.test(bodyStart)
      ? { class: 'bounce', rule: `no-reply sender ${from.slice(0, 100)} and bounce wording` }
      : { class: 'other', rule: `no-reply sender ${from.slice(0, 100)}` };
  if (nullSender) {
    if (bounceWording || BOUNCE_BODY.test(bodyStart))
      return { class: 'bounce', rule: 'Return-Path: <> and bounce wording' };
    return { class: 'auto-reply', rule: 'Return-Path: <> (null sender)' };
  }

  // 3. Wording.
  if (bounceWording) return { class: 'bounce', rule: 'bounce subject' };
  if (AUTO_REPLY_SUBJECT.test(subject)) return { class: 'auto-reply', rule: 'auto-reply subject' };
  if (AUTO_REPLY_BODY.test(newStart)) return { class: 'auto-reply', rule: 'auto-reply wording' };
  if (
    precedence === 'list' ||
    ['list-id', 'list-subscribe', 'list-post', 'x-mlserver', 'x-ml-name'].some((name) =>
      input.headers.has(name),
    )
  )
    return { class: 'other', rule: 'mailing-list message' };

  // 4. A person: an unsubscribe request, a reply, or something that answers nothing.
  if (input.viaMailto === true)
    return { class: 'unsubscribe-request', rule: 'List-Unsubscribe mailto', unsubscribeLocale: 'mailto' };
  const intent = unsubscribeIntent(input.newText, subject);
  if (intent !== undefined)
    return { class: 'unsubscribe-request', rule: `only asks to stop (${intent})`, unsubscribeLocale: intent };
  // A client that keeps no reply markers (or a customer who started a new message to the reply
  // address): the signed address and their own address on file together say it is them.
  if (!looksLikeReply(input) && input.fromCustomer !== true)
    return {
      class: 'other',
      rule: 'not a reply: no In-Reply-To, References, "Re:" or quoted history, nor from the customer\'s address on file',
    };
  const stop = mentionsStopping(input.newText, '');
  return {
    class: 'human-reply',
    rule: looksLikeReply(input)
      ? 'a reply with something to say'
      : "a message to the customer's reply address from their own address",
    ...(stop === undefined ? {} : { alsoAsksToStop: stop }),
  };
}

/** What the stack does with a message of each class (for the record and the CLI). */
export type InboundAction =
  | 'end-enrolment-and-forward'
  | 'unsubscribe'
  | 'suppress'
  | 'complaint'
  | 'nothing';

/** The action for a classification; a bounce suppresses only with a permanent status for a known address. */
export function actionFor(classification: Classification): InboundAction {
  switch (classification.class) {
    case 'human-reply':
      return 'end-enrolment-and-forward';
    case 'unsubscribe-request':
      return 'unsubscribe';
    case 'feedback-report':
      return 'complaint';
    case 'bounce':
      return classification.bounced?.some((entry) => entry.permanent) === true ? 'suppress' : 'nothing';
    default:
      return 'nothing';
  }
}
