import type { ContactStatusStore, SuppressionReason } from '../../ports/contact-status-store.ts';
import type { EngagementLedger } from '../../ports/engagement-ledger.ts';
import type { EnrolmentStore } from '../../ports/enrolment-store.ts';
import type { MetricsSink } from '../../ports/metrics-sink.ts';
import type { ForgottenRegister } from '../../ports/privacy-store.ts';
import type { SequencePauses } from '../../ports/sequence-pauses.ts';
import type { EngagementConfig } from '../config/engagement.ts';
import { addCounters, zeroCounters } from '../domain/counters.ts';
import type { EngagementEvent } from '../domain/engagement-event.ts';
import { parseSesEvent } from './ses-event.ts';

export interface RecordDeps {
  /** Where the events and their counters go. */
  readonly ledger: EngagementLedger;
  /** Suppresses the address of a hard bounce or a complaint, and its customers. */
  readonly contacts: Pick<ContactStatusStore, 'customersByEmail' | 'suppress'>;
  /** Pauses a sequence whose complaint rate passed the limit. */
  readonly pauses: Pick<SequencePauses, 'pauseSequence'>;
  /** An event about an erased person is dropped: nothing about them is written again. */
  readonly forgotten: ForgottenRegister;
  /** Ends the enrolments of a customer suppressed by a hard bounce or a complaint. */
  readonly enrolments: Pick<EnrolmentStore, 'endActiveEnrolments'>;
  readonly config: EngagementConfig;
  readonly metrics: MetricsSink;
}

export type RecordOutcome =
  | {
      readonly kind: 'recorded' | 'duplicate';
      readonly event: EngagementEvent;
      readonly suppressed?: SuppressionReason;
      readonly endedEnrolments: readonly string[];
      readonly pausedSequence?: string;
    }
  | { readonly kind: 'invalid'; readonly reason: string };

/**
 * How the engagement queue's event source runs record-engagement (infra/constructs/engagement.ts),
 * and the local runtime as it: batches of up to 25 events, which the DynamoDB store writes in one
 * transaction, and at most 4 batches at once, so concurrent batches seldom meet on a counter item.
 */
export const engagementBatching = { batchSize: 25, maxConcurrency: 4 } as const;

/** Counted (without dimensions) each time a sequence is paused for its complaint rate; alarmed on. */
export const sequencesPausedMetric = 'SequencesPausedForComplaints';

/** Hard bounces and complaints end all email to the address; soft bounces do not. */
export function suppressionReasonFor(
  event: Pick<EngagementEvent, 'type' | 'detail'>,
): SuppressionReason | undefined {
  if (event.type === 'complaint') return 'complaint';
  if (event.type === 'bounce' && event.detail?.bounceType === 'Permanent') return 'hard-bounce';
  return undefined;
}

/** True when the sequence has enough sends to judge and its complaint rate is above the threshold. */
export function complaintRateExceeded(
  totals: { sent: number; complained: number },
  config: Pick<EngagementConfig, 'complaintRateThreshold' | 'complaintRateMinSends'>,
): boolean {
  if (totals.sent < config.complaintRateMinSends || totals.sent === 0) return false;
  return totals.complained / totals.sent > config.complaintRateThreshold;
}

/** What became of one event of a batch: its outcome, or the error that stopped it (retried by the queue). */
export type RecordResult =
  | RecordOutcome
  | { readonly kind: 'forgotten' }
  | { readonly kind: 'failed'; readonly error: unknown };

/**
 * Stores one SES event (idempotently, counters in the same transaction), suppresses the address
 * on a hard bounce or complaint and ends its enrolments, and pauses a sequence whose complaint
 * rate crossed the threshold. The follow-ups are idempotent and run for duplicates too, so a
 * retry completes whatever a failed first attempt left undone. Throws what stopped it.
 */
export async function recordSesEvent(input: unknown, deps: RecordDeps): Promise<RecordOutcome> {
  const [result] = await recordSesEvents([input], deps);
  if (result === undefined) throw new Error('no result for the event');
  if (result.kind === 'failed') throw result.error;
  if (result.kind === 'forgotten') return { kind: 'invalid', reason: 'about a forgotten person' };
  return result;
}

/**
 * `recordSesEvent` for a batch (an SQS batch of EventBridge events): the valid events stored
 * together, in as few transactions as the store can, then each one's follow-ups. The results are
 * in the inputs' order; one event's failure fails only that event.
 */
