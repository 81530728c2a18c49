import type { RekindleConfig } from '../core/config/schema.ts';
import type { CustomerView } from '../core/domain/customer-view.ts';
import type { ReportData } from '../core/domain/report-data.ts';
import type { SendRecord } from '../core/domain/send-record.ts';
import { isContentClick } from '../core/domain/tracking.ts';
import { parseSesEvent } from '../core/engagement/ses-event.ts';
import type { LocalRuntime } from './local-runtime.ts';
import { claimsOf } from './recipient-simulator.ts';
import type { StoredEmail } from './ses-local.ts';
import { readAllViews } from './table-views.ts';

/** One promise the system keeps, checked against what really happened in a run. */
export interface InvariantResult {
  readonly name: string;
  readonly ok: boolean;
  /** What was checked, and the first few violations when it broke. */
  readonly detail: string;
  readonly violations: readonly string[];
}

/** What a finished run left in the emulators, read once for the checks and the demo's summary. */
export interface RunRecords {
  /** Every customer's partition, by customer id. */
  readonly views: ReadonlyMap<string, CustomerView>;
  /** The whole SES outbox, replies forwarded to the support address included. */
  readonly outbox: readonly StoredEmail[];
  readonly reportData: ReportData;
}

/** Reads the table, the SES outbox and the report data once. */
export async function readRunRecords(runtime: LocalRuntime): Promise<RunRecords> {
  // Side by side: each is a read of its own server, and the machine has more than one core.
  const [views, outbox, reportData] = await Promise.all([
    readAllViews(runtime),
    runtime.ses.outbox(),
    runtime.engagement.reports.loadReportData(),
  ]);
  return { views, outbox, reportData };
}

/**
 * When the system first heard (virtual time) that a customer unsubscribed or was suppressed: the
 * recorded time may be earlier (the event's own timestamp), and mail sent in between was no fault.
 * Replies are not here: a reply ends its enrolment, it does not stop all mail.
 */
export interface LearnedStops {
  unsubscribed?: number;
  suppressed?: number;
}

/** What the checks read of the running emulators: pending schedules and dead letters. */
export interface RunQueues {
  readonly scheduler: {
    schedules(): readonly { readonly completed: boolean; readonly input: string | undefined }[];
    readonly deadLetters: readonly { readonly body: string }[];
  };
  readonly sendQueue: { readonly deadLetters: readonly { readonly body: string }[] };
}

export interface InvariantInputs {
  readonly runtime: RunQueues;
  readonly records: RunRecords;
  readonly config: RekindleConfig;
  /** Every distinct SES event the recipients' mail systems published, by EventBridge id. */
  readonly published: ReadonlyMap<string, unknown>;
  /** By customer id: when the system learned of their unsubscribe or suppression. */
  readonly learned: ReadonlyMap<string, LearnedStops>;
}

const weekdays = ['sun', 'mon', 'tue', 'wed', 'thu', 'fri', 'sat'] as const;

const formatters = new Map<string, Intl.DateTimeFormat>();

/** The recipient's local weekday and minute of the day at `instant`, from Intl alone. */
function localTime(instant: number, timeZone: string): { day: string; minute: number } {
  let formatter = formatters.get(timeZone);
  if (formatter === undefined) {
    formatter = new Intl.DateTimeFormat('en-GB', {
      timeZone,
      weekday: 'short',
      hour: '2-digit',
      minute: '2-digit',
      hourCycle: 'h23',
    });
    formatters.set(timeZone, formatter);
  }
  const parts = formatter.formatToParts(new Date(instant));
  const part = (type: string) => parts.find((candidate) => candidate.type === type)?.value ?? '';
  const day = part('weekday').slice(0, 3).toLowerCase();
  return {
    day: weekdays.find((name) => name === day) ?? day,
    minute: Number(part('hour')) * 60 + Number(part('minute')),
  };
}

/**
 * Checks a finished run against the promises Rekindle makes, from the emulators' own records (the
 * SES outbox, the Scheduler's schedules and dead letters, the table), independently of the code
 * that made the decisions: every enrolment finished or visibly stuck; no step sent twice; no SES
 * event lost; no email to a suppressed, unsubscribed, held-out or non-consenting customer; no email
 * outside the recipient's window, over the cap or closer than the minimum gap; no customer given the
 * same step twice, nor anything after a last note (until they order) or a sequence they replied to.
 */
