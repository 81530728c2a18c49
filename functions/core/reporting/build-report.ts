import type { RekindleConfig } from '../config/schema.ts';
import { isPurchase, keptAmount } from '../customers/model.ts';
import { addCounters, type Counters, zeroCounters } from '../domain/counters.ts';
import { type AssignmentHistory, reentryBlockedBy, sunsets } from '../domain/enrolment-state.ts';
import { allSequences, sesAccountScope } from '../domain/pauses.ts';
import type { ReportData } from '../domain/report-data.ts';
import type { SentTracking } from '../domain/send-record.ts';
import { trackingFor } from '../domain/tracking.ts';
import { analyseExperiment, type ExperimentAnalysis, type ExperimentUnit } from './experiment.ts';
import { isoWeek } from './iso-week.ts';
import { type Money, MoneyTally, perUnit } from './money.ts';
import { type Lift, newcombeDifference } from './statistics.ts';

export interface StepRow {
  readonly stepIndex: number;
  readonly stepId: string;
  readonly counters: Counters;
  /** Customers whose first purchase in the window came after this step was their latest email. */
  readonly returned: number;
  /** Revenue of the window's purchases made while this step was the customer's latest email. */
  readonly revenue: readonly Money[];
  /** That revenue per email of this step sent, per currency. */
  readonly revenuePerEmail: readonly Money[];
}

/** One ISO week of a sequence: emails sent, customers back (by their first purchase), revenue. */
export interface WeekRow {
  /** `2026-W48`. */
  readonly week: string;
  readonly sent: number;
  readonly returned: number;
  readonly revenue: readonly Money[];
}

/**
 * The hold-out comparison with its statistics (experiment.ts): the return-rate and revenue lifts,
 * plain and adjusted by each customer's predicted purchases, and the customers a lift needs.
 */
export type ExperimentResult =
  | {
      readonly kind: 'analysis';
      /** The currency of the revenue lift: the group's main one (orders in others are left out of it). */
      readonly currency: string;
      readonly analysis: ExperimentAnalysis;
      /** Why there is no adjusted estimate, when there is none. */
      readonly unadjustedBecause?: string;
      /** Customers assigned (enrolled or held out) per week so far, for "about N weeks more". */
      readonly customersPerWeek: number;
      /**
       * Set while either group is under the minimum size: the estimates are not shown yet, only the
       * customers a lift needs.
       */
      readonly tooFewBecause?: string;
    }
  | { readonly kind: 'not-enough-data'; readonly reason: string };

export type LiftResult =
  | ({ readonly kind: 'lift' } & Lift)
  | { readonly kind: 'not-enough-data'; readonly reason: string };

/** One segment's customers in one sequence: who got it, who was held out, and what they did. */
export interface GroupReport {
  readonly segmentId: string;
  readonly sequenceId: string;
  readonly enrolled: number;
  readonly heldOut: number;
  readonly returned: number;
  readonly heldOutReturned: number;
  readonly returnRate: number | undefined;
  readonly heldOutReturnRate: number | undefined;
  /** What the enrolled spent in their attribution windows (refunds taken off), per currency. */
  readonly revenue: readonly Money[];
  /** What the held-out spent in theirs, per currency. */
  readonly heldOutRevenue: readonly Money[];
  /** The enrolled's revenue per email sent, per currency. */
  readonly revenuePerEmail: readonly Money[];
  readonly lift: LiftResult;
  /** The same comparison with revenue, the adjusted estimates and the customers a lift needs. */
  readonly experiment: ExperimentResult;
  /** Enrolments that ran to the end (every step sent or skipped). */
  readonly completed: number;
  /** Enrolments that ended early, by reason (purchase, reply, unsubscribe…). */
  readonly exited: Readonly<Record<string, number>>;
  /**
   * Completed with no response (no open by a person, content click or reply) and no order since it
   * started: the customer gets no more win-back until they order again.
   */
  readonly sunset: number;
  /**
   * Customers who had this sequence and whom its re-entry rule now keeps out of it (they replied,
   * complained or unsubscribed, or it ended within `reentry.after`): the segmenter will not enrol
   * them in it again, whatever segment they fall in.
   */
  readonly reentryBlocked: number;
  readonly totals: Counters;
  readonly steps: readonly StepRow[];
  /** Per ISO week with an email or a return, in order. */
  readonly weeks: readonly WeekRow[];
  /**
   * Emails sent → delivered → opened (by a person) → clicked, then customers returned; opened and
   * clicked only where counted (see `counted`).
   */
  readonly funnel: readonly FunnelStage[];
  /**
   * Whether opens and clicks are counted: tracked in an email sent in the group (as its send record
   * says; for emails sent before records said, by the sequence's setting now, `trackingFor`), or
   * counted all the same. An uncounted column reads "not tracked", never a 0 that looks like a result.
   */
  readonly counted: { readonly opens: boolean; readonly clicks: boolean };
  /** Why, for opens and for clicks where they are not counted. */
  readonly untracked: { readonly opens?: Untracked; readonly clicks?: Untracked };
}

