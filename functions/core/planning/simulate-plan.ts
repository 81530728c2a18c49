import type { RekindleConfig } from '../config/schema.ts';
import type { Policy, Sequence } from '../config/sequences.ts';
import type { CustomerRecord, CustomerView } from '../domain/customer-view.ts';
import type { Assignment } from '../domain/enrolment.ts';
import { planStep } from '../domain/enrolment.ts';
import { type AssignmentHistory, type EnrolmentRecord, inCooldown } from '../domain/enrolment-state.ts';
import type { ModelRun, ScoringModel, StoredScore } from '../domain/scoring.ts';
import { runIdFor } from '../domain/scoring.ts';
import type { SendRecord } from '../domain/send-record.ts';
import { type StepMessage, scheduleNameFor } from '../domain/step-message.ts';
import {
  type DeferReason,
  decideStep,
  flexibleWindowMinutes,
  plannedInstant,
  recipientTimeZone,
} from '../policy/decide.ts';
import { instantOf, wallTimeAt } from '../policy/zoned-time.ts';
import { updatesFor } from '../rendering/content-variables.ts';
import { customerFacts, describeMatch, segmentMatch } from '../segments/evaluate.ts';
import {
  reusableFit,
  sampleSummaries,
  samplingCutsPerSegment,
  segmenterSchedule,
} from '../segments/plan-run.ts';
import { decideEnrolment, type EnrolmentDecision, segmentCustomers } from '../segments/run-segmenter.ts';
import { stepContent } from '../sending/step-content.ts';
import { EventQueue } from './event-queue.ts';
import type { ShopData } from './shop-data.ts';

const dayMs = 86_400_000;

/** Every cause a step can wait for, in the order the plan lists them. */
export const deferReasons: readonly DeferReason[] = [
  'window',
  'cap',
  'gap',
  'paused',
  'ticket-open',
  'sequence-paused',
];

/** Why a member of a segment was not enrolled on the first day (decideEnrolment's reasons). */
export type HeldBackReason = Extract<EnrolmentDecision, { enrol: false }>['reason'];
export const heldBackReasons: readonly HeldBackReason[] = [
  'no-sequence',
  'not-contactable',
  'busy',
  'cooldown',
  'sunset',
  'reentry',
];

/** One thing that happens to one customer in the plan. */
export interface TimelineEntry {
  /** Epoch ms. */
  readonly at: number;
  readonly kind: 'enrolled' | 'held-out' | 'sent' | 'skipped' | 'deferred' | 'exited' | 'completed';
  readonly segmentId: string;
  readonly sequenceId: string;
  readonly stepIndex?: number;
  readonly stepId?: string;
  readonly template?: string;
  /** Why a step waits, was skipped, or the enrolment ended. */
  readonly reason?: string;
  /** A deferral: when the step is tried again. */
  readonly until?: number;
}

/** One segment on the first day: who is in it, why, and what becomes of them. */
export interface SegmentPlan {
  readonly id: string;
  readonly description?: string;
  readonly sequence: string | null;
  readonly holdoutPercent: number;
  /** Members on the first day. */
  readonly members: number;
  /** Enrolled and held out on the first day. */
  readonly enrolled: number;
  readonly heldOut: number;
  /** Members not enrolled on the first day, by why. */
  readonly heldBack: Readonly<Record<HeldBackReason, number>>;
  /** Enrolled and held out over the whole plan (later days add customers who cross a threshold). */
  readonly enrolledTotal: number;
  readonly heldOutTotal: number;
  /** A few members with the score and the conditions that placed them here. */
  readonly examples: readonly { readonly customerId: string; readonly reasons: string }[];
}

/** One planned day: when the segmenter ran, whom it enrolled, and the emails that went out. */
export interface PlanDay {
  /** The local date, YYYY-MM-DD in the segmenter's zone. */
  readonly date: string;
  readonly segmenterAt: number;
  readonly enrolled: number;
  readonly heldOut: number;
  readonly emails: number;
  readonly emailsBySequence: Readonly<Record<string, number>>;
  readonly deferrals: number;
}