export function checkInvariants(inputs: InvariantInputs): InvariantResult[] {
  const { runtime, records, config, published, learned } = inputs;
  const { views } = records;
  const policy = config.policy;
  const support = config.engagement.supportAddress;
  const outbox = records.outbox.filter(
    (email) => support === undefined || !email.destination.to.includes(support),
  );

  // 1. No step sent twice: emails in the SES outbox per (enrolment, step), from their signed links.
  const perStep = new Map<string, number>();
  const outboxEnrolments = new Set<string>();
  const unattributed: string[] = [];
  for (const email of outbox) {
    const claims = claimsOf(email);
    if (claims === undefined) {
      unattributed.push(email.messageId);
      continue;
    }
    const key = `${claims.enrolmentId}#${claims.stepIndex}`;
    perStep.set(key, (perStep.get(key) ?? 0) + 1);
    outboxEnrolments.add(claims.enrolmentId);
  }
  const twice = [...perStep].filter(([, count]) => count > 1).map(([key, count]) => `${key} sent ${count}×`);
  const results: InvariantResult[] = [
    result(
      'no step sent twice',
      `${outbox.length} emails in the SES outbox for ${perStep.size} (enrolment, step) pairs`,
      [...twice, ...unattributed.map((id) => `${id} has no signed link`)],
    ),
  ];

  // 2. Every enrolment finished, still going (a schedule is pending), or visibly stuck (a claimed
  //    send for `rekindle sends stuck`, or a dead letter an alarm would raise).
  const pending = new Set<string>();
  for (const schedule of runtime.scheduler.schedules()) {
    if (schedule.completed) continue;
    const enrolmentId = enrolmentOf(schedule.input);
    if (enrolmentId !== undefined) pending.add(enrolmentId);
  }
  const deadLettered = new Set<string>();
  for (const letter of [...runtime.sendQueue.deadLetters, ...runtime.scheduler.deadLetters]) {
    const enrolmentId = enrolmentOf(letter.body);
    if (enrolmentId !== undefined) deadLettered.add(enrolmentId);
  }
  const heldOut = new Set(
    records.reportData.assignments
      .filter((assignment) => assignment.state === 'held-out')
      .map((assignment) => assignment.enrolmentId),
  );
  const lost: string[] = [];
  const tally = { finished: 0, running: 0, stuck: 0, heldOut: heldOut.size };
  for (const view of views.values()) {
    for (const enrolment of view.enrolments) {
      if (heldOut.has(enrolment.enrolmentId)) continue;
      if (enrolment.state !== 'active') tally.finished += 1;
      else if (pending.has(enrolment.enrolmentId)) tally.running += 1;
      else if (
        deadLettered.has(enrolment.enrolmentId) ||
        view.sends.some((send) => send.enrolmentId === enrolment.enrolmentId && send.state === 'claimed')
      )
        tally.stuck += 1;
      else lost.push(`${enrolment.enrolmentId} is active with nothing scheduled and nothing stuck`);
    }
  }
  results.push(
    result(
      'every enrolment finished, running or visibly stuck',
      `${tally.finished} finished, ${tally.running} with a step scheduled, ${tally.stuck} stuck for an operator, ${tally.heldOut} held out`,
      lost,
    ),
  );

  // 3. No SES event lost: each distinct event published is stored against its customer.
  const stored = new Set<string>();
  for (const view of views.values()) for (const event of view.engagement) stored.add(event.eventId);
  const missing: string[] = [];
  for (const [id, event] of published) {
    const parsed = parseSesEvent(event, { machineOpenMs: config.engagement.machineOpenSeconds * 1_000 });
    if (!parsed.ok) missing.push(`${id} was rejected: ${parsed.reason}`);
    else if (!stored.has(parsed.parsed.event.eventId))
      missing.push(`${id} (${parsed.parsed.event.type}) is not in the table`);
  }
  results.push(result('no SES event lost', `${published.size} distinct events published`, missing));

  // 4 and 5: each email against the customer it went to.
  const forbidden: string[] = [...heldOut]
    .filter((enrolmentId) => outboxEnrolments.has(enrolmentId))
    .map((enrolmentId) => `${enrolmentId}: held out, yet in the SES outbox`);
  const outOfWindow: string[] = [];
  const overCap: string[] = [];
  const repeated: string[] = [];
  const afterGoodbye: string[] = [];
  let checked = 0;
  for (const view of views.values()) {
    const sends = mailed(view, perStep);
    repeated.push(...sameStepAgain(view, sends));
    afterGoodbye.push(...sequenceAfterGoodbye(view, sends, config));
    const customer = view.customer;
    const known = learned.get(customer.customerId);
    // Each stop from the moment the system learned of that stop, never of another event.
    const stop = Math.min(
      view.status.unsubscribedAt === undefined
        ? Number.POSITIVE_INFINITY
        : (known?.unsubscribed ?? view.status.unsubscribedAt),
      view.status.suppressedAt === undefined
        ? Number.POSITIVE_INFINITY
        : (known?.suppressed ?? view.status.suppressedAt),
    );
    const zone = customer.timeZone ?? policy.sendWindow.fallbackTimeZone ?? config.shop.fallbackTimeZone;
    for (const [index, send] of sends.entries()) {
      checked += 1;
      const label = `${send.enrolmentId}#${send.stepIndex} to ${customer.customerId}`;
      if (heldOut.has(send.enrolmentId)) forbidden.push(`${label}: held out`);
      if (customer.consent !== 'granted') forbidden.push(`${label}: consent is ${customer.consent}`);
      if (send.sentAt > stop)
        forbidden.push(`${label}: sent after the customer was suppressed or unsubscribed`);
      const local = localTime(send.sentAt, zone);
      if (
        !policy.sendWindow.days.includes(local.day as (typeof policy.sendWindow.days)[number]) ||
        local.minute < policy.sendWindow.from ||
        local.minute >= policy.sendWindow.to
      )
        outOfWindow.push(
          `${label}: ${local.day} ${Math.floor(local.minute / 60)}:${String(local.minute % 60).padStart(2, '0')} in ${zone}`,
        );
      const inPeriod = sends.filter(
        (other) => other.sentAt <= send.sentAt && other.sentAt > send.sentAt - policy.cap.per,
      ).length;
      if (inPeriod > policy.cap.emails) overCap.push(`${label}: ${inPeriod} emails in the rolling period`);
      const previous = sends[index - 1];
      if (previous !== undefined && send.sentAt - previous.sentAt < policy.minimumGap)
        overCap.push(
          `${label}: ${Math.round((send.sentAt - previous.sentAt) / 60_000)} min after the previous email`,
        );
    }
  }
  results.push(
    result(
      'no email to a suppressed, unsubscribed, held-out or non-consenting customer',
      `${checked} sent emails checked against each customer's status`,
      forbidden,
    ),
    result('no email outside its window', `${checked} emails in the recipient's zone`, outOfWindow),
    result('no email over the cap or under the minimum gap', `${checked} emails per customer`, overCap),
    result(
      'no customer gets the same step twice',
      `${checked} emails by (customer, sequence, step), across enrolments`,
      repeated,
    ),
    result(
      'no win-back after an unanswered last note (until an order), no sequence again after a reply',
      `${views.size} customers' enrolments in order`,
      afterGoodbye,
    ),
  );
  return results;
}

