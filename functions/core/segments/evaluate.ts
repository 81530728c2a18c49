import type { Segment } from '../config/schema.ts';
import type { IncidentCondition } from '../config/segments.ts';
import { type CustomerWithOrders, type Incident, purchasesOf, purchaseTotal } from '../customers/model.ts';

const dayMs = 86_400_000;

/** What the model says about one customer (see scoring.ts). */
export interface ScoreFacts {
  readonly pAlive: number;
  readonly pReturn: number;
  readonly expectedPurchases: number;
  /** Days since the last order over the customer's expected gap; from the model when it has one. */
  readonly overdueRatio?: number;
}

/** What the segment rules look at for one customer, computed once. */
export interface CustomerFacts {
  readonly now?: number;
  readonly orderCount: number;
  readonly lastOrderAt: number | undefined;
  readonly daysSinceLastOrder: number | undefined;
  /** Kept amounts of the purchases; undefined when they are in several currencies (never summed). */
  readonly totalSpend: number | undefined;
  /** Days since the last order over the customer's mean gap between orders (two orders or more). */
  readonly overdueRatio?: number | undefined;
  readonly locale?: string;
  readonly consent?: string;
  readonly incidents?: readonly Incident[];
  /** Undefined when no model has scored the customer: every model condition then fails. */
  readonly score?: ScoreFacts | undefined;
}

export function customerFacts(
  subject: CustomerWithOrders & { readonly incidents?: readonly Incident[] },
  now: number,
  score?: ScoreFacts,
): CustomerFacts {
  let firstOrderAt: number | undefined;
  let lastOrderAt: number | undefined;
  // Refunded, cancelled and voided orders are no purchases: they neither count nor date a return.
  const purchases = purchasesOf(subject.orders);
  for (const order of purchases) {
    const at = Date.parse(order.placedAt);
    if (lastOrderAt === undefined || at > lastOrderAt) lastOrderAt = at;
    if (firstOrderAt === undefined || at < firstOrderAt) firstOrderAt = at;
  }
  const daysSinceLastOrder = lastOrderAt === undefined ? undefined : Math.floor((now - lastOrderAt) / dayMs);
  const meanGapDays =
    purchases.length >= 2 && firstOrderAt !== undefined && lastOrderAt !== undefined
      ? (lastOrderAt - firstOrderAt) / dayMs / (purchases.length - 1)
      : undefined;
  const observedOverdue =
    meanGapDays !== undefined && meanGapDays > 0 && daysSinceLastOrder !== undefined
      ? daysSinceLastOrder / meanGapDays
      : undefined;
  return {
    now,
    orderCount: purchases.length,
    lastOrderAt,
    daysSinceLastOrder,
    totalSpend: purchaseTotal(purchases),
    overdueRatio: score?.overdueRatio ?? observedOverdue,
    locale: subject.customer.locale,
    consent: subject.customer.consent,
    incidents: subject.incidents ?? [],
    score,
  };
}

type Range = { readonly min?: number | undefined; readonly max?: number | undefined };

function inRange(value: number | undefined, range: Range | undefined): boolean {
  if (range === undefined) return true;
  if (value === undefined) return false;
  return (range.min === undefined || value >= range.min) && (range.max === undefined || value <= range.max);
}

/** Newest first; the incident id breaks ties so the choice is stable. */
const newestFirst = (a: Incident, b: Incident) =>
  b.occurredAt === a.occurredAt
    ? a.incidentId.localeCompare(b.incidentId)
    : b.occurredAt.localeCompare(a.occurredAt);

/**
 * The incident `condition` refers to: the newest one satisfying every field (`which: latest`
 * looks only at the customer's most recent incident), or undefined when none does.
 */
export function matchedIncident(facts: CustomerFacts, condition: IncidentCondition): Incident | undefined {
  const sorted = [...(facts.incidents ?? [])].sort(newestFirst);
  const candidates = condition.which === 'latest' ? sorted.slice(0, 1) : sorted;
  return candidates.find((incident) => {
    if (condition.kind !== undefined && !condition.kind.includes(incident.kind)) return false;
    if (condition.withinDays !== undefined) {
      if (facts.now === undefined) return false;
      if ((facts.now - Date.parse(incident.occurredAt)) / dayMs > condition.withinDays) return false;
    }
    if (condition.ticketOpen !== undefined && incident.ticketOpen !== condition.ticketOpen) return false;
    if (condition.resolved !== undefined && (incident.resolvedAt !== undefined) !== condition.resolved)
      return false;
    return true;
  });
}