/** What the config would do to the shop's customers over the planned days. */
export interface PlanResult {
  readonly start: number;
  readonly end: number;
  readonly timeZone: string;
  readonly customers: number;
  readonly orders: number;
  readonly incidents: number;
  readonly model: {
    readonly kind?: string;
    readonly fitError?: string;
    readonly sampleSize: number;
    /** Fits made over the plan (the config's refitEvery). */
    readonly fits: number;
  };
  readonly segments: readonly SegmentPlan[];
  /** Customers in no segment on the first day. */
  readonly unmatched: number;
  readonly days: readonly PlanDay[];
  readonly totals: {
    readonly emails: number;
    readonly enrolled: number;
    readonly heldOut: number;
    readonly skipped: number;
    readonly exited: number;
    readonly completed: number;
    readonly deferrals: number;
    /** Steps still planned when the plan ends: due later, or waiting. */
    readonly pendingAtEnd: number;
  };
  readonly deferrals: Readonly<Record<DeferReason, number>>;
  readonly skips: Readonly<Record<string, number>>;
  readonly exits: Readonly<Record<string, number>>;
  /** Emails per step of each sequence. */
  readonly steps: readonly {
    readonly sequenceId: string;
    readonly stepIndex: number;
    readonly stepId: string;
    readonly sent: number;
    readonly skipped: number;
  }[];
  /** What happened to each customer the plan touched, in time order. */
  readonly timelines: ReadonlyMap<string, readonly TimelineEntry[]>;
  /** Every enrolment and hold-out the segmenter made, in order: what `replay` takes. */
  readonly assignments: readonly Assignment[];
}

export interface PlanOptions {
  readonly config: RekindleConfig;
  readonly data: ShopData;
  /** The first planned instant: midnight of the first day in the segmenter's zone (see planStart). */
  readonly start: number;
  readonly days: number;
  /** The purchase model; without it no customer is scored and model conditions never hold. */
  readonly model?: ScoringModel;
  /** The model's sample is drawn with it; seeded, a plan is the same on every run. */
  readonly random: () => number;
  /**
   * Fits by run id, shared between plans of the same data: a plan reuses the fits an earlier one
   * made (the comparison without caps and windows fits nothing again), and adds its own.
   */
  readonly fits?: Map<string, ModelRun>;
  /** Example members listed per segment. @default 3 */
  readonly examples?: number;
  /**
   * The enrolments and hold-outs of an earlier plan of the same data, made again at the same
   * moments instead of running the segmenter: exact when that plan had no exit (see
   * `replayable`), and how the comparison without caps and windows saves the segmenter's work.
   */
  readonly replay?: readonly Assignment[];
  /**
   * Whether to keep each customer's timeline (`timelines` in the result). The comparison without
   * caps and windows shows only counts, so it does without them. @default true
   */
  readonly timelines?: boolean;
}

/**
 * Whether a plan's enrolments can be replayed under another send policy: when none of its
 * enrolments exited, each either completed (and, since nobody responds in a plan, the customer is
 * sunset from then on) or is still running, and holds-outs rest from their start, so the segmenter
 * decides the same on every day whatever the policy changes about when steps go.
 */
export const replayable = (plan: Pick<PlanResult, 'exits'>): boolean => Object.keys(plan.exits).length === 0;

interface CustomerState {
  readonly record: Omit<CustomerRecord, 'assignments'>;
  assignments: AssignmentHistory[];
  readonly sends: SendRecord[];
  /** The record and the view as of the current assignments: dropped whenever those change. */
  current?: CustomerRecord;
  view?: CustomerView;
}

/** A step planned to fire, as the Scheduler would hold it. */
interface Planned {
  readonly message: StepMessage;
  readonly timeZone: string;
}

/** The segmenter's daily time from its cron expression (`cron(M H * * ? *)`); 06:00 when not plain daily. */
export function segmenterTimeOfDay(expression: string): { hour: number; minute: number; daily: boolean } {
  const fields = /^cron\((.*)\)$/.exec(expression.trim())?.[1]?.trim().split(/\s+/);
  const [minute, hour, dayOfMonth, month, dayOfWeek] = fields ?? [];
  const plain = (field: string | undefined, max: number) =>
    field !== undefined && /^\d{1,2}$/.test(field) && Number(field) <= max ? Number(field) : undefined;
  const every = (field: string | undefined) => field === '*' || field === '?';
  const m = plain(minute, 59);
  const h = plain(hour, 23);
  if (m === undefined || h === undefined || !every(dayOfMonth) || !every(month) || !every(dayOfWeek))
    return { hour: 6, minute: 0, daily: false };
  return { hour: h, minute: m, daily: true };
}

/** The local date of `instant` in `timeZone`, YYYY-MM-DD. */
export function localDate(instant: number, timeZone: string): string {
  const wall = wallTimeAt(instant, timeZone);
  return `${wall.year}-${String(wall.month).padStart(2, '0')}-${String(wall.day).padStart(2, '0')}`;
}

/** Midnight of a local date (YYYY-MM-DD) in `timeZone`. */
export function localMidnight(date: string, timeZone: string): number {
  const [year, month, day] = date.split('-').map(Number);
  return instantOf(
    { year: year ?? 1970, month: month ?? 1, day: day ?? 1, hour: 0, minute: 0, second: 0 },
    timeZone,
  );
}

/**
 * Where a plan starts by default: midnight after the newest order or incident in the files, in
 * `timeZone`, so an export plans from the day after it was taken (a current export: tomorrow);
 * `now`'s next midnight when the files hold no dates.
 */
