import type { LocalizedText, Update } from '../config/content.ts';
import type { RekindleConfig } from '../config/schema.ts';
import { canonicalLocale, type Incident, purchasesOf } from '../customers/model.ts';
import type { CustomerView } from '../domain/customer-view.ts';
import type { SendRecord } from '../domain/send-record.ts';
import type {
  IncidentVariables,
  ShopVariables,
  TemplateVariables,
  UpdateVariables,
} from './template-variables.ts';

/** How many past problems a template is given. */
const maxIncidents = 3;

const dateFormats = new Map<string, Intl.DateTimeFormat>();

function dateFormat(locale: string, timeZone: string): Intl.DateTimeFormat {
  const key = `${locale}|${timeZone}`;
  let format = dateFormats.get(key);
  if (format === undefined) {
    format = new Intl.DateTimeFormat(locale, { dateStyle: 'long', timeZone });
    dateFormats.set(key, format);
  }
  return format;
}

/** A date in `locale` (see {@link formattingLocale}) and the customer's zone, e.g. "3 मार्च 2026". */
export function formatDate(iso: string, locale: string, timeZone: string): string {
  // A bare date (the updates feed) is a calendar day, not an instant in some zone.
  return /^\d{4}-\d{2}-\d{2}$/.test(iso)
    ? dateFormat(locale, 'UTC').format(new Date(`${iso}T00:00:00Z`))
    : dateFormat(locale, timeZone).format(new Date(iso));
}

/** The language of a tag, lower-case: `hi` for `hi-IN`. */
const languageOf = (tag: string) => (tag.split('-')[0] ?? tag).toLowerCase();

const hasRegion = (tag: string) => new Intl.Locale(tag).region !== undefined;

/**
 * The locale an email's dates are written in. The email is in `emailLocale` (its template's); the
 * customer's own locale when it speaks that language and names a region (`en-GB`, `hi-IN`), else
 * the shop's default when that does (so a bare `en` in an `en-GB` shop reads "6 October 2025",
 * as does a customer whose language has no template), else the customer's or the email's.
 */
export function formattingLocale(emailLocale: string, customerLocale: string, defaultLocale: string): string {
  const email = canonicalLocale(emailLocale) ?? emailLocale;
  const language = languageOf(email);
  const customer = canonicalLocale(customerLocale);
  const shop = canonicalLocale(defaultLocale);
  const speaks = (tag: string | undefined): tag is string =>
    tag !== undefined && languageOf(tag) === language;
  if (speaks(customer) && hasRegion(customer)) return customer;
  if (speaks(shop)) return shop;
  return speaks(customer) ? customer : email;
}

/**
 * The text in `locale`, its base language (`hi` for `hi-IN`), the default locale or its base
 * language, or any.
 */
export function localize(text: LocalizedText, locale: string, defaultLocale: string): string {
  return (
    text[locale] ??
    text[languageOf(locale)] ??
    text[defaultLocale] ??
    text[languageOf(defaultLocale)] ??
    Object.values(text)[0] ??
    ''
  );
}

/**
 * The incident's resolution note in `locale`: its own text for that locale, for the base language,
 * or for another region of it; `resolution` when `locale` speaks the shop's default language. Null
 * otherwise, so the template says "we put it right" in its own words instead of quoting the shop's
 * note untranslated.
 */
export function localizedResolution(
  incident: Pick<Incident, 'resolution' | 'resolutions'>,
  locale: string,
  defaultLocale: string,
): string | null {
  const texts = incident.resolutions ?? {};
  const language = languageOf(locale);
  const sameLanguage = Object.keys(texts)
    .filter((tag) => languageOf(tag) === language)
    .sort()
    .map((tag) => texts[tag]);
  const own = languageOf(defaultLocale) === language && incident.resolution ? incident.resolution : undefined;
  return texts[canonicalLocale(locale) ?? locale] ?? texts[language] ?? own ?? sameLanguage[0] ?? null;
}

/** The shop as emails in `locale` present it: the signer (default the shop's name) and logo alt localized. */
export function shopVariables(shop: RekindleConfig['shop'], locale: string): ShopVariables {
  const text = (value: string | LocalizedText) =>
    typeof value === 'string' ? value : localize(value, locale, shop.defaultLocale);
  return {
    name: shop.name,
    postalAddress: shop.postalAddress,
    signer: shop.signer === undefined ? shop.name : text(shop.signer),
    logo:
      shop.logo === undefined
        ? null
        : { url: shop.logo.url, alt: text(shop.logo.alt), width: shop.logo.width },
  };
}

/** Update ids earlier emails to this customer showed (the ledger's `updateIds`). */
export function shownUpdateIds(sends: readonly SendRecord[]): Set<string> {
  const shown = new Set<string>();
  for (const send of sends) {
    if (send.state === 'failed' || !('updateIds' in send) || !Array.isArray(send.updateIds)) continue;
    for (const id of send.updateIds) if (typeof id === 'string') shown.add(id);
  }
  return shown;
}