type Mailed = SendRecord & { readonly sentAt: number };

/**
 * A customer's emails, oldest first: sent, or claimed and in the outbox (the process died after SES
 * accepted it; the claim's time is the moment of sending).
 */
function mailed(view: CustomerView, perStep: ReadonlyMap<string, number>): Mailed[] {
  return view.sends
    .filter(
      (send) =>
        (send.state === 'sent' && send.sentAt !== undefined) ||
        (send.state === 'claimed' && perStep.has(`${send.enrolmentId}#${send.stepIndex}`)),
    )
    .map((send) => ({ ...send, sentAt: send.sentAt ?? send.claimedAt }))
    .sort((a, b) => a.sentAt - b.sentAt);
}

const day = (at: number) => new Date(at).toISOString().slice(0, 10);

/** The same (sequence, step) emailed to one customer twice, whatever the enrolment. */
export function sameStepAgain(view: CustomerView, sends: readonly Mailed[]): string[] {
  const first = new Map<string, Mailed>();
  const violations: string[] = [];
  for (const send of sends) {
    const key = `${send.sequenceId}/${send.stepId}`;
    const earlier = first.get(key);
    if (earlier === undefined) first.set(key, send);
    else
      violations.push(
        `${view.customer.customerId} got ${key} again on ${day(send.sentAt)} (${send.enrolmentId}), first on ${day(earlier.sentAt)} (${earlier.enrolmentId})`,
      );
  }
  return violations;
}

