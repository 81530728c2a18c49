import type { StepCounters } from '../core/domain/counters.ts';
import type { EngagementEvent } from '../core/domain/engagement-event.ts';
import type { InboundRecord } from '../core/domain/inbound-record.ts';
import type { ReportData } from '../core/domain/report-data.ts';

export type SuppressionReason = 'hard-bounce' | 'complaint' | 'manual';

/**
 * The engagement side of the table: events with their counters, contact status and suppression,
 * sequence pauses and rejected inbound mail (enrolments end through the EnrolmentStore). Implemented over DynamoDB.
 */
export interface EngagementStore {
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
  /** Customer ids whose profile has this email (the email index). */
  customersByEmail(email: string): Promise<string[]>;
  /** Suppresses the address for good (global item) and on each customer's status item. */
  suppress(
    email: string,
    customerIds: readonly string[],
    reason: SuppressionReason,
    at: number,
  ): Promise<void>;
  /** The global suppression of an address, if any; the sender checks it for re-imported customers. */
  suppressionOf(email: string): Promise<{ reason: SuppressionReason; at: number } | undefined>;
  /** Marks the customer unsubscribed; the first time wins and is returned, so retries agree on it. */
  unsubscribe(customerId: string, at: number): Promise<number>;
  /** Pauses all email to the customer until `until`. */
  pauseContact(customerId: string, until: number, at: number): Promise<void>;
  /** Counters of every step and segment of one sequence. */
  sequenceCounters(sequenceId: string): Promise<StepCounters[]>;
  /** Pauses the sequence; false if it already was. */
  pauseSequence(sequenceId: string, reason: string, at: number): Promise<boolean>;
  /** Lifts a pause once someone has looked into the complaints; true if there was one. */
  resumeSequence(sequenceId: string): Promise<boolean>;
  /** The pause of a sequence, if any. */
  sequencePause(sequenceId: string): Promise<{ reason: string; at: number } | undefined>;
  /**
   * What the sender checks outside the customer's partition before each send, in one read: the
   * address's suppression (`suppressionOf`) and the sequence's pause (`sequencePause`).
   */
  sendGuard(email: string, sequenceId: string): Promise<SendGuard>;
  /** Keeps a record of inbound mail that was not a reply; writing it twice is harmless. */
  recordInbound(record: InboundRecord): Promise<void>;
  /** One pass over the table for the report. */
  loadReportData(): Promise<ReportData>;
}

/** Why a send may not go ahead although the customer's own items allow it. */
export interface SendGuard {
  readonly suppression?: { readonly reason: SuppressionReason; readonly at: number };
  readonly pause?: { readonly reason: string; readonly at: number };
}
