import type { DeferralCause } from '../core/domain/counters.ts';

/** The (sequence, step, segment) a deferral is counted under. */
export interface DeferralKey {
  readonly sequenceId: string;
  readonly stepIndex: number;
  readonly segmentId: string;
}

/**
 * Counts the due steps the sender held back, by cause, beside the step's other counters, so the
 * report can say what a window, a cap or a pause held back. Implemented by the engagement ledger,
 * the one writer of the step counters.
 */
export interface DeferralCounter {
  countDeferral(key: DeferralKey, cause: DeferralCause): Promise<void>;
}
