import type { Clock } from '../../ports/clock.ts';
import type { CustomerStore } from '../../ports/customer-store.ts';
import type { DeferralCounter } from '../../ports/deferral-counter.ts';
import type { EnrolmentStore } from '../../ports/enrolment-store.ts';
import type { Mailer } from '../../ports/mailer.ts';
import type { SendGuardReader } from '../../ports/send-guard.ts';
import type { StepScheduler } from '../../ports/step-scheduler.ts';
import type { RekindleConfig } from '../config/schema.ts';
import type { DeferralCause } from '../domain/counters.ts';
import type { CustomerView } from '../domain/customer-view.ts';
import { planStep } from '../domain/enrolment.ts';
import type { EnrolmentExitReason } from '../domain/enrolment-state.ts';
import { MailerError } from '../domain/mailer-error.ts';
import { allSequences, pauseRecheckMs } from '../domain/pauses.ts';
import type { SendRecord } from '../domain/send-record.ts';
import { type StepMessage, scheduleNameFor } from '../domain/step-message.ts';
import {
  type DeferReason,
  decideStep,
  flexibleWindowMinutes,
  plannedInstant,
  recipientTimeZone,
} from '../policy/decide.ts';
import { redactAddresses } from '../redact.ts';
import type { TemplateCatalog } from '../rendering/compiled-template.ts';
import { composeEmail } from '../rendering/compose-email.ts';
import { stepContent } from './step-content.ts';

export interface SendStepDeps {
  readonly store: CustomerStore;
  /** Completes or exits the enrolment (the one writer of enrolments and their state machine). */
  readonly enrolments: Pick<EnrolmentStore, 'endEnrolment'>;
  readonly mailer: Mailer;
  readonly scheduler: StepScheduler;
  readonly clock: Clock;
  readonly config: RekindleConfig;
  readonly templates: TemplateCatalog;
  readonly links: { readonly unsubscribeUrl: string; readonly signingKey: string };
  /**
   * Checks outside the customer's partition: an address suppressed anywhere (a re-imported customer
   * with a bounced email) and a sequence paused for complaints. Absent in tests of the send path alone.
   */
  readonly guard?: SendGuardReader;
  /** Counts each held-back step by cause, for the report. Absent in tests of the send path alone. */
  readonly deferrals?: DeferralCounter;
}

/** How the report groups the reasons a due step waits: every kind of pause is a pause. */
export const deferralCauseOf = {
  window: 'window',
  cap: 'cap',
  gap: 'gap',
  paused: 'pause',
  'sequence-paused': 'pause',
  'ticket-open': 'ticket',
} as const satisfies Record<DeferReason, DeferralCause>;

/** A pause in the table that holds a step: the kill switch (every sequence) or one sequence's. */
export type SequencePauseKind = 'kill-switch' | 'sequence';

/** SES asked us to slow down: the step is tried again this much later (plus the flexible window). */
export const throttledRetryDelay = 5 * 60_000;
/** SES has paused the account: the step is looked at again hourly, until a person has SES resume. */
export const pausedRetryDelay = 60 * 60_000;

/**
 * What became of one step message. `retry` (SES throttled us) and `paused` (SES refuses to send for
 * the whole account) released the claim and planned the same step again `until`, like a deferral:
 * nothing waits on the queue, so nothing reaches its dead-letter queue.
 */
export type SendStepOutcome =
  | { readonly kind: 'sent'; readonly messageId: string; readonly nextStep?: number }
  | { readonly kind: 'duplicate'; readonly state: SendRecord['state'] }
  | { readonly kind: 'closed'; readonly reason: string }
  | { readonly kind: 'exited'; readonly reason: EnrolmentExitReason }
  | {
      readonly kind: 'deferred';
      readonly reason: DeferReason;
      readonly until: number;
      readonly attempt: number;
      /** Which pause held a `sequence-paused` step: the kill switch or the sequence's own. */
      readonly pausedBy?: SequencePauseKind;
    }
  | { readonly kind: 'skipped'; readonly reason: string; readonly nextStep?: number }
  | { readonly kind: 'failed'; readonly reason: string }
  | { readonly kind: 'retry'; readonly reason: string; readonly until: number; readonly attempt: number }
  | { readonly kind: 'paused'; readonly reason: string; readonly until: number; readonly attempt: number };