function matchesLocale(locale: string | undefined, wanted: readonly string[] | undefined): boolean {
  if (wanted === undefined) return true;
  if (locale === undefined) return false;
  const lower = locale.toLowerCase();
  return wanted.some((tag) => {
    const prefix = tag.toLowerCase();
    return lower === prefix || lower.startsWith(`${prefix}-`);
  });
}

/** Whether every condition of `segment` holds for these facts. */
export function matchesSegment(segment: Segment, facts: CustomerFacts): boolean {
  const when = segment.when;
  return (
    inRange(facts.score?.pAlive, when.pAlive) &&
    inRange(facts.score?.pReturn, when.pReturn) &&
    inRange(facts.score?.expectedPurchases, when.expectedPurchases) &&
    inRange(facts.overdueRatio, when.overdueRatio) &&
    inRange(facts.daysSinceLastOrder, when.daysSinceLastOrder) &&
    inRange(facts.orderCount, when.orderCount) &&
    inRange(facts.totalSpend, when.totalSpend) &&
    (when.incident === undefined || matchedIncident(facts, when.incident) !== undefined) &&
    matchesLocale(facts.locale, when.locale) &&
    (when.consent === undefined ||
      (facts.consent !== undefined && when.consent.some((consent) => consent === facts.consent)))
  );
}

/** The first segment whose conditions all hold, or undefined. First match wins. */
export function matchSegment(segments: readonly Segment[], facts: CustomerFacts): Segment | undefined {
  return segments.find((segment) => matchesSegment(segment, facts));
}

/** A customer's segment, and the incident its `incident` condition matched (if it has one). */
export interface SegmentMatch {
  readonly segment: Segment;
  readonly incident?: Incident;
}

/** `matchSegment`, with the incident the segment matched on: the one its emails must name. */
export function segmentMatch(segments: readonly Segment[], facts: CustomerFacts): SegmentMatch | undefined {
  const segment = matchSegment(segments, facts);
  if (segment === undefined) return undefined;
  const condition = segment.when.incident;
  const incident = condition === undefined ? undefined : matchedIncident(facts, condition);
  return incident === undefined ? { segment } : { segment, incident };
}

const round = (value: number, digits = 2) => Number(value.toFixed(digits));

/** The conditions of `segment` as they held for this customer, for people: "pAlive 0.18 (≤ 0.3)". */
export function describeMatch(segment: Segment, facts: CustomerFacts): string[] {
  const when = segment.when;
  const parts: string[] = [];
  const bound = (range: Range) =>
    [range.min === undefined ? '' : `≥ ${range.min}`, range.max === undefined ? '' : `≤ ${range.max}`]
      .filter((text) => text !== '')
      .join(', ');
  const numeric: [string, number | undefined, Range | undefined][] = [
    ['pAlive', facts.score?.pAlive, when.pAlive],
    ['pReturn', facts.score?.pReturn, when.pReturn],
    ['expectedPurchases', facts.score?.expectedPurchases, when.expectedPurchases],
    ['overdueRatio', facts.overdueRatio, when.overdueRatio],
    ['daysSinceLastOrder', facts.daysSinceLastOrder, when.daysSinceLastOrder],
    ['orderCount', facts.orderCount, when.orderCount],
    ['totalSpend', facts.totalSpend, when.totalSpend],
  ];
  for (const [name, value, range] of numeric)
    if (range !== undefined && value !== undefined) parts.push(`${name} ${round(value)} (${bound(range)})`);
  if (when.incident !== undefined) {
    const incident = matchedIncident(facts, when.incident);
    if (incident !== undefined)
      parts.push(`incident ${incident.kind} on ${incident.occurredAt.slice(0, 10)} (${incident.incidentId})`);
  }
  if (when.locale !== undefined) parts.push(`locale ${facts.locale ?? '?'}`);
  if (when.consent !== undefined) parts.push(`consent ${facts.consent ?? '?'}`);
  return parts;
}
