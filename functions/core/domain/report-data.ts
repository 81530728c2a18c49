import type { Order } from '../customers/model.ts';
import type { StepCounters } from './counters.ts';
import type { SentTracking } from './send-record.ts';

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
  /**
   * Every email sent, per enrolment and step: for returns per step, the weekly trend and whether
   * opens and clicks could be counted.
   */
  readonly sends?: readonly {
    readonly enrolmentId: string;
    readonly stepIndex: number;
    readonly sentAt: number;
    /** What SES tracked in it; absent on emails sent before it was recorded (the config then says). */
    readonly tracking?: SentTracking;
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

export type ReportAssignment = ReportData['assignments'][number];
export type ReportOrder = ReportData['orders'][number];

/** What the report keeps of an enrolment or hold-out, whatever else its store holds. */
export function reportAssignment(assignment: ReportAssignment): ReportAssignment {
  const { customerId, enrolmentId, sequenceId, segmentId, enrolledAt, state } = assignment;
  const { endedAt, exitReason, predictedPurchases } = assignment;
  return {
    customerId,
    enrolmentId,
    sequenceId,
    segmentId,
    enrolledAt,
    state,
    ...(endedAt === undefined ? {} : { endedAt }),
    ...(exitReason === undefined ? {} : { exitReason }),
    ...(predictedPurchases === undefined ? {} : { predictedPurchases }),
  };
}

/** What the report keeps of an order: every order, refunded and cancelled ones too, with its status. */
export function reportOrder(
  order: Pick<Order, 'customerId' | 'placedAt' | 'amount' | 'currency' | 'status' | 'refundedAmount'>,
): ReportOrder {
  const { customerId, placedAt, amount, currency, status, refundedAmount } = order;
  return {
    customerId,
    placedAt: Date.parse(placedAt),
    amount,
    ...(currency === undefined ? {} : { currency }),
    ...(status === undefined ? {} : { status }),
    ...(refundedAmount === undefined ? {} : { refundedAmount }),
  };
}