/** An error's message as stored in the send ledger and returned: without any address it names. */
const messageOf = (error: unknown) => redactAddresses(error instanceof Error ? error.message : String(error));

/**
 * Sends one step of one enrolment, at most once. One read of the customer decides: exit (closed
 * with the reason), skip (condition not met), defer to the next allowed moment (a new schedule),
 * or send: claim the ledger item with a conditional write, render, send, confirm, and only then
 * plan the next step or complete the enrolment. See docs/architecture.md.
 */
export async function sendStep(message: StepMessage, deps: SendStepDeps): Promise<SendStepOutcome> {
  const { store, enrolments, config, clock } = deps;
  const sequence = config.sequences.find((candidate) => candidate.id === message.sequenceId);
  const step = sequence?.steps[message.stepIndex];
  if (sequence === undefined || step === undefined) {
    await enrolments.endEnrolment(message.customerId, message.enrolmentId, {
      state: 'exited',
      at: clock.now(),
      stepIndex: message.stepIndex,
      exitReason: 'sequence-removed',
    });
    return {
      kind: 'closed',
      reason: `sequence "${message.sequenceId}" has no step ${message.stepIndex} any more`,
    };
  }
  const view = await store.getCustomerView(message.customerId);
  if (view === undefined) return { kind: 'closed', reason: 'customer no longer exists' };
  const enrolment = view.enrolments.find((candidate) => candidate.enrolmentId === message.enrolmentId);
  if (enrolment === undefined) return { kind: 'closed', reason: 'enrolment not found' };
  if (enrolment.state !== 'active') {
    return {
      kind: 'closed',
      reason: `enrolment is ${enrolment.state}${enrolment.exitReason === undefined ? '' : ` (${enrolment.exitReason})`}`,
    };
  }
  const timeZone = recipientTimeZone(view.customer, config.policy, config.shop.fallbackTimeZone);
  const existing = view.sends.find(
    (send) => send.enrolmentId === message.enrolmentId && send.stepIndex === message.stepIndex,
  );
  if (existing !== undefined) return duplicate(existing, message, view, timeZone, deps);

  const now = clock.now();
  const decision = decideStep({
    now,
    view,
    enrolment,
    sequence,
    stepIndex: message.stepIndex,
    policy: config.policy,
    fallbackTimeZone: config.shop.fallbackTimeZone,
  });
  if (decision.kind === 'exit') {
    await enrolments.endEnrolment(message.customerId, message.enrolmentId, {
      state: 'exited',
      at: now,
      stepIndex: message.stepIndex,
      exitReason: decision.reason,
    });
    return { kind: 'exited', reason: decision.reason };
  }
  const guarded = decision.kind === 'send' ? await guardStep(message, view, now, deps) : undefined;
  const verdict = guarded ?? decision;
  if (verdict.kind === 'exit') {
    await enrolments.endEnrolment(message.customerId, message.enrolmentId, {
      state: 'exited',
      at: now,
      stepIndex: message.stepIndex,
      exitReason: verdict.reason,
    });
    return { kind: 'exited', reason: verdict.reason };
  }
  if (verdict.kind === 'defer') {
    const attempt = await scheduleAgain(message, verdict.until, verdict.timeZone, deps);
    await countDeferral(message, deferralCauseOf[verdict.reason], deps);
    return {
      kind: 'deferred',
      reason: verdict.reason,
      until: verdict.until,
      attempt,
      ...(guarded?.kind === 'defer' ? { pausedBy: guarded.pausedBy } : {}),
    };
  }

  const record: SendRecord = {
    enrolmentId: message.enrolmentId,
    stepIndex: message.stepIndex,
    customerId: message.customerId,
    sequenceId: message.sequenceId,
    stepId: step.id,
    state: 'claimed',
    claimedAt: now,
    templateId: step.template,
  };
  // Never an empty email: a step about content this customer lacks is skipped or replaced.
  const content = decision.kind === 'skip' ? decision : stepContent(step, view, config, message.enrolmentId);
  if (content.kind === 'skip') {
    const skip = await store.claimSend({ ...record, state: 'skipped', error: content.reason });
    if (!skip.ok) return duplicate(skip.existing, message, view, timeZone, deps);
    const nextStep = await planNext(message, now, timeZone, deps);
    return { kind: 'skipped', reason: content.reason, ...(nextStep === undefined ? {} : { nextStep }) };
  }

  // Composed before the claim (it is pure), so the claim records the locale, the updates shown and
  // what SES tracks in the email.
  let email: Awaited<ReturnType<typeof composeEmail>>;
  try {
    email = await composeEmail({
      view,
      message,
      step: { ...step, template: content.template },
      config,
      templates: deps.templates,
      links: deps.links,
    });
  } catch (error: unknown) {
    const failed = await store.claimSend(record);
    if (!failed.ok) return duplicate(failed.existing, message, view, timeZone, deps);
    return fail(record, `render: ${messageOf(error)}`, deps);
  }
  const claimed: SendRecord = {
    ...record,
    templateId: email.templateId,
    locale: email.locale,
    ...(email.updateIds.length === 0 ? {} : { updateIds: email.updateIds }),
    // What SES tracks in it, so the report counts opens and clicks only where they could happen.
    tracking: { ...email.tracking, ...(email.noTrackedLinks ? { noTrackedLinks: true } : {}) },
  };
  const claim = await store.claimSend(claimed);
  if (!claim.ok) return duplicate(claim.existing, message, view, timeZone, deps);

  let messageId: string;
  try {
    ({ messageId } = await deps.mailer.send(email));
  } catch (error: unknown) {
    const reason = messageOf(error);
    if (!(error instanceof MailerError) || error.kind === 'unknown') {
      // Unknown whether it went out: the claim stays, listed by `rekindle sends stuck`, never resent blindly.
      return { kind: 'failed', reason: `unconfirmed, left claimed for an operator: ${reason}` };
    }
    // The provider answered with an error, so nothing went out: our claim may be released safely.
    const paused = error.kind === 'paused';
    if (paused || error.kind === 'throttled' || error.kind === 'unavailable') {
      await store.releaseClaim(claimed);
      const until = clock.now() + (paused ? pausedRetryDelay : throttledRetryDelay);
      const attempt = await scheduleAgain(message, until, timeZone, deps);
      // SES pausing the account holds the step back like any pause; throttling is only a delay.
      if (paused) await countDeferral(message, 'pause', deps);
      return { kind: paused ? 'paused' : 'retry', reason, until, attempt };
    }
    return fail(claimed, reason, deps);
  }
  // A crash from here on leaves the claim; a redelivery then finds it and never sends again.
  const sentAt = clock.now();
  await store.confirmSend(claimed, { messageId, sentAt });
  const nextStep = await planNext(message, sentAt, timeZone, deps);
  return { kind: 'sent', messageId, ...(nextStep === undefined ? {} : { nextStep }) };
}