/**
 * The updates one customer should read about, newest first (fixes for the matched incident's kind
 * before the rest): a fix for a kind of problem they had,
 * shipped after it happened; or a general update (no kinds) since their last order. Never one an
 * earlier email showed them.
 */
export function selectUpdates(
  updates: readonly Update[],
  customer: {
    incidents: readonly Incident[];
    lastOrderAt?: string;
    shown: ReadonlySet<string>;
    /** The incident the email is about: the fixes for its kind come first. */
    matched?: Incident;
  },
  limit: number,
): Update[] {
  const day = (iso: string) => iso.slice(0, 10);
  const relevant = updates.filter((update) => {
    if (customer.shown.has(update.id)) return false;
    if (update.addresses.length === 0)
      return customer.lastOrderAt === undefined || update.date >= day(customer.lastOrderAt);
    return customer.incidents.some(
      (incident) => update.addresses.includes(incident.kind) && day(incident.occurredAt) <= update.date,
    );
  });
  const addressesMatched = (update: Update) =>
    customer.matched !== undefined && update.addresses.includes(customer.matched.kind) ? 0 : 1;
  return relevant
    .sort(
      (a, b) =>
        addressesMatched(a) - addressesMatched(b) ||
        (a.date === b.date ? a.id.localeCompare(b.id) : b.date.localeCompare(a.date)),
    )
    .slice(0, limit);
}

/**
 * The incident the enrolment was made for (its segment's `incident` condition matched it), if it
 * has one and it is still on record. Never another: an email names only the problem it is about.
 */
export function matchedIncidentOf(view: CustomerView, enrolmentId: string): Incident | undefined {
  const incidentId = view.enrolments.find((enrolment) => enrolment.enrolmentId === enrolmentId)?.incidentId;
  return incidentId === undefined
    ? undefined
    : view.incidents.find((incident) => incident.incidentId === incidentId);
}

const latestOrder = (view: CustomerView) =>
  purchasesOf(view.orders).sort((a, b) => b.placedAt.localeCompare(a.placedAt))[0];

/** The feed entries the next email of this enrolment shows (see `selectUpdates`); empty when none is relevant. */
export function updatesFor(
  view: CustomerView,
  config: Pick<RekindleConfig, 'content'>,
  enrolmentId: string,
): Update[] {
  const matched = matchedIncidentOf(view, enrolmentId);
  return selectUpdates(
    config.content.updates,
    {
      incidents: view.incidents,
      lastOrderAt: latestOrder(view)?.placedAt,
      shown: shownUpdateIds(view.sends),
      ...(matched === undefined ? {} : { matched }),
    },
    config.content.updatesPerEmail,
  );
}

/**
 * Everything a template may use, for one customer, in the email's language. `updates` are the
 * feed entries picked by `selectUpdates`; their ids go to the send ledger.
 */
export function buildTemplateVariables(input: {
  readonly view: CustomerView;
  readonly config: RekindleConfig;
  readonly locale: string;
  readonly unsubscribeUrl: string;
  /** The enrolment the email belongs to: its matched incident is the one the email names. */
  readonly enrolmentId: string;
}): { variables: TemplateVariables; updateIds: string[] } {
  const { view, config, locale } = input;
  const { customer } = view;
  const timeZone = customer.timeZone ?? config.shop.fallbackTimeZone;
  // Dates and per-locale texts follow the customer's region when the email is in their language.
  const written = formattingLocale(locale, customer.locale, config.shop.defaultLocale);
  const date = (iso: string) => formatDate(iso, written, timeZone);
  const toVariables = (incident: Incident): IncidentVariables => ({
    kind: incident.kind,
    date: date(incident.occurredAt),
    order: incident.orderId ?? null,
    resolved: incident.resolvedAt !== undefined,
    resolvedOn: incident.resolvedAt === undefined ? null : date(incident.resolvedAt),
    resolution: localizedResolution(incident, written, config.shop.defaultLocale),
    ticketOpen: incident.ticketOpen,
  });
  const incidents = [...view.incidents]
    .sort((a, b) => b.occurredAt.localeCompare(a.occurredAt))
    .slice(0, maxIncidents)
    .map(toVariables);
  const matched = matchedIncidentOf(view, input.enrolmentId);
  const lastOrder = latestOrder(view);
  const picked = updatesFor(view, config, input.enrolmentId);
  const updates: UpdateVariables[] = picked.map((update) => ({
    id: update.id,
    date: date(update.date),
    title: localize(update.title, written, config.shop.defaultLocale),
    body: localize(update.body, written, config.shop.defaultLocale),
  }));
  return {
    variables: {
      customer: { id: customer.customerId, firstName: customer.firstName, email: customer.email },
      shop: shopVariables(config.shop, locale),
      unsubscribeUrl: input.unsubscribeUrl,
      // Off unless the sequence turns tracking on; composeEmail passes the sequence's choice.
      tracking: { opens: false, clicks: false },
      incident: matched === undefined ? null : toVariables(matched),
      incidents,
      lastOrder: lastOrder === undefined ? null : { id: lastOrder.orderId, date: date(lastOrder.placedAt) },
      updates,
    },
    updateIds: picked.map((update) => update.id),
  };
}
