import type { Clock } from '../../ports/clock.ts';
import type { CustomerStore } from '../../ports/customer-store.ts';
import type { StepScheduler } from '../../ports/step-scheduler.ts';
import type { RekindleConfig } from '../config/schema.ts';
import type { SendRecord } from '../domain/send-record.ts';
import { type StepMessage, scheduleNameFor } from '../domain/step-message.ts';
import { plannedInstant, recipientTimeZone } from '../policy/decide.ts';

/** What an operator's action on a stuck send needs. */
export interface StuckSendDeps {
  readonly store: CustomerStore;
  readonly scheduler: StepScheduler;
  readonly clock: Clock;
  readonly config: RekindleConfig;
}

export type OperatorResult =
  | { readonly ok: true; readonly record: SendRecord; readonly schedule: string; readonly at: number }
  | { readonly ok: false; readonly reason: string };

/** A re-planned step fires no sooner than this after the action, so the ledger change lands first. */
const settleMs = 60_000;

/** Steps claimed before `olderThan` and never confirmed: a crash between claim and confirmation. */
export async function listStuckSends(store: CustomerStore, olderThan: number): Promise<SendRecord[]> {
  const records = await store.listClaimedSends(olderThan);
  return records.sort((a, b) => a.claimedAt - b.claimedAt);
}

async function findClaim(
  deps: StuckSendDeps,
  enrolmentId: string,
  stepIndex: number,
): Promise<{ record: SendRecord; message: StepMessage; timeZone: string } | string> {
  const record = (await deps.store.listClaimedSends(Number.MAX_SAFE_INTEGER)).find(
    (candidate) => candidate.enrolmentId === enrolmentId && candidate.stepIndex === stepIndex,
  );
  if (record === undefined) return `no claimed, unconfirmed send for ${enrolmentId} step ${stepIndex}`;
  const view = await deps.store.getCustomerView(record.customerId);
  const enrolment = view?.enrolments.find((candidate) => candidate.enrolmentId === enrolmentId);
  if (view === undefined || enrolment === undefined) return `enrolment ${enrolmentId} no longer exists`;
  const message: StepMessage = {
    version: 1,
    customerId: record.customerId,
    enrolmentId,
    sequenceId: record.sequenceId,
    segmentId: enrolment.segmentId,
    stepIndex,
    dueAt: deps.clock.now(),
    retryOf: record.claimedAt,
  };
  const timeZone = recipientTimeZone(view.customer, deps.config.policy, deps.config.shop.fallbackTimeZone);
  return { record, message, timeZone };
}

async function replan(
  deps: StuckSendDeps,
  found: { record: SendRecord; message: StepMessage; timeZone: string },
  at: number,
): Promise<string> {
  const name = scheduleNameFor(found.record.enrolmentId, found.record.stepIndex, 0, found.record.claimedAt);
  await deps.scheduler.scheduleStep(name, found.message, {
    timeZone: found.timeZone,
    at,
    flexibleWindowMinutes: Math.round(deps.config.policy.scheduleFlexibility / 60_000),
  });
  return name;
}

/**
 * The operator has checked (SES sending history, the outbox) that the email did NOT go out:
 * re-plan the step, then release the claim. The re-planned step is decided afresh (window, cap,
 * exits) and claimed again before anything is sent.
 */
export async function retryStuckSend(
  deps: StuckSendDeps,
  enrolmentId: string,
  stepIndex: number,
): Promise<OperatorResult> {
  const found = await findClaim(deps, enrolmentId, stepIndex);
  if (typeof found === 'string') return { ok: false, reason: found };
  const at = plannedInstant(deps.clock.now() + settleMs, deps.config.policy, found.timeZone);
  // Planned first: if the release then fails, the schedule finds the claim and sends nothing.
  const schedule = await replan(deps, found, at);
  await deps.store.releaseClaim(found.record);
  return { ok: true, record: found.record, schedule, at };
}

/**
 * The operator has checked that the email DID go out: record it as sent and let a redelivery of
 * the step plan the next one (it finds the step sent and only plans).
 */
export async function confirmStuckSend(
  deps: StuckSendDeps,
  enrolmentId: string,
  stepIndex: number,
  messageId = 'confirmed-by-operator',
): Promise<OperatorResult> {
  const found = await findClaim(deps, enrolmentId, stepIndex);
  if (typeof found === 'string') return { ok: false, reason: found };
  const at = Math.ceil((deps.clock.now() + settleMs) / 1000) * 1000;
  const schedule = await replan(deps, found, at);
  await deps.store.confirmSend(found.record, { messageId, sentAt: found.record.claimedAt });
  return { ok: true, record: found.record, schedule, at };
}