export function planStart(data: ShopData, timeZone: string, now: number): number {
  let newest = Number.NEGATIVE_INFINITY;
  for (const order of data.orders) newest = Math.max(newest, Date.parse(order.placedAt));
  for (const incident of data.incidents) newest = Math.max(newest, Date.parse(incident.occurredAt));
  const from = Number.isFinite(newest) ? newest : now;
  const wall = wallTimeAt(from, timeZone);
  return instantOf(
    { year: wall.year, month: wall.month, day: wall.day + 1, hour: 0, minute: 0, second: 0 },
    timeZone,
  );
}

/**
 * The policy with its send window, cap and minimum gap lifted (every hour of every day, no cap,
 * no gap): the plan run with it shows what those limits change. Pauses and open tickets still hold.
 */
export function withoutLimits(policy: Policy): Policy {
  return {
    ...policy,
    sendWindow: {
      ...policy.sendWindow,
      days: ['mon', 'tue', 'wed', 'thu', 'fri', 'sat', 'sun'],
      from: 0,
      to: 24 * 60,
    },
    cap: { emails: Number.MAX_SAFE_INTEGER, per: policy.cap.per },
    minimumGap: 0,
  };
}

/**
 * The comparison beside a plan: the same shop, config and model fits under `withoutLimits`, drawing
 * the same random numbers (give `random` a fresh generator with the plan's seed) and replaying the
 * plan's enrolments where it can; no examples and no timelines, which nobody reads from it.
 */
export function simulateWithoutLimits(plan: PlanResult, options: PlanOptions): Promise<PlanResult> {
  return simulatePlan({
    ...options,
    config: { ...options.config, policy: withoutLimits(options.config.policy) },
    examples: 0,
    timelines: false,
    ...(replayable(plan) ? { replay: plan.assignments } : {}),
  });
}

// Objects that begin with a spread and add properties (`{ ...record, assignments }`) get a hidden
// class of their own in V8 (Node 20): about 300 bytes of map and descriptors each, allocated in the
// old generation. The plan makes hundreds of thousands of them (records, sends, messages), most of
// its live heap and of the old-generation growth between full collections, so it writes them out.

/** A customer's record with these assignments, in the shape every record has. */
function recordWith(record: Omit<CustomerRecord, 'assignments'>, assignments: CustomerRecord['assignments']) {
  return { customer: record.customer, orders: record.orders, incidents: record.incidents, assignments };
}

/** A step's message for its next attempt after a deferral. */
function withAttempt(message: StepMessage, attempt: number): StepMessage {
  return {
    version: message.version,
    customerId: message.customerId,
    enrolmentId: message.enrolmentId,
    sequenceId: message.sequenceId,
    segmentId: message.segmentId,
    stepIndex: message.stepIndex,
    dueAt: message.dueAt,
    attempt,
    ...(message.retryOf === undefined ? {} : { retryOf: message.retryOf }),
  };
}

/** A step's message under another segment id. */
function withSegment(message: StepMessage, segmentId: string): StepMessage {
  return Object.assign({}, message, { segmentId });
}

/** What the first day's explanation reads of a stored score. */
type ExplainedScore = Pick<
  StoredScore,
  'pAlive' | 'pReturn' | 'expectedPurchases' | 'overdueRatio' | 'explanation'
>;
const explainedScore = (score: StoredScore): ExplainedScore => ({
  pAlive: score.pAlive,
  pReturn: score.pReturn,
  expectedPurchases: score.expectedPurchases,
  explanation: score.explanation,
  ...(score.overdueRatio === undefined ? {} : { overdueRatio: score.overdueRatio }),
});

/** The Scheduler adapter's floor (adapters/scheduler/step-scheduler.ts): no schedule less than 2 minutes ahead. */
const scheduleTimeFloor = 2 * 60_000;

/**
 * FNV-1a, 32-bit: a small stable hash of short strings. `from` continues the hash of the text
 * before, so `fnv1a(b, fnv1a(a))` is `fnv1a(a + b)` without joining them.
 */
function fnv1a(text: string, from = 0x811c9dc5): number {
  let hash = from;
  for (let i = 0; i < text.length; i += 1) hash = Math.imul(hash ^ text.charCodeAt(i), 0x01000193);
  return hash >>> 0;
}

/** A stable hash of a customer id into one of `total` scan segments. */
const segmentOf = (customerId: string, total: number) => fnv1a(customerId) % total;

const noDeferrals = (): Record<DeferReason, number> => ({
  window: 0,
  cap: 0,
  gap: 0,
  paused: 0,
  'ticket-open': 0,
  'sequence-paused': 0,
});
const noneHeldBack = (): Record<HeldBackReason, number> => ({
  'no-sequence': 0,
  'not-contactable': 0,
  busy: 0,
  cooldown: 0,
  sunset: 0,
  reentry: 0,
});

