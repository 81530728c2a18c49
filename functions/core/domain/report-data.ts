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
  }[];
  /** Per enrolment, the first response to any of its emails (a person's open, a content click, a reply). */
  readonly responses?: readonly { readonly enrolmentId: string; readonly respondedAt: number }[];
  /** The time of each customer's first email per enrolment (sent sends only). */
  readonly firstSends: readonly { readonly enrolmentId: string; readonly sentAt: number }[];
  readonly orders: readonly { readonly customerId: string; readonly placedAt: number }[];
  readonly counters: readonly StepCounters[];
}
