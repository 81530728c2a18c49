/**
 * What SES tracked in one email as it went out. `noTrackedLinks`: clicks were configured, but the
 * email had no link SES tracks (its only link the never-tracked unsubscribe link), so they were off.
 */
export interface SentTracking {
  readonly opens: boolean;
  readonly clicks: boolean;
  readonly noTrackedLinks?: boolean;
}

/**
 * The ledger entry of one (enrolment, step): claimed before sending, confirmed after. `skipped`:
 * the step's condition did not hold, so it was passed over (written once, like a claim).
 */
export interface SendRecord {
  readonly enrolmentId: string;
  readonly stepIndex: number;
  readonly customerId: string;
  readonly sequenceId: string;
  readonly stepId: string;
  readonly state: 'claimed' | 'sent' | 'failed' | 'skipped';
  readonly claimedAt: number;
  readonly sentAt?: number;
  readonly messageId?: string;
  readonly templateId?: string;
  readonly locale?: string;
  /** Updates from the feed this email showed, so the next email moves on to others. */
  readonly updateIds?: readonly string[];
  /** What SES tracked in the email; absent on records written before it was kept. */
  readonly tracking?: SentTracking;
  readonly error?: string;
}
