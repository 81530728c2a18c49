import type { EnrolmentStore } from '../../ports/enrolment-store.ts';
import type { SegmentationStore } from '../../ports/segmentation-store.ts';
import type { StepScheduler } from '../../ports/step-scheduler.ts';
import type { RekindleConfig, Segment, Sequence } from '../config/schema.ts';
import type { CustomerRecord } from '../domain/customer-view.ts';
import {
  type Assignment,
  type Enrolment,
  enrolmentIdFor,
  newAssignment,
  planStep,
} from '../domain/enrolment.ts';
import { inCooldown, reentryBlockedBy, sunsetBy } from '../domain/enrolment-state.ts';
import type {
  CustomerScore,
  ModelRun,
  PurchaseSummary,
  ScoringModel,
  StoredScore,
} from '../domain/scoring.ts';
import { scoreNeedsWrite, summariseOrders } from '../domain/scoring.ts';
import { scheduleNameFor } from '../domain/step-message.ts';
import { flexibleWindowMinutes, plannedInstant, recipientTimeZone } from '../policy/decide.ts';
import { customerFacts, segmentMatch } from './evaluate.ts';

export interface SegmenterDeps {
  readonly store: Pick<SegmentationStore, 'putScores'>;
  /** Where new enrolments and hold-outs are created, a batch at a time. */
  readonly enrolments: Pick<EnrolmentStore, 'createAssignments'>;
  readonly scheduler: StepScheduler;
  readonly config: RekindleConfig;
  /** The model and the run's stored fit; without them no customer is scored and model rules never match. */
  readonly scoring?: { readonly model: ScoringModel; readonly run: ModelRun };
}

export interface SegmenterReport {
  customers: number;
  scored: number;
  /** Scored, but the stored score was still true (same segment and model, within rounding, under a week old): not rewritten. */
  unchanged: number;
  bySegment: Record<string, number>;
  enrolled: number;
  heldOut: number;
  /** Already enrolled today, in a sequence, or resting in the cooldown. */
  alreadyEnrolled: number;
  /**
   * Past the cooldown, but a win-back of theirs finished with no response and they have not ordered
   * since: its last email promised we would not write again, so no sequence until they order.
   */
  sunset: number;
  /** Past the cooldown and not sunset, but the segment's sequence may not be given to them again (its `reentry`). */
  reentryBlocked: number;
  /** In a segment with a sequence but not to be written to: consent withdrawn, unsubscribed, suppressed, paused. */
  notContactable: number;
  scheduled: number;
  /** Enrolled earlier the same day; their first step was planned again (idempotently) in case it was lost. */
  resumed: number;
}

export const emptyReport = (): SegmenterReport => ({
  customers: 0,
  scored: 0,
  unchanged: 0,
  bySegment: {},
  enrolled: 0,
  heldOut: 0,
  alreadyEnrolled: 0,
  sunset: 0,
  reentryBlocked: 0,
  notContactable: 0,
  scheduled: 0,
  resumed: 0,
});

/** Adds `part` into `total` (segments scored by separate invocations). */
export function mergeReports(total: SegmenterReport, part: SegmenterReport): SegmenterReport {
  const bySegment = { ...total.bySegment };
  for (const [id, count] of Object.entries(part.bySegment)) bySegment[id] = (bySegment[id] ?? 0) + count;
  return {
    customers: total.customers + part.customers,
    scored: total.scored + part.scored,
    unchanged: total.unchanged + part.unchanged,
    bySegment,
    enrolled: total.enrolled + part.enrolled,
    heldOut: total.heldOut + part.heldOut,
    alreadyEnrolled: total.alreadyEnrolled + part.alreadyEnrolled,
    sunset: total.sunset + part.sunset,
    reentryBlocked: total.reentryBlocked + part.reentryBlocked,
    notContactable: total.notContactable + part.notContactable,
    scheduled: total.scheduled + part.scheduled,
    resumed: total.resumed + part.resumed,
  };
}

export type EnrolmentDecision =
  | { readonly enrol: true }
  | {
      readonly enrol: false;
      readonly reason: 'no-sequence' | 'not-contactable' | 'busy' | 'cooldown' | 'sunset' | 'reentry';
    };

