/** The unsubscribe page in each of our locales; small, no scripts, no external resources. */

export const pageLocales = ['en', 'hi', 'gu', 'si'] as const;
export type PageLocale = (typeof pageLocales)[number];

interface PageText {
  readonly title: string;
  readonly question: string;
  readonly explain: string;
  readonly unsubscribe: string;
  readonly pauseInstead: string;
  readonly pause: string;
  readonly done: string;
  readonly paused: string;
  readonly invalid: string;
  readonly error: string;
}

const texts: Record<PageLocale, PageText> = {
  en: {
    title: 'Unsubscribe',
    question: 'Stop emails from {shop}?',
    explain: 'You will get no more of these emails. This takes effect at once.',
    unsubscribe: 'Unsubscribe',
    pauseInstead: 'Or take a break: no emails for 3 months.',
    pause: 'Pause for 3 months',
    done: 'You are unsubscribed. You will get no more of these emails.',
    paused: 'Paused. We will not email you before {date}.',
    invalid: 'This link is not valid or has been altered, so nothing was changed.',
    error: 'Something went wrong on our side. Nothing was changed; please try again later.',
  },
  hi: {
    title: 'अनसब्सक्राइब करें',
    question: '{shop} से ईमेल बंद करें?',
    explain: 'आपको ये ईमेल अब नहीं मिलेंगे। यह तुरंत लागू होगा।',
    unsubscribe: 'अनसब्सक्राइब करें',
    pauseInstead: 'या कुछ समय के लिए रोकें: 3 महीने तक कोई ईमेल नहीं।',
    pause: '3 महीने के लिए रोकें',
    done: 'आप अनसब्सक्राइब हो गए हैं। आपको ये ईमेल अब नहीं मिलेंगे।',
    paused: 'रोक दिया गया। हम {date} से पहले आपको ईमेल नहीं करेंगे।',
    invalid: 'यह लिंक मान्य नहीं है या बदला गया है, इसलिए कुछ नहीं बदला गया।',
    error: 'हमारी ओर से कुछ गड़बड़ हुई। कुछ नहीं बदला गया; कृपया बाद में फिर से कोशिश करें।',
  },
  gu: {
    title: 'અનસબ્સ્ક્રાઇબ કરો',
    question: '{shop} તરફથી ઇમેઇલ બંધ કરવા છે?',
    explain: 'તમને આ ઇમેઇલ હવે નહીં મળે. આ તરત જ લાગુ થશે.',
    unsubscribe: 'અનસબ્સ્ક્રાઇબ કરો',
    pauseInstead: 'અથવા વિરામ લો: 3 મહિના સુધી કોઈ ઇમેઇલ નહીં.',
    pause: '3 મહિના માટે થોભાવો',
    done: 'તમે અનસબ્સ્ક્રાઇબ થઈ ગયા છો. તમને આ ઇમેઇલ હવે નહીં મળે.',
    paused: 'થોભાવ્યું. અમે તમને {date} પહેલાં ઇમેઇલ નહીં કરીએ.',
    invalid: 'આ લિંક માન્ય નથી અથવા બદલાયેલી છે, તેથી કંઈ બદલાયું નથી.',
    error: 'અમારી બાજુએ કંઈક ખોટું થયું. કંઈ બદલાયું નથી; કૃપા કરીને પછીથી ફરી પ્રયાસ કરો.',
  },
  si: {
    title: 'දායකත්වයෙන් ඉවත් වන්න',
    question: '{shop} වෙතින් ඊමේල් නවත්වන්නද?',
    explain: 'ඔබට මෙම ඊමේල් තවදුරටත් නොලැබේ. මෙය වහාම ක්‍රියාත්මක වේ.',
    unsubscribe: 'දායකත්වයෙන් ඉවත් වන්න',
    pauseInstead: 'නැතහොත් විවේකයක් ගන්න: මාස 3ක් ඊමේල් නැත.',
    pause: 'මාස 3කට නවත්වන්න',
    done: 'ඔබ දායකත්වයෙන් ඉවත් විය. ඔබට මෙම ඊමේල් තවදුරටත් නොලැබේ.',
    paused: 'නවත්වා ඇත. අපි {date} ට පෙර ඔබට ඊමේල් නොකරමු.',
    invalid: 'මෙම සබැඳිය වලංගු නැත හෝ වෙනස් කර ඇත, එබැවින් කිසිවක් වෙනස් නොවීය.',
    error: 'අපගේ පැත්තෙන් යමක් වැරදුණි. කිසිවක් වෙනස් නොවීය; කරුණාකර පසුව නැවත උත්සාහ කරන්න.',
  },
};