/** Why a group's opens or clicks are not counted: what its emails were sent with, and the setting now. */
export interface Untracked {
  /** Emails sent in the group. */
  readonly emails: number;
  /**
   * Of those, the ones with clicks configured but no link SES tracks (the unsubscribe link never
   * is), so sent with click tracking off. Always 0 for opens.
   */
  readonly noTrackedLinks: number;
  /** The sequence's setting now: on means the emails went out while it was off. */
  readonly settingOn: boolean;
}

export interface FunnelStage {
  readonly stage: 'sent' | 'delivered' | 'opened' | 'clicked' | 'returned';
  readonly count: number;
}

/** A pause in force: the kill switch (`scope` is `allSequences`) or one sequence's. */
export interface PauseInForce {
  /** A sequence id, `allSequences` (the kill switch) or `sesAccountScope` (SES paused the account; core/domain/pauses.ts). */
  readonly scope: string;
  readonly reason: string;
  /** Since when; SES does not say when it paused an account. */
  readonly at?: number;
}

export interface Report {
  readonly generatedAt: number;
  /** Which data the report read (a table, a stack, the demo's saved data), in words. */
  readonly source?: string;
  readonly attributionWindowDays: number;
  /** Shown first: nothing of these goes out until someone resumes them. */
  readonly pauses: readonly PauseInForce[];
  readonly groups: readonly GroupReport[];
}

export interface ReportOptions {
  readonly now: number;
  /** Fewer customers than this in either arm and the lift is "not enough data yet". @default 30 */
  readonly minGroupSize?: number;
  /** The pauses in force (read from the sequence pauses by the caller). @default none */
  readonly pauses?: readonly PauseInForce[];
  /** Which data the report reads, shown in its header. */
  readonly source?: string;
}

/**
 * Per segment and sequence: the funnel from the counters, returns within the attribution window
 * (a purchase after the first email, or after the hold-out date for the held-out), and the lift
 * of the return rate over the hold-out with a 95% confidence interval.
 */