/**
 * The promises of the last note and of a reply: after a sequence's last step went out with no
 * response (no open by a person, no content click, no reply), no email of any sequence until the
 * customer orders again (sunset); after a reply to a sequence's email, never that sequence again
 * (re-entry). Read from the records alone, as docs/configuration.md states the rules.
 */
export function sequenceAfterGoodbye(
  view: CustomerView,
  sends: readonly Mailed[],
  config: Pick<RekindleConfig, 'sequences'>,
): string[] {
  const customerId = view.customer.customerId;
  const lastIndex = new Map(config.sequences.map((sequence) => [sequence.id, sequence.steps.length - 1]));
  const orderTimes = view.orders.map((order) => Date.parse(order.placedAt));
  const orderedBetween = (from: number, to: number) => orderTimes.some((at) => at > from && at < to);
  const enrolledAt = new Map(
    view.enrolments.map((enrolment) => [enrolment.enrolmentId, enrolment.enrolledAt]),
  );
  const violations: string[] = [];
  // A response to any of an enrolment's emails (an open by a person, a click on its content, a
  // reply): then its last note was answered and the sunset does not apply.
  const responded = new Set(
    view.engagement
      .filter(
        (event) =>
          event.type === 'reply' ||
          (event.type === 'open' && event.machine !== true) ||
          isContentClick(event),
      )
      .map((event) => event.enrolmentId),
  );
  const lastNotes = sends.filter(
    (send) => send.stepIndex === lastIndex.get(send.sequenceId) && !responded.has(send.enrolmentId),
  );
  const replies = view.engagement.filter((event) => event.type === 'reply' && event.sequenceId !== undefined);
  for (const send of sends) {
    // An order placed after the answered-by-nobody sequence started lifts the sunset.
    const goodbye = lastNotes.find(
      (note) =>
        note.enrolmentId !== send.enrolmentId &&
        note.sentAt < send.sentAt &&
        !orderedBetween(enrolledAt.get(note.enrolmentId) ?? note.sentAt, send.sentAt),
    );
    if (goodbye !== undefined)
      violations.push(
        `${customerId} got ${send.sequenceId}/${send.stepId} on ${day(send.sentAt)} after the last note of ${goodbye.enrolmentId} on ${day(goodbye.sentAt)}, with no order since`,
      );
    const replied = replies.find(
      (reply) =>
        reply.sequenceId === send.sequenceId &&
        reply.enrolmentId !== send.enrolmentId &&
        reply.at < send.sentAt,
    );
    if (replied !== undefined)
      violations.push(
        `${customerId} got ${send.sequenceId}/${send.stepId} on ${day(send.sentAt)} after replying to ${replied.enrolmentId ?? send.sequenceId} on ${day(replied.at)}`,
      );
  }
  return violations;
}

function result(name: string, detail: string, violations: readonly string[]): InvariantResult {
  return { name, ok: violations.length === 0, detail, violations };
}

/** The enrolment a step message (a schedule's input or a dead letter's body) is for. */
function enrolmentOf(body: string | undefined): string | undefined {
  if (body === undefined) return undefined;
  try {
    const parsed: unknown = JSON.parse(body);
    return typeof parsed === 'object' && parsed !== null && 'enrolmentId' in parsed
      ? String(parsed.enrolmentId)
      : undefined;
  } catch {
    return undefined;
  }
}
