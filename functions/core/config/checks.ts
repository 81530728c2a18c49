import { type ConfigIssue, configIssueAt } from './load.ts';
import type { RekindleConfig, Segment } from './schema.ts';
import type { IncidentCondition, SegmentConditions } from './segments.ts';

/** The config as read: its file name and text, so each finding is placed at its line. */
export interface ConfigSource {
  readonly file: string;
  readonly text: string;
}

type Bounds = { readonly min?: number | undefined; readonly max?: number | undefined };

/** Every value in `inner` lies in `outer` (a bound left out is no bound). */
function within(outer: Bounds | undefined, inner: Bounds | undefined): boolean {
  if (outer === undefined) return true;
  // A customer without the value (no orders, no score) matches no range, even an empty one.
  if (inner === undefined) return false;
  const above = outer.min === undefined || (inner.min !== undefined && inner.min >= outer.min);
  const below = outer.max === undefined || (inner.max !== undefined && inner.max <= outer.max);
  return above && below;
}

function subset<T>(outer: readonly T[] | undefined, inner: readonly T[] | undefined): boolean {
  if (outer === undefined) return true;
  return inner?.every((value) => outer.includes(value)) === true;
}

/** A language tag in `outer` matches every tag of `inner` ("en" matches "en-GB"). */
function localesWithin(outer: readonly string[] | undefined, inner: readonly string[] | undefined) {
  if (outer === undefined) return true;
  const matches = (tag: string) =>
    outer.some(
      (wanted) =>
        tag.toLowerCase() === wanted.toLowerCase() ||
        tag.toLowerCase().startsWith(`${wanted.toLowerCase()}-`),
    );
  return inner?.every(matches) === true;
}

function incidentWithin(outer: IncidentCondition | undefined, inner: IncidentCondition | undefined) {
  if (outer === undefined) return true;
  if (inner === undefined) return false;
  // "latest" looks at one incident only; "any" finds it too when it qualifies.
  if (outer.which === 'latest' && inner.which !== 'latest') return false;
  const same = (a: boolean | undefined, b: boolean | undefined) => a === undefined || a === b;
  return (
    subset(outer.kind, inner.kind) &&
    (outer.withinDays === undefined ||
      (inner.withinDays !== undefined && inner.withinDays <= outer.withinDays)) &&
    same(outer.ticketOpen, inner.ticketOpen) &&
    same(outer.resolved, inner.resolved)
  );
}

const rangeFields = [
  'pAlive',
  'pReturn',
  'expectedPurchases',
  'overdueRatio',
  'daysSinceLastOrder',
  'orderCount',
  'totalSpend',
] as const;

/**
 * Whether every customer `inner` describes also matches `outer`, judged field by field (so it may
 * say no when the answer is yes, never the other way round).
 */
export function conditionsCover(outer: SegmentConditions, inner: SegmentConditions): boolean {
  return (
    rangeFields.every((name) => within(outer[name], inner[name])) &&
    incidentWithin(outer.incident, inner.incident) &&
    localesWithin(outer.locale, inner.locale) &&
    subset(outer.consent, inner.consent)
  );
}

const isCatchAll = (segment: Segment) => conditionsCover(segment.when, {});

/** `09:00` from minutes after midnight. */
const clock = (minutes: number) =>
  `${String(Math.floor(minutes / 60)).padStart(2, '0')}:${String(minutes % 60).padStart(2, '0')}`;

/** Below this many minutes a day, the send window is more likely a slip than a choice. */
export const shortestSendWindowMinutes = 60;

/**
 * Config choices that validate but do something the marketer most likely did not mean: a segment
 * no customer can reach, a sequence no segment enrols anyone in, a send window too short to send
 * in. Warnings for `rekindle validate` (errors under `--strict`).
 */
export function configWarnings(config: RekindleConfig, source: ConfigSource): ConfigIssue[] {
  const at = (path: readonly (string | number)[], message: string) =>
    configIssueAt(source.text, source.file, path, message);
  const warnings: ConfigIssue[] = [];
  config.segments.forEach((segment, index) => {
    const { orderCount, daysSinceLastOrder, overdueRatio } = segment.when;
    const sinceOrder =
      daysSinceLastOrder === undefined
        ? overdueRatio === undefined
          ? undefined
          : 'overdueRatio'
        : 'daysSinceLastOrder';
    if (orderCount?.max !== undefined && orderCount.max < 1 && sinceOrder !== undefined) {
      warnings.push(
        at(
          ['segments', index, 'when', 'orderCount'],
          `segment "${segment.id}" can never match: it wants customers with no orders (orderCount max ${orderCount.max}) and a ${sinceOrder}, which only a customer with an order has`,
        ),
      );
      return;
    }
    const earlier = config.segments
      .slice(0, index)
      .findIndex((other) => conditionsCover(other.when, segment.when));
    const other = config.segments[earlier];
    if (other === undefined) return;
    const line = at(['segments', earlier, 'id'], '').line;
    warnings.push(
      at(
        ['segments', index, 'id'],
        isCatchAll(other)
          ? `segment "${segment.id}" can never match: "${other.id}" (line ${line}) comes first and has no conditions, so it takes every customer; move "${other.id}" to the end`
          : `segment "${segment.id}" can never match: every customer it describes matches "${other.id}" (line ${line}) first, and a customer is in the first segment that matches; move "${segment.id}" above "${other.id}" or narrow "${other.id}"`,
      ),
    );
  });
  const enrolled = new Set(config.segments.map((segment) => segment.sequence));
  config.sequences.forEach((sequence, index) => {
    if (!enrolled.has(sequence.id))
      warnings.push(
        at(
          ['sequences', index, 'id'],
          `sequence "${sequence.id}" is not used: no segment has "sequence: ${sequence.id}", so nobody gets it; name it in a segment or remove it`,
        ),
      );
  });
  const window = config.policy.sendWindow;
  const open = window.to - window.from;
  if (open < shortestSendWindowMinutes) {
    const flexible = Math.round(config.policy.scheduleFlexibility / 60_000);
    warnings.push(
      at(
        ['policy', 'sendWindow', 'to'],
        `the send window is open only ${open} minute${open === 1 ? '' : 's'} a day (${clock(window.from)}–${clock(window.to)}): ${
          open <= flexible
            ? `the Scheduler may fire a send up to ${flexible} minutes late (policy.scheduleFlexibility), after the window has closed, and such a send waits for the next day's window, often again and again`
            : `a day's emails are all planned into its first ${open - flexible} minutes (the Scheduler may fire up to ${flexible} minutes late, policy.scheduleFlexibility), and any send held back by the cap, the gap or a ticket waits a whole day for the next window`
        }; fewer emails go out, and later. Open it for at least ${shortestSendWindowMinutes} minutes`,
      ),
    );
  }
  return warnings;
}