/** The checks that need a read beyond the customer's partition; only made when a send is due. */
async function guardStep(
  message: StepMessage,
  view: CustomerView,
  now: number,
  deps: SendStepDeps,
): Promise<
  | { kind: 'exit'; reason: EnrolmentExitReason }
  | { kind: 'defer'; reason: DeferReason; until: number; timeZone: string; pausedBy: SequencePauseKind }
  | undefined
> {
  if (deps.guard === undefined) return undefined;
  const { suppression, pause } = await deps.guard.sendGuard(view.customer.email, message.sequenceId);
  if (suppression !== undefined) return { kind: 'exit', reason: 'suppressed' };
  if (pause !== undefined) {
    const timeZone = recipientTimeZone(view.customer, deps.config.policy, deps.config.shop.fallbackTimeZone);
    return {
      kind: 'defer',
      reason: 'sequence-paused',
      until: now + pauseRecheckMs(pause.sequenceId ?? message.sequenceId),
      timeZone,
      pausedBy: pause.sequenceId === allSequences ? 'kill-switch' : 'sequence',
    };
  }
  return undefined;
}

/** Counts the step held back under its sequence, step and segment, once planned again. */
async function countDeferral(message: StepMessage, cause: DeferralCause, deps: SendStepDeps): Promise<void> {
  await deps.deferrals?.countDeferral(
    { sequenceId: message.sequenceId, stepIndex: message.stepIndex, segmentId: message.segmentId },
    cause,
  );
}

