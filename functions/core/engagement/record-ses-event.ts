import type { EngagementStore, MetricsSink, SuppressionReason } from '../../ports/engagement-store.ts';
import type { EngagementConfig } from '../config/engagement.ts';
import { addCounters, zeroCounters } from './counters.ts';
import type { EngagementEvent } from './model.ts';
import { parseSesEvent } from './ses-event.ts';

export interface RecordDeps {
  readonly store: EngagementStore;
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

/**
 * Stores one SES event (idempotently, counters in the same transaction), suppresses the address
 * on a hard bounce or complaint and ends its enrolments, and pauses a sequence whose complaint
 * rate crossed the threshold. The follow-ups are idempotent and run for duplicates too, so a
 * retry completes whatever a failed first attempt left undone.
 */
export async function recordSesEvent(input: unknown, deps: RecordDeps): Promise<RecordOutcome> {
  const { store, config, metrics } = deps;
  const result = parseSesEvent(input, { machineOpenMs: config.machineOpenSeconds * 1_000 });
  if (!result.ok) return { kind: 'invalid', reason: result.reason };
  const { event, recipients, attributed } = result.parsed;
  const stored = await store.record(event);
  if (stored === 'recorded') metrics.count('EngagementEvents', 1, { type: event.type });

  const reason = suppressionReasonFor(event);
  const endedEnrolments: string[] = [];
  if (reason !== undefined) {
    for (const email of new Set(recipients)) {
      const customers = new Set(await store.customersByEmail(email));
      if (attributed) customers.add(event.customerId);
      await store.suppress(email, [...customers], reason, event.at);
      for (const customerId of customers)
        endedEnrolments.push(...(await store.endActiveEnrolments(customerId, reason, event.at)));
    }
  }

  let pausedSequence: string | undefined;
  if (event.type === 'complaint' && event.sequenceId !== undefined) {
    const totals = (await store.sequenceCounters(event.sequenceId)).reduce(
      (sum, step) => addCounters(sum, step.counters),
      zeroCounters(),
    );
    if (complaintRateExceeded(totals, config)) {
      const rate = ((totals.complained / totals.sent) * 100).toFixed(2);
      const paused = await store.pauseSequence(
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