/**
 * Whether a member of `segment` may be enrolled now. The first rule that holds them back is the
 * reason: the segment has no sequence; we may not write to the customer; a sequence is running
 * (never two at once); some sequence ended (a hold-out: started) within `policy.cooldown`; a win-back
 * finished with no response and they have not ordered since (sunset); the sequence's `reentry` rule
 * (default: not within a year, never after a reply, complaint or unsubscribe). Pure: everything it
 * looks at is in the record (see core/domain/enrolment-state.ts for the rules).
 */
export function decideEnrolment(
  record: Pick<CustomerRecord, 'customer' | 'assignments' | 'status' | 'orders'>,
  segment: Segment,
  config: Pick<RekindleConfig, 'policy' | 'sequences'>,
  now: number,
): EnrolmentDecision {
  if (segment.sequence === null) return { enrol: false, reason: 'no-sequence' };
  const status = record.status;
  if (
    record.customer.consent === 'withdrawn' ||
    status?.unsubscribedAt !== undefined ||
    status?.suppressedAt !== undefined ||
    (status?.pausedUntil !== undefined && status.pausedUntil > now)
  )
    return { enrol: false, reason: 'not-contactable' };
  if (record.assignments.some((assignment) => assignment.state === 'active'))
    return { enrol: false, reason: 'busy' };
  if (inCooldown(record.assignments, now, config.policy.cooldown))
    return { enrol: false, reason: 'cooldown' };
  if (sunsetBy(record.assignments, record.orders) !== undefined) return { enrol: false, reason: 'sunset' };
  const sequence = config.sequences.find((candidate) => candidate.id === segment.sequence);
  if (reentryBlockedBy(record.assignments, segment.sequence, sequence?.reentry, now) !== undefined)
    return { enrol: false, reason: 'reentry' };
  return { enrol: true };
}

const toScoreFacts = (score: CustomerScore | undefined) =>
  score === undefined
    ? undefined
    : {
        pAlive: score.pAlive,
        pReturn: score.pReturn,
        expectedPurchases: score.expectedPurchases,
        ...(score.overdueRatio === undefined ? {} : { overdueRatio: score.overdueRatio }),
      };

/**
 * Scores a stream of customers with the run's model, places each in the first matching segment,
 * stores score and membership, and enrols new members (or holds them out), scheduling the first
 * step. Safe to run twice: enrolment ids are deterministic per day and written conditionally.
 */
export async function segmentCustomers(
  records: AsyncIterable<CustomerRecord> | Iterable<CustomerRecord>,
  deps: SegmenterDeps,
  now: number,
  options: { batchSize?: number } = {},
): Promise<SegmenterReport> {
  const batchSize = options.batchSize ?? 200;
  const report = emptyReport();
  let batch: CustomerRecord[] = [];
  const flush = async () => {
    if (batch.length === 0) return;
    const current = batch;
    batch = [];
    await processBatch(current, deps, now, report);
  };
  for await (const record of records) {
    batch.push(record);
    if (batch.length >= batchSize) await flush();
  }
  await flush();
  return report;
}

