import type { RekindleConfig } from '../config/schema.ts';
import { addCounters, type Counters, zeroCounters } from '../domain/counters.ts';
import { type AssignmentHistory, reentryBlockedBy, sunsets } from '../domain/enrolment-state.ts';
import { allSequences } from '../domain/pauses.ts';
import type { ReportData } from '../domain/report-data.ts';
import { type Lift, newcombeDifference } from './statistics.ts';

export interface StepRow {
  readonly stepIndex: number;
  readonly stepId: string;
  readonly counters: Counters;
}

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
  readonly lift: LiftResult;
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
}

/** A pause in force: the kill switch (`scope` is `allSequences`) or one sequence's. */
export interface PauseInForce {
  readonly scope: string;
  readonly reason: string;
  readonly at: number;
}

export interface Report {
  readonly generatedAt: number;
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
  const ordersBy = new Map<string, number[]>();
  for (const order of data.orders) {
    const list = ordersBy.get(order.customerId) ?? [];
    list.push(order.placedAt);
    ordersBy.set(order.customerId, list);
  }
  const respondedAt = new Map(
    (data.responses ?? []).map((response) => [response.enrolmentId, response.respondedAt]),
  );
  const lastOrderAt = (customerId: string) => Math.max(-Infinity, ...(ordersBy.get(customerId) ?? []));
  const returned = (customerId: string, from: number) =>
    (ordersBy.get(customerId) ?? []).some((placedAt) => placedAt > from && placedAt <= from + window);

  interface Tally {
    enrolled: number;
    heldOut: number;
    returned: number;
    heldOutReturned: number;
    completed: number;
    exited: Record<string, number>;
    sunset: number;
    reentryBlocked: number;
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
  });
  const tallies = new Map<string, Tally>();
  const groupKey = (segmentId: string, sequenceId: string) => `${segmentId}\u0000${sequenceId}`;
  for (const assignment of data.assignments) {
    const key = groupKey(assignment.segmentId, assignment.sequenceId);
    const tally = tallies.get(key) ?? emptyTally();
    if (assignment.state === 'held-out') {
      tally.heldOut += 1;
      if (returned(assignment.customerId, assignment.enrolledAt)) tally.heldOutReturned += 1;
    } else {
      tally.enrolled += 1;
      const from = firstSend.get(assignment.enrolmentId) ?? assignment.enrolledAt;
      if (returned(assignment.customerId, from)) tally.returned += 1;
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
  const countersBy = new Map<string, Map<number, StepRow>>();
  for (const item of data.counters) {
    const key = groupKey(item.segmentId, item.sequenceId);
    if (!tallies.has(key)) tallies.set(key, emptyTally());
    const steps = countersBy.get(key) ?? new Map<number, StepRow>();
    const stepId =
      item.stepId ??
      config.sequences.find((sequence) => sequence.id === item.sequenceId)?.steps[item.stepIndex]?.id ??
      `step ${item.stepIndex + 1}`;
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
    const steps = [...(countersBy.get(key)?.values() ?? [])].sort((a, b) => a.stepIndex - b.stepIndex);
    const totals = steps.reduce((sum, step) => addCounters(sum, step.counters), zeroCounters());
    return {
      segmentId,
      sequenceId,
      ...tally,
      returnRate: tally.enrolled === 0 ? undefined : tally.returned / tally.enrolled,
      heldOutReturnRate: tally.heldOut === 0 ? undefined : tally.heldOutReturned / tally.heldOut,
      lift: liftOf(tally, minGroupSize),
      totals,
      steps,
    };
  });
  groups.sort((a, b) => a.segmentId.localeCompare(b.segmentId) || a.sequenceId.localeCompare(b.sequenceId));
  return {
    generatedAt: options.now,
    attributionWindowDays: window / 86_400_000,
    pauses: [...(options.pauses ?? [])].sort((a, b) =>
      a.scope === allSequences ? -1 : b.scope === allSequences ? 1 : a.at - b.at,
    ),
    groups,
  };
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
