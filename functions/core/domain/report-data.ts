import type { StepCounters } from './counters.ts';

/** Everything the report reads, from one pass over the table. */
export interface ReportData {
  readonly assignments: readonly {
    readonly customerId: string;
    readonly enrolmentId: string;
    readonly sequenceId: string;
    readonly segmentId: string;
    readonly enrolledAt: number;
    readonly state: string;
    readonly endedAt?: number;
    readonly exitReason?: string;
    /**
     * The purchases the model predicted for the customer when they were assigned (before any email):
     * the covariate of the adjusted lift.
     */
    readonly predictedPurchases?: number;
  }[];
  /** Per enrolment, the first response to any of its emails (a person's open, a content click, a reply). */
  readonly responses?: readonly { readonly enrolmentId: string; readonly respondedAt: number }[];
  /** The time of each customer's first email per enrolment (sent sends only). */
  readonly firstSends: readonly { readonly enrolmentId: string; readonly sentAt: number }[];
  /** Every email sent, per enrolment and step: for returns per step and the weekly trend. */
  readonly sends?: readonly {
    readonly enrolmentId: string;
    readonly stepIndex: number;
    readonly sentAt: number;
  }[];
  /** Orders as imported, refunded and cancelled ones too (the report leaves them out). */
  readonly orders: readonly {
    readonly customerId: string;
    readonly placedAt: number;
    readonly amount: number;
    /** ISO 4217; absent: the shop's one currency. */
    readonly currency?: string;
    readonly status?: 'paid' | 'partially_refunded' | 'refunded' | 'cancelled' | 'voided';
    readonly refundedAmount?: number;
  }[];
  readonly counters: readonly StepCounters[];
}