/**
 * Runs the config on the shop's data for `days` days of virtual time: each day the real segmenter
 * (model fit as `refitEvery` says, scores, segment rules, enrolment, hold-outs, the first step
 * planned into the window), then every step as the sender decides it (exits, conditions, required
 * content, pauses, open tickets, cap, minimum gap, send window). Nothing is sent or stored: the
 * stores and the Scheduler are in-memory stand-ins. Nobody opens, clicks, replies or buys in the
 * plan, so steps waiting on engagement are skipped and no one exits by purchase.
 */
export async function simulatePlan(options: PlanOptions): Promise<PlanResult> {
  const { config, data } = options;
  const { policy } = config;
  const segmenter = segmenterSchedule(config);
  const zone = segmenter.timeZone;
  const time = segmenterTimeOfDay(segmenter.expression);

  const states = new Map<string, CustomerState>();
  const ordersOf = new Map<string, CustomerRecord['orders'][number][]>();
  for (const order of data.orders) {
    const list = ordersOf.get(order.customerId);
    if (list === undefined) ordersOf.set(order.customerId, [order]);
    else list.push(order);
  }
  const incidentsOf = new Map<string, CustomerRecord['incidents'][number][]>();
  for (const incident of data.incidents) {
    const list = incidentsOf.get(incident.customerId);
    if (list === undefined) incidentsOf.set(incident.customerId, [incident]);
    else list.push(incident);
  }
  for (const customer of data.customers)
    states.set(customer.customerId, {
      record: {
        customer,
        orders: ordersOf.get(customer.customerId) ?? [],
        incidents: incidentsOf.get(customer.customerId) ?? [],
      },
      assignments: [],
      sends: [],
    });

  // A customer's record and view are made again only when their assignments change (an enrolment
  // starts or ends), not for every day and every step: most customers' never do after the first day.
  const recordOf = (state: CustomerState): CustomerRecord => {
    state.current ??= recordWith(state.record, state.assignments);
    return state.current;
  };
  /** The record as it is now, kept unchanged whatever happens later (the first day's, explained afterwards). */
  const snapshotOf = (state: CustomerState): CustomerRecord =>
    recordWith(state.record, [...state.assignments]);
  const viewOf = (state: CustomerState): CustomerView => {
    state.view ??= {
      customer: state.record.customer,
      orders: state.record.orders,
      incidents: state.record.incidents,
      enrolments: state.assignments.filter(
        (assignment): assignment is AssignmentHistory & EnrolmentRecord => assignment.state !== 'held-out',
      ),
      // The same list the plan appends to, so the view always has every send.
      sends: state.sends,
      engagement: [],
      status: {},
    };
    return state.view;
  };
  const assignmentsChanged = (state: CustomerState) => {
    state.current = undefined;
    state.view = undefined;
  };

  const timelines = new Map<string, TimelineEntry[]>();
  const keepTimelines = options.timelines ?? true;
  const note = (customerId: string, entry: TimelineEntry) => {
    if (!keepTimelines) return;
    const list = timelines.get(customerId);
    if (list === undefined) timelines.set(customerId, [entry]);
    else list.push(entry);
  };

  // The days, midnight to midnight in the segmenter's zone (DST days are 23 or 25 hours).
  const startWall = wallTimeAt(options.start, zone);
  const dayStarts = Array.from({ length: options.days + 1 }, (_, offset) =>
    instantOf(
      {
        year: startWall.year,
        month: startWall.month,
        day: startWall.day + offset,
        hour: 0,
        minute: 0,
        second: 0,
      },
      zone,
    ),
  );
  const end = dayStarts[options.days] ?? options.start + options.days * dayMs;
  const dayIndexOf = (at: number) => {
    let low = 0;
    let high = options.days - 1;
    while (low < high) {
      const middle = (low + high + 1) >> 1;
      if ((dayStarts[middle] ?? 0) <= at) low = middle;
      else high = middle - 1;
    }
    return low;
  };
  const emailsByDay = Array.from({ length: options.days }, () => 0);
  const deferralsByDay = Array.from({ length: options.days }, () => 0);
  const bySequenceByDay = Array.from({ length: options.days }, (): Record<string, number> => ({}));
  const deferrals = noDeferrals();
  const skips: Record<string, number> = {};
  const exits: Record<string, number> = {};
  const stepCounts = new Map<string, { sent: number; skipped: number }>();
  const stepCount = (sequenceId: string, stepIndex: number) => {
    const key = `${sequenceId}\u0000${stepIndex}`;
    let counts = stepCounts.get(key);
    if (counts === undefined) {
      counts = { sent: 0, skipped: 0 };
      stepCounts.set(key, counts);
    }
    return counts;
  };
  let completed = 0;

  const queue = new EventQueue<Planned>();
  const scheduled = new Set<string>();
  /** The virtual clock: the segmenter's run, or the moment a schedule fires. */
  let now = options.start;
  const flexibleSeconds = flexibleWindowMinutes(policy) * 60;
  /**
   * A schedule as EventBridge Scheduler keeps it: never less than the adapter's floor ahead of the
   * clock, fired at a point of its flexible window a hash of its name picks (as the local emulator
   * does), so a step planned near the end of a short window can fire after it closes.
   */
  const schedule = (name: string, message: StepMessage, at: number, timeZone: string) => {
    if (scheduled.has(name)) return 'exists' as const;
    scheduled.add(name);
    const floored = Math.max(at, now + scheduleTimeFloor);
    const jitter =
      flexibleSeconds > 0 ? (fnv1a(String(floored), fnv1a('@', fnv1a(name))) % flexibleSeconds) * 1000 : 0;
    queue.push(floored + jitter, { message, timeZone });
    return 'created' as const;
  };
  const scheduler = {
    async scheduleStep(name: string, message: StepMessage, options: { timeZone: string; at?: number }) {
      return schedule(name, message, options.at ?? message.dueAt, options.timeZone);
    },
  };

  const segmentTotals = new Map<string, { enrolled: number; heldOut: number }>();
  const made: Assignment[] = [];
  let dayEnrolled = 0;
  let dayHeldOut = 0;
  const enrolments = {
    async createAssignments(assignments: readonly Assignment[]): Promise<boolean[]> {
      return assignments.map((assignment) => {
        const state = states.get(assignment.customerId);
        if (state === undefined) return false;
        if (state.assignments.some((existing) => existing.enrolmentId === assignment.enrolmentId))
          return false;
        // A copy: the segmenter's assignment begins with a spread (a hidden class of its own, above).
        const kept: Assignment = Object.assign({}, assignment);
        state.assignments.push(kept);
        assignmentsChanged(state);
        made.push(kept);
        const totals = segmentTotals.get(assignment.segmentId) ?? { enrolled: 0, heldOut: 0 };
        if (assignment.state === 'held-out') {
          totals.heldOut += 1;
          dayHeldOut += 1;
        } else {
          totals.enrolled += 1;
          dayEnrolled += 1;
        }
        segmentTotals.set(assignment.segmentId, totals);
        note(assignment.customerId, {
          at: assignment.enrolledAt,
          kind: assignment.state === 'held-out' ? 'held-out' : 'enrolled',
          segmentId: assignment.segmentId,
          sequenceId: assignment.sequenceId,
        });
        return true;
      });
    },
  };

  const endEnrolment = (
    state: CustomerState,
    enrolmentId: string,
    end: { state: 'completed' | 'exited'; at: number; stepIndex: number; exitReason?: string },
  ) => {
    state.assignments = state.assignments.map((assignment) =>
      assignment.enrolmentId === enrolmentId && assignment.state === 'active'
        ? Object.assign({}, assignment, {
            state: end.state,
            endedAt: end.at,
            ...(end.exitReason === undefined ? {} : { exitReason: end.exitReason }),
          })
        : assignment,
    );
    assignmentsChanged(state);
  };

  const sequenceById = new Map<string, Sequence>();
  for (const sequence of config.sequences)
    if (!sequenceById.has(sequence.id)) sequenceById.set(sequence.id, sequence);

  /** The sender's work for one fired schedule, decided by the core as send-step decides it. */
  const fire = (at: number, { message, timeZone }: Planned) => {
    const state = states.get(message.customerId);
    const sequence = sequenceById.get(message.sequenceId);
    const step = sequence?.steps[message.stepIndex];
    if (state === undefined || sequence === undefined || step === undefined) return;
    const enrolment = state.assignments.find((candidate) => candidate.enrolmentId === message.enrolmentId);
    if (enrolment === undefined || enrolment.state !== 'active') return;
    if (
      state.sends.some(
        (send) => send.enrolmentId === message.enrolmentId && send.stepIndex === message.stepIndex,
      )
    )
      return;
    const base = {
      segmentId: message.segmentId,
      sequenceId: message.sequenceId,
      stepIndex: message.stepIndex,
      stepId: step.id,
    };
    const view = viewOf(state);
    const decision = decideStep({
      now: at,
      view,
      enrolment,
      sequence,
      stepIndex: message.stepIndex,
      policy,
      fallbackTimeZone: config.shop.fallbackTimeZone,
    });
    if (decision.kind === 'exit') {
      exits[decision.reason] = (exits[decision.reason] ?? 0) + 1;
      endEnrolment(state, message.enrolmentId, {
        state: 'exited',
        at,
        stepIndex: message.stepIndex,
        exitReason: decision.reason,
      });
      note(message.customerId, { at, kind: 'exited', ...base, reason: decision.reason });
      return;
    }
    if (decision.kind === 'defer') {
      deferrals[decision.reason] += 1;
      deferralsByDay[dayIndexOf(at)] = (deferralsByDay[dayIndexOf(at)] ?? 0) + 1;
      note(message.customerId, {
        at,
        kind: 'deferred',
        ...base,
        reason: decision.reason,
        until: decision.until,
      });
      const attempt = (message.attempt ?? 0) + 1;
      schedule(
        scheduleNameFor(message.enrolmentId, message.stepIndex, attempt),
        withAttempt(message, attempt),
        decision.until,
        decision.timeZone,
      );
      return;
    }
    const content =
      decision.kind === 'skip' ? decision : stepContent(step, view, config, message.enrolmentId);
    // What both outcomes record, completed in place (not spread into a new object: see recordWith).
    const claimed = {
      enrolmentId: message.enrolmentId,
      stepIndex: message.stepIndex,
      customerId: message.customerId,
      sequenceId: message.sequenceId,
      stepId: step.id,
      claimedAt: at,
    };
    if (content.kind === 'skip') {
      state.sends.push(Object.assign(claimed, { state: 'skipped' as const, error: content.reason }));
      skips[content.reason] = (skips[content.reason] ?? 0) + 1;
      stepCount(message.sequenceId, message.stepIndex).skipped += 1;
      note(message.customerId, { at, kind: 'skipped', ...base, reason: content.reason });
    } else {
      const updateIds = updatesFor(view, config, message.enrolmentId).map((update) => update.id);
      state.sends.push(
        Object.assign(claimed, {
          state: 'sent' as const,
          sentAt: at,
          templateId: content.template,
          ...(updateIds.length === 0 ? {} : { updateIds }),
        }),
      );
      const day = dayIndexOf(at);
      emailsByDay[day] = (emailsByDay[day] ?? 0) + 1;
      const bySequence = bySequenceByDay[day];
      if (bySequence !== undefined)
        bySequence[message.sequenceId] = (bySequence[message.sequenceId] ?? 0) + 1;
      stepCount(message.sequenceId, message.stepIndex).sent += 1;
      note(message.customerId, {
        at,
        kind: 'sent',
        ...base,
        template: content.template,
        ...(content.kind === 'send' && content.replacedBecause !== undefined
          ? { reason: content.replacedBecause }
          : {}),
      });
    }
    // The next step, due its delay after this one, in the window (send-step's planNext).
    // planStep reads the enrolment's ids only; the enrolment is active, checked above.
    const next = planStep(
      {
        enrolmentId: enrolment.enrolmentId,
        customerId: enrolment.customerId,
        sequenceId: enrolment.sequenceId,
        segmentId: enrolment.segmentId,
        enrolledAt: at,
        state: 'active',
      },
      sequence,
      message.stepIndex + 1,
      at,
    );
    if (next === undefined) {
      completed += 1;
      endEnrolment(state, message.enrolmentId, { state: 'completed', at, stepIndex: message.stepIndex });
      note(message.customerId, { at, kind: 'completed', ...base });
      return;
    }
    schedule(
      scheduleNameFor(next.enrolmentId, next.stepIndex),
      next.segmentId === message.segmentId ? next : withSegment(next, message.segmentId),
      plannedInstant(next.dueAt, policy, timeZone),
      timeZone,
    );
  };
  const drain = (until: number) => {
    for (let at = queue.peekAt(); at !== undefined && at < until; at = queue.peekAt()) {
      const next = queue.pop();
      if (next === undefined) break;
      now = next.at;
      fire(next.at, next.item);
    }
  };

  // The model: fitted as the daily run fits it, reusing a fit younger than refitEvery.
  let lastRun: ModelRun | undefined;
  let fitsMade = 0;
  const partitions = new Map<number, CustomerRecord[][]>();
  const store = {
    async *scanCustomerRecords(scan: { segment?: number; totalSegments?: number } = {}) {
      if (scan.segment === undefined || scan.totalSegments === undefined) {
        for (const state of states.values()) yield recordOf(state);
        return;
      }
      let parts = partitions.get(scan.totalSegments);
      if (parts === undefined) {
        const total = scan.totalSegments;
        parts = Array.from({ length: total }, (): CustomerRecord[] => []);
        for (const state of states.values())
          parts[segmentOf(state.record.customer.customerId, total)]?.push(recordOf(state));
        partitions.set(total, parts);
      }
      yield* parts[scan.segment] ?? [];
    },
  };
  const runFor = async (now: number): Promise<ModelRun> => {
    const runId = runIdFor(now);
    const shared = options.fits?.get(runId);
    const base = {
      runId,
      createdAt: now,
      totalSegments: config.segmentation.totalSegments,
      horizonDays: config.segmentation.horizonDays,
    };
    let run: ModelRun;
    if (shared !== undefined) run = shared;
    else if (options.model === undefined) run = { ...base, fitError: 'no model configured', sampleSize: 0 };
    else {
      const reused = reusableFit(lastRun, config.segmentation, now);
      if (reused !== undefined) run = { ...base, ...reused };
      else {
        const sampled = await sampleSummaries(store, {
          size: config.segmentation.sampleSize,
          cuts: config.segmentation.totalSegments * samplingCutsPerSegment,
          now,
          random: options.random,
        });
        try {
          run = {
            ...base,
            fit: options.model.fit(config.segmentation.model, sampled.sample),
            fittedAt: now,
            sampleSize: sampled.sample.length,
          };
          fitsMade += 1;
        } catch (error: unknown) {
          run = {
            ...base,
            fitError: error instanceof Error ? error.message : String(error),
            sampleSize: sampled.sample.length,
          };
        }
      }
      options.fits?.set(runId, run);
    }
    lastRun = run;
    return run;
  };

  const dayOf = (index: number, dayStart: number, runAt: number): PlanDay => ({
    date: localDate(dayStart, zone),
    segmenterAt: runAt,
    enrolled: dayEnrolled,
    heldOut: dayHeldOut,
    emails: emailsByDay[index] ?? 0,
    emailsBySequence: bySequenceByDay[index] ?? {},
    deferrals: deferralsByDay[index] ?? 0,
  });
  // The replayed plan's assignments by the moment they were made, each day's in their order.
  const replayAt = new Map<number, Assignment[]>();
  for (const assignment of options.replay ?? []) {
    const list = replayAt.get(assignment.enrolledAt);
    if (list === undefined) replayAt.set(assignment.enrolledAt, [assignment]);
    else list.push(assignment);
  }
  /** A day's replayed assignments, the first step of each enrolment planned as the segmenter plans it. */
  const replayDay = async (runAt: number) => {
    const assignments = replayAt.get(runAt) ?? [];
    const created = await enrolments.createAssignments(assignments);
    for (const [i, assignment] of assignments.entries()) {
      const sequence = sequenceById.get(assignment.sequenceId);
      const state = states.get(assignment.customerId);
      if (
        created[i] !== true ||
        assignment.state === 'held-out' ||
        sequence === undefined ||
        state === undefined
      )
        continue;
      const first = planStep(assignment, sequence, 0, assignment.enrolledAt);
      if (first === undefined) continue;
      const timeZone = recipientTimeZone(state.record.customer, policy, config.shop.fallbackTimeZone);
      await scheduler.scheduleStep(scheduleNameFor(first.enrolmentId, 0), first, {
        timeZone,
        at: plannedInstant(first.dueAt, policy, timeZone),
      });
    }
  };
  const days: PlanDay[] = [];
  let firstDay:
    | { run: ModelRun; scores: Map<string, ExplainedScore>; records: CustomerRecord[]; at: number }
    | undefined;
  for (let index = 0; index < options.days; index += 1) {
    const dayStart = dayStarts[index] ?? options.start;
    const wall = wallTimeAt(dayStart, zone);
    const runAt = Math.max(
      dayStart,
      instantOf(
        {
          year: wall.year,
          month: wall.month,
          day: wall.day,
          hour: time.hour,
          minute: time.minute,
          second: 0,
        },
        zone,
      ),
    );
    drain(runAt);
    now = runAt;
    if (options.replay !== undefined) {
      dayEnrolled = 0;
      dayHeldOut = 0;
      await replayDay(runAt);
      drain(dayStarts[index + 1] ?? end);
      days.push(dayOf(index, dayStart, runAt));
      continue;
    }
    const run = await runFor(runAt);
    // Only customers the segmenter could enrol today: one in a sequence, or resting after one, is
    // held back by decideEnrolment whatever their segment, and the plan stores no scores.
    const records: CustomerRecord[] = [];
    // After the first day, neither is one whose consent is withdrawn: never enrolled in any segment
    // (nothing in a plan changes a customer's consent), and later days' scores are not kept.
    for (const state of states.values())
      if (
        index === 0 ||
        !(
          state.record.customer.consent === 'withdrawn' ||
          state.assignments.some((assignment) => assignment.state === 'active') ||
          inCooldown(state.assignments, runAt, policy.cooldown)
        )
      )
        // The first day's records are kept as they were, to explain the segments afterwards.
        records.push(index === 0 ? snapshotOf(state) : recordOf(state));
    const scores = new Map<string, ExplainedScore>();
    dayEnrolled = 0;
    dayHeldOut = 0;
    const scoring =
      options.model !== undefined && run.fit !== undefined ? { model: options.model, run } : undefined;
    await segmentCustomers(
      records,
      {
        store: {
          async putScores(stored) {
            if (index === 0) for (const score of stored) scores.set(score.customerId, explainedScore(score));
          },
        },
        enrolments,
        scheduler,
        config,
        ...(scoring === undefined ? {} : { scoring }),
      },
      runAt,
    );
    if (index === 0) firstDay = { run, scores, records, at: runAt };
    drain(dayStarts[index + 1] ?? end);
    days.push(dayOf(index, dayStart, runAt));
  }

  const first = firstDay;
  const segments: SegmentPlan[] = [];
  let unmatched = 0;
  if (first !== undefined) {
    const perSegment = new Map<
      string,
      {
        members: number;
        heldBack: Record<HeldBackReason, number>;
        examples: { customerId: string; reasons: string }[];
      }
    >();
    const dayOne = new Map<string, { enrolled: number; heldOut: number }>();
    // Each customer's first assignment made at the first run (the timelines need not be kept).
    const firstAssigned = new Map<string, Assignment['state']>();
    for (const assignment of made)
      if (assignment.enrolledAt === first.at && !firstAssigned.has(assignment.customerId))
        firstAssigned.set(assignment.customerId, assignment.state);
    for (const record of first.records) {
      const stored = first.scores.get(record.customer.customerId);
      const facts = customerFacts(
        record,
        first.at,
        stored === undefined
          ? undefined
          : {
              pAlive: stored.pAlive,
              pReturn: stored.pReturn,
              expectedPurchases: stored.expectedPurchases,
              ...(stored.overdueRatio === undefined ? {} : { overdueRatio: stored.overdueRatio }),
            },
      );
      const match = segmentMatch(config.segments, facts);
      if (match === undefined) {
        unmatched += 1;
        continue;
      }
      const segment = match.segment;
      let entry = perSegment.get(segment.id);
      if (entry === undefined) {
        entry = { members: 0, heldBack: noneHeldBack(), examples: [] };
        perSegment.set(segment.id, entry);
      }
      entry.members += 1;
      const decision = decideEnrolment(record, segment, config, first.at);
      if (!decision.enrol) entry.heldBack[decision.reason] += 1;
      else {
        const assigned = firstAssigned.get(record.customer.customerId);
        const counts = dayOne.get(segment.id) ?? { enrolled: 0, heldOut: 0 };
        if (assigned === 'held-out') counts.heldOut += 1;
        else if (assigned !== undefined) counts.enrolled += 1;
        dayOne.set(segment.id, counts);
      }
      if (entry.examples.length < (options.examples ?? 3)) {
        const matched = describeMatch(segment, facts);
        entry.examples.push({
          customerId: record.customer.customerId,
          reasons: `${stored?.explanation ?? (first.run.fit === undefined ? 'not scored (no model fit)' : 'not scored (no purchase on record)')}${matched.length === 0 ? '' : ` — matched ${matched.join(', ')}`}`,
        });
      }
    }
    for (const segment of config.segments) {
      const entry = perSegment.get(segment.id);
      const totals = segmentTotals.get(segment.id);
      segments.push({
        id: segment.id,
        ...(segment.description === undefined ? {} : { description: segment.description }),
        sequence: segment.sequence,
        holdoutPercent: segment.holdoutPercent,
        members: entry?.members ?? 0,
        enrolled: dayOne.get(segment.id)?.enrolled ?? 0,
        heldOut: dayOne.get(segment.id)?.heldOut ?? 0,
        heldBack: entry?.heldBack ?? noneHeldBack(),
        enrolledTotal: totals?.enrolled ?? 0,
        heldOutTotal: totals?.heldOut ?? 0,
        examples: entry?.examples ?? [],
      });
    }
  }

  const stepRows = config.sequences.flatMap((sequence) =>
    sequence.steps.map((step, stepIndex) => ({
      sequenceId: sequence.id,
      stepIndex,
      stepId: step.id,
      ...(stepCounts.get(`${sequence.id}\u0000${stepIndex}`) ?? { sent: 0, skipped: 0 }),
    })),
  );
  const model = first?.run;
  const fit = model?.fit;
  return {
    start: options.start,
    end,
    timeZone: zone,
    customers: data.customers.length,
    orders: data.orders.length,
    incidents: data.incidents.length,
    model: {
      ...(fit === undefined ? {} : { kind: fit.kind }),
      ...(model?.fitError === undefined ? {} : { fitError: model.fitError }),
      sampleSize: model?.sampleSize ?? 0,
      fits: fitsMade,
    },
    segments,
    unmatched,
    days,
    totals: {
      emails: emailsByDay.reduce((sum, count) => sum + count, 0),
      enrolled: days.reduce((sum, day) => sum + day.enrolled, 0),
      heldOut: days.reduce((sum, day) => sum + day.heldOut, 0),
      skipped: Object.values(skips).reduce((sum, count) => sum + count, 0),
      exited: Object.values(exits).reduce((sum, count) => sum + count, 0),
      completed,
      deferrals: Object.values(deferrals).reduce((sum, count) => sum + count, 0),
      pendingAtEnd: queue.size,
    },
    deferrals,
    skips,
    exits,
    steps: stepRows,
    timelines,
    assignments: made,
  };
}