async function processBatch(
  records: readonly CustomerRecord[],
  deps: SegmenterDeps,
  now: number,
  report: SegmenterReport,
): Promise<void> {
  const { config, scoring } = deps;
  const scores = new Map<string, CustomerScore>();
  const fit = scoring?.run.fit;
  if (scoring !== undefined && fit !== undefined) {
    const summaries = records.flatMap((record) => {
      const summary = summariseOrders(record.customer.customerId, record.orders, now);
      return summary === undefined ? [] : [summary satisfies PurchaseSummary];
    });
    for (const score of scoring.model.score(fit, summaries, scoring.run.horizonDays))
      scores.set(score.customerId, score);
  }
  const stored: StoredScore[] = [];
  const members: {
    record: CustomerRecord;
    segment: Segment;
    sequence: Sequence;
    incidentId: string | undefined;
    predictedPurchases: number | undefined;
  }[] = [];
  const resumes: { record: CustomerRecord; enrolment: Enrolment; sequence: Sequence }[] = [];
  for (const record of records) {
    report.customers += 1;
    const score = scores.get(record.customer.customerId);
    const match = segmentMatch(config.segments, customerFacts(record, now, toScoreFacts(score)));
    const segment = match?.segment;
    if (score !== undefined && scoring !== undefined && fit !== undefined) {
      report.scored += 1;
      // Not `{ ...score, … }`: in V8 an object that begins with a spread gets a hidden class of its
      // own, allocated in the old generation, for every customer scored every day.
      const next: StoredScore = Object.assign({}, score, {
        runId: scoring.run.runId,
        scoredAt: now,
        model: fit.kind,
        segmentId: segment?.id ?? null,
      });
      if (scoreNeedsWrite(record.score, next)) stored.push(next);
      else report.unchanged += 1;
    }
    if (segment === undefined) continue;
    report.bySegment[segment.id] = (report.bySegment[segment.id] ?? 0) + 1;
    const decision = decideEnrolment(record, segment, config, now);
    if (!decision.enrol) {
      const today =
        segment.sequence === null
          ? undefined
          : enrolmentIdFor(record.customer.customerId, segment.sequence, now);
      const resumable = record.assignments.find(
        (assignment): assignment is Enrolment =>
          assignment.state === 'active' && assignment.enrolmentId === today,
      );
      const sequence = config.sequences.find((candidate) => candidate.id === segment.sequence);
      // Enrolled earlier today, perhaps by an attempt that stopped before scheduling: plan step 0
      // again. The schedule name is deterministic and the send ledger refuses a second send.
      if (resumable !== undefined && sequence !== undefined)
        resumes.push({ record, enrolment: resumable, sequence });
      if (decision.reason === 'not-contactable') report.notContactable += 1;
      else if (decision.reason === 'sunset') report.sunset += 1;
      else if (decision.reason === 'reentry') report.reentryBlocked += 1;
      else if (decision.reason !== 'no-sequence') report.alreadyEnrolled += 1;
      continue;
    }
    const sequence = config.sequences.find((candidate) => candidate.id === segment.sequence);
    // The config schema refuses a segment naming a missing sequence; this guards hand-built configs.
    if (sequence !== undefined)
      members.push({
        record,
        segment,
        sequence,
        incidentId: match?.incident?.incidentId,
        predictedPurchases: score?.expectedPurchases,
      });
  }
  if (stored.length > 0) await deps.store.putScores(stored);
  // The batch's new members in as few writes as the store can; then each one's first step.
  const assignments = members.map(({ record, segment, sequence, incidentId, predictedPurchases }) =>
    newAssignment(record.customer.customerId, segment, sequence, now, incidentId, predictedPurchases),
  );
  const created = assignments.length === 0 ? [] : await deps.enrolments.createAssignments(assignments);
  for (const [index, { record, sequence }] of members.entries()) {
    const assignment = assignments[index];
    if (assignment === undefined) continue;
    await enrolled(record, assignment, created[index] === true, sequence, deps, report);
  }
  for (const { record, enrolment, sequence } of resumes)
    if (await scheduleFirst(record, enrolment, sequence, deps)) report.resumed += 1;
}

/** Counts an assignment the batch wrote (or found) and schedules an enrolment's first step. */
async function enrolled(
  record: CustomerRecord,
  assignment: Assignment,
  created: boolean,
  sequence: Sequence,
  deps: SegmenterDeps,
  report: SegmenterReport,
): Promise<void> {
  if (!created) {
    report.alreadyEnrolled += 1;
    return;
  }
  if (assignment.state === 'held-out') {
    report.heldOut += 1;
    return;
  }
  report.enrolled += 1;
  if (await scheduleFirst(record, assignment, sequence, deps)) report.scheduled += 1;
}

async function scheduleFirst(
  record: CustomerRecord,
  enrolment: Enrolment,
  sequence: Sequence,
  deps: SegmenterDeps,
): Promise<boolean> {
  const first = planStep(enrolment, sequence, 0, enrolment.enrolledAt);
  if (first === undefined) return false;
  // Planned as the sender plans every later step: at the first moment inside the recipient's send
  // window, so the step does not fire at the segmenter's hour only to be deferred.
  const { policy } = deps.config;
  const timeZone = recipientTimeZone(record.customer, policy, deps.config.shop.fallbackTimeZone);
  await deps.scheduler.scheduleStep(scheduleNameFor(first.enrolmentId, 0), first, {
    timeZone,
    at: plannedInstant(first.dueAt, policy, timeZone),
    flexibleWindowMinutes: flexibleWindowMinutes(policy),
  });
  return true;
}