const escapeHtml = (text: string) => text.replace(/[&<>"']/g, (char) => `&#${char.charCodeAt(0)};`);

/** The first of our locales among the candidates (a customer's locale, then Accept-Language). */
export function pickLocale(...candidates: readonly (string | undefined)[]): PageLocale {
  for (const candidate of candidates) {
    for (const tag of (candidate ?? '').split(',')) {
      const language = tag.trim().split(/[-_;]/)[0]?.toLowerCase();
      const match = pageLocales.find((locale) => locale === language);
      if (match !== undefined) return match;
    }
  }
  return 'en';
}

export type PageKind =
  | { readonly kind: 'confirm'; readonly token: string }
  | { readonly kind: 'done' }
  | { readonly kind: 'paused'; readonly until: number; readonly timeZone?: string }
  | { readonly kind: 'invalid' }
  | { readonly kind: 'error' };

/** The whole HTML page for one outcome, in `locale`. */
export function renderUnsubscribePage(page: PageKind, locale: PageLocale, shopName: string): string {
  const text = texts[locale];
  const fill = (template: string, values: Record<string, string>) =>
    escapeHtml(template.replace(/\{(\w+)\}/g, (_match, name: string) => values[name] ?? ''));
  let body: string;
  switch (page.kind) {
    case 'confirm': {
      const token = escapeHtml(page.token);
      body = `<h1>${fill(text.question, { shop: shopName })}</h1>
<p>${escapeHtml(text.explain)}</p>
<form method="post"><input type="hidden" name="t" value="${token}"><input type="hidden" name="action" value="unsubscribe">
<button type="submit" id="unsubscribe">${escapeHtml(text.unsubscribe)}</button></form>
<p>${escapeHtml(text.pauseInstead)}</p>
<form method="post"><input type="hidden" name="t" value="${token}"><input type="hidden" name="action" value="pause">
<button type="submit" id="pause" class="secondary">${escapeHtml(text.pause)}</button></form>`;
      break;
    }
    case 'done':
      body = `<h1>${escapeHtml(text.title)}</h1><p role="status">${escapeHtml(text.done)}</p>`;
      break;
    case 'paused': {
      const date = new Intl.DateTimeFormat(locale, {
        dateStyle: 'long',
        timeZone: page.timeZone ?? 'UTC',
      }).format(new Date(page.until));
      body = `<h1>${escapeHtml(text.title)}</h1><p role="status">${fill(text.paused, { date })}</p>`;
      break;
    }
    case 'invalid':
      body = `<h1>${escapeHtml(text.title)}</h1><p role="alert">${escapeHtml(text.invalid)}</p>`;
      break;
    case 'error':
      body = `<h1>${escapeHtml(text.title)}</h1><p role="alert">${escapeHtml(text.error)}</p>`;
      break;
  }
  return `<!doctype html>
<html lang="${locale}"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1">
<meta name="robots" content="noindex"><title>${escapeHtml(text.title)} · ${escapeHtml(shopName)}</title>
<style>body{font-family:system-ui,sans-serif;max-width:32rem;margin:3rem auto;padding:0 1rem;line-height:1.5;color:#222}
button{font:inherit;padding:.6rem 1.2rem;border:0;border-radius:.3rem;background:#1d4ed8;color:#fff;cursor:pointer}
button.secondary{background:#e5e7eb;color:#111}</style></head>
<body>${body}</body></html>`;
}
