import type { StepCounters } from '../core/domain/counters.ts';
import type { EngagementEvent } from '../core/domain/engagement-event.ts';

/**
 * The engagement ledger: each event once, each message's first-of-kind markers, and the counters
 * of every step and segment they add to. Implemented over DynamoDB.
 */
export interface EngagementLedger {
  /**
   * Stores the event and adds its counters in one transaction; a duplicate (same id) changes
   * nothing and returns 'duplicate'. Events without a customer are kept apart and not counted.
   */
  record(event: EngagementEvent): Promise<'recorded' | 'duplicate'>;
  /**
   * Stores a batch of events as `record` stores each, in as few writes as it can; the outcome of
   * each event in its place. An event twice in the batch is stored once (the second a duplicate).
   */
  recordAll(events: readonly EngagementEvent[]): Promise<('recorded' | 'duplicate')[]>;
  /** Counters of every step and segment of one sequence. */
  sequenceCounters(sequenceId: string): Promise<StepCounters[]>;
}
