import type { StepCounters } from '../../functions/core/domain/counters.ts';
import {
  type Counters,
  counterEffect,
  type DeferralCause,
  deferralCounter,
  zeroCounters,
} from '../../functions/core/domain/counters.ts';
import type { EngagementEvent } from '../../functions/core/domain/engagement-event.ts';
import type { DeferralCounter, DeferralKey } from '../../functions/ports/deferral-counter.ts';
import type { EngagementLedger } from '../../functions/ports/engagement-ledger.ts';

/**
 * The EngagementLedger in memory, with the DynamoDB ledger's rules: an event is keyed by its
 * customer (or, without one, its message), time and id; only an attributed event with its message's
 * tags counts, and a first-of-kind counter once per message.
 */
export class MemoryEngagementLedger implements EngagementLedger, DeferralCounter {
  readonly events = new Map<string, EngagementEvent>();
  /** Each message's first-of-kind markers, with the time of the event that set each. */
  readonly markers = new Map<
    string,
    { readonly enrolmentId: string; readonly marker: string; readonly at: number }
  >();
  readonly counters = new Map<string, StepCounters>();

  async recordAll(events: readonly EngagementEvent[]): Promise<('recorded' | 'duplicate')[]> {
    const outcomes: ('recorded' | 'duplicate')[] = [];
    for (const event of events) outcomes.push(await this.record(event));
    return outcomes;
  }

  async record(event: EngagementEvent): Promise<'recorded' | 'duplicate'> {
    const owner =
      event.customerId === 'unknown' ? `unattributed:${event.messageId ?? 'none'}` : event.customerId;
    const key = `${owner}|${event.at}|${event.eventId}`;
    if (this.events.has(key)) return 'duplicate';
    this.events.set(key, event);
    const { sequenceId, stepIndex, enrolmentId } = event;
    if (
      event.customerId === 'unknown' ||
      sequenceId === undefined ||
      stepIndex === undefined ||
      enrolmentId === undefined
    )
      return 'recorded';
    const effect = counterEffect(event);
    const names = [...effect.always];
    const marker = `${event.customerId}|${enrolmentId}|${stepIndex}|${effect.first?.marker}`;
    if (effect.first !== undefined && !this.markers.has(marker)) {
      this.markers.set(marker, { enrolmentId, marker: effect.first.marker, at: event.at });
      names.push(...effect.first.counters);
    }
    if (names.length === 0) return 'recorded';
    const segmentId = event.segmentId ?? 'unknown';
    const counterKey = `${sequenceId}|${stepIndex}|${segmentId}`;
    const current = this.counters.get(counterKey);
    const next: Record<keyof Counters, number> = { ...(current?.counters ?? zeroCounters()) };
    for (const name of names) next[name] += 1;
    const stepId = current?.stepId ?? event.stepId;
    this.counters.set(counterKey, {
      sequenceId,
      stepIndex,
      segmentId,
      ...(stepId === undefined ? {} : { stepId }),
      counters: next,
    });
    return 'recorded';
  }

  async sequenceCounters(sequenceId: string): Promise<StepCounters[]> {
    return [...this.counters.values()].filter((item) => item.sequenceId === sequenceId);
  }

  async countDeferral(key: DeferralKey, cause: DeferralCause): Promise<void> {
    const counterKey = `${key.sequenceId}|${key.stepIndex}|${key.segmentId}`;
    const current = this.counters.get(counterKey);
    const next: Record<keyof Counters, number> = { ...(current?.counters ?? zeroCounters()) };
    next[deferralCounter[cause]] += 1;
    this.counters.set(counterKey, { ...(current ?? key), counters: next });
  }
}