export async function recordSesEvents(inputs: readonly unknown[], deps: RecordDeps): Promise<RecordResult[]> {
  const results: RecordResult[] = inputs.map(() => ({ kind: 'invalid', reason: 'not read' }));
  const parsed: {
    index: number;
    event: EngagementEvent;
    recipients: readonly string[];
    attributed: boolean;
  }[] = [];
  const understood: typeof parsed = [];
  inputs.forEach((input, index) => {
    const result = parseSesEvent(input, { machineOpenMs: deps.config.machineOpenSeconds * 1_000 });
    if (result.ok) understood.push({ index, ...result.parsed });
    else results[index] = { kind: 'invalid', reason: result.reason };
  });
  // One lookup for the batch: a late event about an erased person re-creates nothing.
  const gone = await deps.forgotten.forgotten({
    customerIds: understood.filter((entry) => entry.attributed).map((entry) => entry.event.customerId),
    emails: understood.flatMap((entry) => entry.recipients),
  });
  for (const entry of understood) {
    const aboutForgotten =
      (entry.attributed && gone.customerIds.has(entry.event.customerId)) ||
      entry.recipients.some((email) => gone.emails.has(email));
    if (aboutForgotten) results[entry.index] = { kind: 'forgotten' };
    else parsed.push(entry);
  }
  const stored = await storeAll(
    parsed.map((entry) => entry.event),
    deps.ledger,
  );
  for (const [position, entry] of parsed.entries()) {
    const outcome = stored[position];
    if (outcome === undefined || typeof outcome !== 'string') {
      results[entry.index] = { kind: 'failed', error: outcome?.error };
      continue;
    }
    try {
      results[entry.index] = await followUp(entry, outcome, deps);
    } catch (error: unknown) {
      results[entry.index] = { kind: 'failed', error };
    }
  }
  return results;
}

/**
 * One event that did not come from SES but means the same (a feedback report or a bounce that came
 * back by mail): stored and followed up exactly as SES's event would be. Throws what stopped it.
 */
export async function recordEngagementEvent(
  event: EngagementEvent,
  recipients: readonly string[],
  deps: RecordDeps,
): Promise<RecordOutcome> {
  const [stored] = await storeAll([event], deps.ledger);
  if (stored === undefined || typeof stored !== 'string') throw stored?.error ?? new Error('not stored');
  return followUp({ event, recipients, attributed: true }, stored, deps);
}

type Stored = 'recorded' | 'duplicate' | { readonly error: unknown };

/** The batch in one go; if that fails, each event alone, so that a bad event fails only itself. */
async function storeAll(events: readonly EngagementEvent[], ledger: EngagementLedger): Promise<Stored[]> {
  if (events.length === 0) return [];
  try {
    return await ledger.recordAll(events);
  } catch (error: unknown) {
    if (events.length === 1) return [{ error }];
    const stored: Stored[] = [];
    for (const event of events) {
      try {
        stored.push(await ledger.record(event));
      } catch (eventError: unknown) {
        stored.push({ error: eventError });
      }
    }
    return stored;
  }
}

async function followUp(
  parsed: { event: EngagementEvent; recipients: readonly string[]; attributed: boolean },
  stored: 'recorded' | 'duplicate',
  deps: RecordDeps,
): Promise<RecordOutcome> {
  const { ledger, contacts, pauses, config, metrics } = deps;
  const { event, recipients, attributed } = parsed;
  if (stored === 'recorded') metrics.count('EngagementEvents', 1, { type: event.type });

  const reason = suppressionReasonFor(event);
  const endedEnrolments: string[] = [];
  if (reason !== undefined) {
    for (const email of new Set(recipients)) {
      const customers = new Set(await contacts.customersByEmail(email));
      if (attributed) customers.add(event.customerId);
      await contacts.suppress(email, [...customers], reason, event.at);
      for (const customerId of customers)
        endedEnrolments.push(...(await deps.enrolments.endActiveEnrolments(customerId, reason, event.at)));
    }
  }

  let pausedSequence: string | undefined;
  if (event.type === 'complaint' && event.sequenceId !== undefined) {
    const totals = (await ledger.sequenceCounters(event.sequenceId)).reduce(
      (sum, step) => addCounters(sum, step.counters),
      zeroCounters(),
    );
    if (complaintRateExceeded(totals, config)) {
      const rate = ((totals.complained / totals.sent) * 100).toFixed(2);
      const paused = await pauses.pauseSequence(
        event.sequenceId,
        `complaint rate ${rate}% (${totals.complained} of ${totals.sent} sent) is above ${config.complaintRateThreshold * 100}%`,
        event.at,
      );
      if (paused) {
        metrics.count('SequencePausedForComplaints', 1, { sequence: event.sequenceId });
        // The same, across sequences: the one metric the alarm watches (infra/constructs/observability.ts).
        metrics.count(sequencesPausedMetric, 1);
        pausedSequence = event.sequenceId;
      }
    }
  }
  return {
    kind: stored,
    event,
    ...(reason === undefined ? {} : { suppressed: reason }),
    endedEnrolments,
    ...(pausedSequence === undefined ? {} : { pausedSequence }),
  };
}
