import type { Clock } from '../../ports/clock.ts';
import type { CustomerStore, SendRecord } from '../../ports/customer-store.ts';
import { type Mailer, MailerError, type OutgoingEmail } from '../../ports/mailer.ts';
import type { StepScheduler } from '../../ports/step-scheduler.ts';
import type { RekindleConfig } from '../config/schema.ts';
import type { TemplateCatalog } from '../rendering/compiled-template.ts';
import { composeEmail } from '../rendering/compose-email.ts';
import { planStep } from '../segments/enrolment.ts';
import { type StepMessage, scheduleNameFor } from './step-message.ts';

export interface SendStepDeps {
  readonly store: CustomerStore;
  readonly mailer: Mailer;
  readonly scheduler: StepScheduler;
  readonly clock: Clock;
  readonly config: RekindleConfig;
  readonly templates: TemplateCatalog;
  readonly links: { readonly unsubscribeUrl: string; readonly signingKey: string };
}

/** What became of one step message. `retry` asks the queue to deliver it again later. */
export type SendStepOutcome =
  | { readonly kind: 'sent'; readonly messageId: string; readonly nextStep?: number }
  | { readonly kind: 'duplicate'; readonly state: SendRecord['state'] }
  | { readonly kind: 'closed'; readonly reason: string }
  | { readonly kind: 'failed'; readonly reason: string }
  | { readonly kind: 'retry'; readonly reason: string };

/**
 * Sends one step of one enrolment, at most once: claim the ledger item with a conditional write,
 * render, send, confirm, and only then plan the next step. See docs/architecture.md.
 */
export async function sendStep(message: StepMessage, deps: SendStepDeps): Promise<SendStepOutcome> {
  const { store, config, clock } = deps;
  const sequence = config.sequences.find((candidate) => candidate.id === message.sequenceId);
  const step = sequence?.steps[message.stepIndex];
  if (sequence === undefined || step === undefined) {
    return {
      kind: 'closed',
      reason: `sequence "${message.sequenceId}" has no step ${message.stepIndex} any more`,
    };
  }
  const view = await store.getCustomerView(message.customerId);
  if (view === undefined) return { kind: 'closed', reason: 'customer no longer exists' };
  const enrolment = view.enrolments.find((candidate) => candidate.enrolmentId === message.enrolmentId);
  if (enrolment === undefined) return { kind: 'closed', reason: 'enrolment not found' };
  if (enrolment.state !== 'active') return { kind: 'closed', reason: `enrolment is ${enrolment.state}` };

  const now = clock.now();
  const record: SendRecord = {
    enrolmentId: message.enrolmentId,
    stepIndex: message.stepIndex,
    customerId: message.customerId,
    sequenceId: message.sequenceId,
    stepId: step.id,
    state: 'claimed',
    claimedAt: now,
  };
  const claim = await store.claimSend(record);
  if (!claim.ok) {
    // Already sent: a redelivery that must not send again, but the next step may still need planning.
    if (claim.existing.state === 'sent') await planNext(message, claim.existing.sentAt ?? now, deps);
    return { kind: 'duplicate', state: claim.existing.state };
  }

  let email: OutgoingEmail;
  try {
    email = await composeEmail({ view, message, step, config, templates: deps.templates, links: deps.links });
  } catch (error: unknown) {
    const reason = error instanceof Error ? error.message : String(error);
    await store.failSend(record, reason);
    return { kind: 'failed', reason };
  }

  let messageId: string;
  try {
    ({ messageId } = await deps.mailer.send(email));
  } catch (error: unknown) {
    const reason = error instanceof Error ? error.message : String(error);
    if (error instanceof MailerError && error.delivered === 'no') {
      if (!error.retryable) {
        await store.failSend(record, reason);
        return { kind: 'failed', reason };
      }
      // SES answered with an error, so nothing went out: free the claim and let the queue retry.
      await store.releaseClaim(record);
      return { kind: 'retry', reason };
    }
    // Unknown whether SES sent it: the claim stays, visible to `rekindle sends stuck`, never resent blindly.
    return { kind: 'failed', reason: `unconfirmed, left claimed for an operator: ${reason}` };
  }
  // A crash from here on leaves the claim; a redelivery then finds it and never sends again.
  const sentAt = clock.now();
  await store.confirmSend(record, { messageId, sentAt });
  const nextStep = await planNext(message, sentAt, deps);
  return { kind: 'sent', messageId, ...(nextStep === undefined ? {} : { nextStep }) };
}

async function planNext(message: StepMessage, from: number, deps: SendStepDeps): Promise<number | undefined> {
  const sequence = deps.config.sequences.find((candidate) => candidate.id === message.sequenceId);
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
    await deps.store.updateEnrolmentState(message.customerId, message.enrolmentId, 'completed', from);
    return undefined;
  }
  await deps.scheduler.scheduleStep(scheduleNameFor(next.enrolmentId, next.stepIndex), next, {
    timeZone: deps.config.shop.fallbackTimeZone,
  });
  return next.stepIndex;
}