export function buildReport(
  data: ReportData,
  config: Pick<RekindleConfig, 'engagement' | 'sequences'>,
  options: ReportOptions,
): Report {
  const window = config.engagement.attributionWindow;
  const minGroupSize = options.minGroupSize ?? 30;
  const firstSend = new Map(data.firstSends.map((send) => [send.enrolmentId, send.sentAt]));
  type Purchase = ReportData['orders'][number];
  const ordersBy = new Map<string, Purchase[]>();
  // Refunded, cancelled and voided orders are no return and no revenue.
  for (const order of data.orders.filter(isPurchase)) {
    const list = ordersBy.get(order.customerId) ?? [];
    list.push(order);
    ordersBy.set(order.customerId, list);
  }
  for (const list of ordersBy.values()) list.sort((a, b) => a.placedAt - b.placedAt);
  // Each enrolment's emails in the order they went out; the first email if that is all there is.
  type Send = NonNullable<ReportData['sends']>[number];
  const sendsBy = new Map<string, Send[]>();
  for (const send of data.sends ?? []) {
    const list = sendsBy.get(send.enrolmentId) ?? [];
    list.push(send);
    sendsBy.set(send.enrolmentId, list);
  }
  for (const list of sendsBy.values()) list.sort((a, b) => a.sentAt - b.sentAt);
  const respondedAt = new Map(
    (data.responses ?? []).map((response) => [response.enrolmentId, response.respondedAt]),
  );
  const lastOrderAt = (customerId: string) =>
    Math.max(-Infinity, ...(ordersBy.get(customerId) ?? []).map((order) => order.placedAt));
  /** The customer's purchases in the attribution window that opens at `from`. */
  const inWindow = (customerId: string, from: number) =>
    (ordersBy.get(customerId) ?? []).filter(
      (order) => order.placedAt > from && order.placedAt <= from + window,
    );

  const unitOf = (
    treated: boolean,
    purchases: readonly Purchase[],
    assignment: ReportData['assignments'][number],
  ): Tally['units'][number] => {
    const revenue = new MoneyTally();
    for (const order of purchases) revenue.add(order.currency, keptAmount(order));
    return {
      treated,
      returned: purchases.length > 0,
      revenue: revenue.list(),
      covariate: assignment.predictedPurchases,
      assignedAt: assignment.enrolledAt,
    };
  };
  interface StepTally {
    returned: number;
    revenue: MoneyTally;
  }
  interface WeekTally {
    sent: number;
    returned: number;
    revenue: MoneyTally;
  }
  interface Tally {
    enrolled: number;
    heldOut: number;
    returned: number;
    heldOutReturned: number;
    completed: number;
    exited: Record<string, number>;
    sunset: number;
    reentryBlocked: number;
    revenue: MoneyTally;
    heldOutRevenue: MoneyTally;
    steps: Map<number, StepTally>;
    weeks: Map<string, WeekTally>;
    /** The emails sent, and of them those that recorded what SES tracked in them, by what. */
    emails: EmailTally;
    /** Each assigned customer's outcome, for the experiment's statistics. */
    units: {
      treated: boolean;
      returned: boolean;
      revenue: readonly Money[];
      covariate: number | undefined;
      assignedAt: number;
    }[];
  }
  const emptyTally = (): Tally => ({
    enrolled: 0,
    heldOut: 0,
    returned: 0,
    heldOutReturned: 0,
    completed: 0,
    exited: {},
    sunset: 0,
    reentryBlocked: 0,
    revenue: new MoneyTally(),
    heldOutRevenue: new MoneyTally(),
    steps: new Map(),
    weeks: new Map(),
    emails: { sent: 0, unrecorded: 0, opens: 0, clicks: 0, noTrackedLinks: 0 },
    units: [],
  });
  const stepOf = (tally: Tally, stepIndex: number) => {
    const step = tally.steps.get(stepIndex) ?? { returned: 0, revenue: new MoneyTally() };
    tally.steps.set(stepIndex, step);
    return step;
  };
  const weekOf = (tally: Tally, at: number) => {
    const key = isoWeek(at);
    const week = tally.weeks.get(key) ?? { sent: 0, returned: 0, revenue: new MoneyTally() };
    tally.weeks.set(key, week);
    return week;
  };
  const tallies = new Map<string, Tally>();
  const groupKey = (segmentId: string, sequenceId: string) => `${segmentId}\u0000${sequenceId}`;
  for (const assignment of data.assignments) {
    const key = groupKey(assignment.segmentId, assignment.sequenceId);
    const tally = tallies.get(key) ?? emptyTally();
    if (assignment.state === 'held-out') {
      tally.heldOut += 1;
      const purchases = inWindow(assignment.customerId, assignment.enrolledAt);
      if (purchases.length > 0) tally.heldOutReturned += 1;
      for (const order of purchases) tally.heldOutRevenue.add(order.currency, keptAmount(order));
      tally.units.push(unitOf(false, purchases, assignment));
    } else {
      tally.enrolled += 1;
      const from = firstSend.get(assignment.enrolmentId) ?? assignment.enrolledAt;
      const sends = sendsBy.get(assignment.enrolmentId) ?? [];
      for (const send of sends) {
        weekOf(tally, send.sentAt).sent += 1;
        countTracking(tally.emails, send.tracking);
      }
      // A purchase belongs to the step that was the customer's latest email when they bought.
      const stepAt = (at: number) =>
        sends.findLast((send) => send.sentAt <= at)?.stepIndex ?? sends[0]?.stepIndex ?? 0;
      const purchases = inWindow(assignment.customerId, from);
      const first = purchases[0];
      if (first !== undefined) {
        tally.returned += 1;
        stepOf(tally, stepAt(first.placedAt)).returned += 1;
        weekOf(tally, first.placedAt).returned += 1;
      }
      tally.units.push(unitOf(true, purchases, assignment));
      for (const order of purchases) {
        tally.revenue.add(order.currency, keptAmount(order));
        stepOf(tally, stepAt(order.placedAt)).revenue.add(order.currency, keptAmount(order));
        weekOf(tally, order.placedAt).revenue.add(order.currency, keptAmount(order));
      }
      if (assignment.state === 'exited') {
        const reason = assignment.exitReason ?? 'unknown';
        tally.exited[reason] = (tally.exited[reason] ?? 0) + 1;
      }
      if (assignment.state === 'completed') {
        tally.completed += 1;
        const response = respondedAt.get(assignment.enrolmentId);
        const ended = {
          state: 'completed' as const,
          enrolledAt: assignment.enrolledAt,
          ...(response === undefined ? {} : { respondedAt: response }),
        };
        if (sunsets(ended, lastOrderAt(assignment.customerId))) tally.sunset += 1;
      }
    }
    tallies.set(key, tally);
  }
  // Each customer's assignments, for the re-entry rule, which looks at all of them for a sequence.
  const historyBy = new Map<string, AssignmentHistory[]>();
  for (const assignment of data.assignments) {
    if (assignment.state !== 'completed' && assignment.state !== 'exited') continue;
    const response = respondedAt.get(assignment.enrolmentId);
    const history = historyBy.get(assignment.customerId) ?? [];
    history.push({
      ...assignment,
      state: assignment.state,
      ...(response === undefined ? {} : { respondedAt: response }),
      ...(assignment.exitReason === 'reply' && assignment.endedAt !== undefined
        ? { repliedAt: assignment.endedAt }
        : {}),
    });
    historyBy.set(assignment.customerId, history);
  }
  const blocked = new Set<string>();
  for (const [customerId, history] of historyBy) {
    for (const ended of history) {
      const key = groupKey(ended.segmentId, ended.sequenceId);
      const once = `${key}\u0000${customerId}`;
      const reentry = config.sequences.find((sequence) => sequence.id === ended.sequenceId)?.reentry;
      if (
        blocked.has(once) ||
        reentryBlockedBy(history, ended.sequenceId, reentry, options.now) === undefined
      )
        continue;
      blocked.add(once);
      const tally = tallies.get(key);
      if (tally !== undefined) tally.reentryBlocked += 1;
    }
  }
  const stepIdOf = (sequenceId: string, stepIndex: number) =>
    config.sequences.find((sequence) => sequence.id === sequenceId)?.steps[stepIndex]?.id ??
    `step ${stepIndex + 1}`;
  type CountedStep = Pick<StepRow, 'stepIndex' | 'stepId' | 'counters'>;
  const countersBy = new Map<string, Map<number, CountedStep>>();
  for (const item of data.counters) {
    const key = groupKey(item.segmentId, item.sequenceId);
    if (!tallies.has(key)) tallies.set(key, emptyTally());
    const steps = countersBy.get(key) ?? new Map<number, CountedStep>();
    const stepId = item.stepId ?? stepIdOf(item.sequenceId, item.stepIndex);
    const existing = steps.get(item.stepIndex);
    steps.set(item.stepIndex, {
      stepIndex: item.stepIndex,
      stepId,
      counters: addCounters(existing?.counters ?? zeroCounters(), item.counters),
    });
    countersBy.set(key, steps);
  }

  const groups = [...tallies.entries()].map(([key, tally]): GroupReport => {
    const [segmentId = '', sequenceId = ''] = key.split('\u0000');
    const counted = countersBy.get(key) ?? new Map<number, CountedStep>();
    const stepIndexes = [...new Set([...counted.keys(), ...tally.steps.keys()])].sort((a, b) => a - b);
    const steps = stepIndexes.map((stepIndex): StepRow => {
      const row = counted.get(stepIndex);
      const counters = row?.counters ?? zeroCounters();
      const revenue = tally.steps.get(stepIndex)?.revenue.list() ?? [];
      return {
        stepIndex,
        stepId: row?.stepId ?? stepIdOf(sequenceId, stepIndex),
        counters,
        returned: tally.steps.get(stepIndex)?.returned ?? 0,
        revenue,
        revenuePerEmail: perUnit(revenue, counters.sent),
      };
    });
    const totals = steps.reduce((sum, step) => addCounters(sum, step.counters), zeroCounters());
    const setting = trackingFor(
      config.sequences.find((sequence) => sequence.id === sequenceId),
      config.engagement,
    );
    const { emails } = tally;
    // Tracked in an email that says so; emails that do not say (sent before it was recorded), and a
    // group with no email yet, go by the setting now.
    const tracked = (field: 'opens' | 'clicks') =>
      emails[field] > 0 || (setting[field] && (emails.unrecorded > 0 || emails.sent === 0));
    const countsOpens = tracked('opens') || totals.opened + totals.machineOpened > 0;
    const countsClicks = tracked('clicks') || totals.clicked > 0;
    const why = (field: 'opens' | 'clicks'): Untracked => ({
      emails: emails.sent,
      noTrackedLinks: field === 'clicks' ? emails.noTrackedLinks : 0,
      settingOn: setting[field],
    });
    const revenue = tally.revenue.list();
    const {
      steps: _steps,
      weeks,
      revenue: _revenue,
      heldOutRevenue,
      units,
      emails: _emails,
      ...counts
    } = tally;
    return {
      segmentId,
      sequenceId,
      ...counts,
      returnRate: tally.enrolled === 0 ? undefined : tally.returned / tally.enrolled,
      heldOutReturnRate: tally.heldOut === 0 ? undefined : tally.heldOutReturned / tally.heldOut,
      revenue,
      heldOutRevenue: heldOutRevenue.list(),
      revenuePerEmail: perUnit(revenue, totals.sent),
      lift: liftOf(tally, minGroupSize),
      experiment: experimentOf(
        units,
        revenue[0]?.currency ?? heldOutRevenue.list()[0]?.currency ?? '',
        minGroupSize,
      ),
      totals,
      steps,
      funnel: [
        { stage: 'sent', count: totals.sent },
        { stage: 'delivered', count: totals.delivered },
        ...(countsOpens ? [{ stage: 'opened' as const, count: totals.opened }] : []),
        ...(countsClicks ? [{ stage: 'clicked' as const, count: totals.clicked }] : []),
        { stage: 'returned', count: tally.returned },
      ],
      counted: { opens: countsOpens, clicks: countsClicks },
      untracked: {
        ...(countsOpens ? {} : { opens: why('opens') }),
        ...(countsClicks ? {} : { clicks: why('clicks') }),
      },
      weeks: [...weeks]
        .sort(([a], [b]) => a.localeCompare(b))
        .map(([week, row]) => ({
          week,
          sent: row.sent,
          returned: row.returned,
          revenue: row.revenue.list(),
        })),
    };
  });
  groups.sort((a, b) => a.segmentId.localeCompare(b.segmentId) || a.sequenceId.localeCompare(b.sequenceId));
  return {
    generatedAt: options.now,
    ...(options.source === undefined ? {} : { source: options.source }),
    attributionWindowDays: window / 86_400_000,
    // SES pausing the account first, then the kill switch, then sequences, oldest first.
    pauses: [...(options.pauses ?? [])].sort(
      (a, b) => pauseRank(a) - pauseRank(b) || (a.at ?? 0) - (b.at ?? 0),
    ),
    groups,
  };
}