/**
 * Never dropped: the same step again at `at`, under a schedule of its own named by the attempt, so
 * a redelivery of this message plans it once. Returns the attempt.
 */
async function scheduleAgain(
  message: StepMessage,
  at: number,
  timeZone: string,
  deps: SendStepDeps,
): Promise<number> {
  const attempt = (message.attempt ?? 0) + 1;
  await deps.scheduler.scheduleStep(
    scheduleNameFor(message.enrolmentId, message.stepIndex, attempt, message.retryOf),
    { ...message, attempt },
    { timeZone, at, flexibleWindowMinutes: flexibleWindowMinutes(deps.config.policy) },
  );
  return attempt;
}

/** A permanent failure: recorded on the step, and the enrolment ends (it has nowhere to go). */
async function fail(record: SendRecord, reason: string, deps: SendStepDeps): Promise<SendStepOutcome> {
  await deps.store.failSend(record, reason);
  await deps.enrolments.endEnrolment(record.customerId, record.enrolmentId, {
    state: 'exited',
    at: deps.clock.now(),
    stepIndex: record.stepIndex,
    exitReason: 'send-failed',
  });
  return { kind: 'failed', reason };
}

/**
 * The step already has a ledger item: a redelivery. Nothing is sent again; if the step is done
 * (sent or skipped) the next one is planned again, idempotently, in case the first attempt
 * stopped before planning it.
 */
async function duplicate(
  existing: SendRecord,
  message: StepMessage,
  view: CustomerView,
  timeZone: string,
  deps: SendStepDeps,
): Promise<SendStepOutcome> {
  if (existing.state === 'sent' || existing.state === 'skipped') {
    const nextPlanned = view.sends.some(
      (send) => send.enrolmentId === message.enrolmentId && send.stepIndex === message.stepIndex + 1,
    );
    if (!nextPlanned) await planNext(message, existing.sentAt ?? existing.claimedAt, timeZone, deps);
  }
  return { kind: 'duplicate', state: existing.state };
}

/** Plans the step after `message`'s, due its delay after `from`, in the window; or completes the enrolment. */
async function planNext(
  message: StepMessage,
  from: number,
  timeZone: string,
  deps: SendStepDeps,
): Promise<number | undefined> {
  const { config } = deps;
  const sequence = config.sequences.find((candidate) => candidate.id === message.sequenceId);
  if (sequence === undefined) return undefined;
  const enrolment = {
    enrolmentId: message.enrolmentId,
    customerId: message.customerId,
    sequenceId: message.sequenceId,
    segmentId: message.segmentId,
    enrolledAt: from,
    state: 'active' as const,
  };
  const next = planStep(enrolment, sequence, message.stepIndex + 1, from);
  if (next === undefined) {
    await deps.enrolments.endEnrolment(message.customerId, message.enrolmentId, {
      state: 'completed',
      at: from,
      stepIndex: message.stepIndex,
    });
    return undefined;
  }
  await deps.scheduler.scheduleStep(scheduleNameFor(next.enrolmentId, next.stepIndex), next, {
    timeZone,
    at: plannedInstant(next.dueAt, config.policy, timeZone),
    flexibleWindowMinutes: flexibleWindowMinutes(config.policy),
  });
  return next.stepIndex;
}
