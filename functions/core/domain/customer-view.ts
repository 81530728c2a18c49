import type { ContactStatus, Customer, CustomerWithOrders, Incident, Order } from '../customers/model.ts';
import type { EngagementEvent } from './engagement-event.ts';
import type { Enrolment } from './enrolment.ts';
import type { AssignmentHistory, EnrolmentRecord } from './enrolment-state.ts';
import type { StoredScore } from './scoring.ts';
import type { SendRecord } from './send-record.ts';

/** A customer as the segmenter sees them. */
export interface CustomerSnapshot extends CustomerWithOrders {
  readonly enrolments: readonly Enrolment[];
}

/** Everything about one customer, from one Query of their partition. */
export interface CustomerView extends CustomerSnapshot {
  /** With how each ended (reason, time), for exits and the cooldown. */
  readonly enrolments: readonly EnrolmentRecord[];
  readonly sends: readonly SendRecord[];
  readonly incidents: readonly Incident[];
  readonly engagement: readonly EngagementEvent[];
  /** Unsubscribed, suppressed or paused; empty when we may write. */
  readonly status: ContactStatus;
}

/** Everything the segmenter needs about one customer, assembled from one partition. */
export interface CustomerRecord {
  readonly customer: Customer;
  readonly orders: readonly Order[];
  readonly incidents: readonly Incident[];
  /** Enrolments and hold-outs, oldest first, with how each ended and whether the customer responded. */
  readonly assignments: readonly AssignmentHistory[];
  readonly score?: StoredScore;
  /** Unsubscribed, suppressed or paused: never enrolled. */
  readonly status?: ContactStatus;
}