/** The emails of a group: sent, and by what their send records say SES tracked in them. */
interface EmailTally {
  sent: number;
  /** Sent before the send record said what SES tracked. */
  unrecorded: number;
  opens: number;
  clicks: number;
  /** Sent with clicks configured but no link SES tracks. */
  noTrackedLinks: number;
}

function countTracking(emails: EmailTally, tracking: SentTracking | undefined): void {
  emails.sent += 1;
  if (tracking === undefined) {
    emails.unrecorded += 1;
    return;
  }
  if (tracking.opens) emails.opens += 1;
  if (tracking.clicks) emails.clicks += 1;
  if (tracking.noTrackedLinks === true) emails.noTrackedLinks += 1;
}

function liftOf(
  tally: { enrolled: number; heldOut: number; returned: number; heldOutReturned: number },
  minGroupSize: number,
): LiftResult {
  if (tally.heldOut === 0) return { kind: 'not-enough-data', reason: 'no hold-out group' };
  if (tally.enrolled < minGroupSize || tally.heldOut < minGroupSize) {
    return {
      kind: 'not-enough-data',
      reason: `needs ${minGroupSize} in each group (${tally.enrolled} enrolled, ${tally.heldOut} held out)`,
    };
  }
  if (tally.returned + tally.heldOutReturned === 0)
    return { kind: 'not-enough-data', reason: 'no returns yet in either group' };
  return {
    kind: 'lift',
    ...newcombeDifference(
      { successes: tally.returned, trials: tally.enrolled },
      { successes: tally.heldOutReturned, trials: tally.heldOut },
    ),
  };
}

/**
 * The experiment's statistics over the group's customers: revenue in `currency` (a customer's
 * purchases in other currencies count as no revenue there), and the adjusted estimates when every
 * customer has a predicted purchase count from the assignment.
 */
function experimentOf(
  units: readonly {
    treated: boolean;
    returned: boolean;
    revenue: readonly Money[];
    covariate: number | undefined;
    assignedAt: number;
  }[],
  currency: string,
  minGroupSize: number,
): ExperimentResult {
  const missing = units.filter((unit) => unit.covariate === undefined).length;
  const experimentUnits = units.map(
    (unit): ExperimentUnit => ({
      treated: unit.treated,
      returned: unit.returned,
      revenue: unit.revenue.find((money) => money.currency === currency)?.amount ?? 0,
      ...(missing === 0 && unit.covariate !== undefined ? { covariate: unit.covariate } : {}),
    }),
  );
  if (!units.some((unit) => !unit.treated)) return { kind: 'not-enough-data', reason: 'no hold-out group' };
  const result = analyseExperiment(experimentUnits);
  if (!result.ok) return { kind: 'not-enough-data', reason: result.reason };
  const times = units.map((unit) => unit.assignedAt);
  const weeks = Math.max(1, (Math.max(...times) - Math.min(...times)) / (7 * 86_400_000));
  const { treated, holdout } = result.analysis;
  // With no returns (or only returns) in a group, its adjusted variance is zero and the normal
  // interval far too narrow: the plain Newcombe interval is the honest one then.
  const degenerate = [treated, holdout].some((arm) => arm.returned === 0 || arm.returned === arm.customers);
  const analysis: ExperimentAnalysis =
    degenerate && result.analysis.adjusted !== undefined
      ? (({ adjusted: _adjusted, ...rest }) => rest)(result.analysis)
      : result.analysis;
  const unadjustedBecause =
    analysis.adjusted !== undefined
      ? undefined
      : degenerate
        ? `${holdout.returned === 0 || holdout.returned === holdout.customers ? 'the hold-out' : 'the enrolled'} ${[treated, holdout].some((arm) => arm.returned === 0) ? 'had no returns' : 'all returned'}, so an adjusted interval would be too narrow`
        : missing > 0
          ? `${missing} of ${units.length} customers were assigned without a predicted purchase count (no fitted model then)`
          : 'the predicted purchases are the same for every customer';
  const tooFewBecause =
    treated.customers < minGroupSize || holdout.customers < minGroupSize
      ? `needs ${minGroupSize} in each group (${treated.customers} enrolled, ${holdout.customers} held out)`
      : undefined;
  return {
    kind: 'analysis',
    currency,
    analysis,
    customersPerWeek: units.length / weeks,
    ...(unadjustedBecause === undefined ? {} : { unadjustedBecause }),
    ...(tooFewBecause === undefined ? {} : { tooFewBecause }),
  };
}

const pauseRank = (pause: PauseInForce) =>
  pause.scope === sesAccountScope ? 0 : pause.scope === allSequences ? 1 : 2;
