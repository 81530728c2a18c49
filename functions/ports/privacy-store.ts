/** What erasing one person removed. */
export interface ForgetReport {
  /** Customer ids that had this email. */
  readonly customerIds: readonly string[];
  /**
   * Table items deleted (profiles, orders, incidents, scores, enrolments, sends, engagement, status,
   * the address's suppression, and records of refused inbound mail from the address or its customers).
   */
  readonly itemsDeleted: number;
  /** Raw inbound mails (replies, and refused mail on record) deleted from the inbound bucket. */
  readonly rawMailsDeleted: number;
}

/** Erasure on request (GDPR art. 17): everything about a person, found by their email. */
export interface PrivacyStore {
  /**
   * Deletes every item of every customer with this email, the records of refused inbound mail from
   * the address or about those customers, and the raw mails of both, and leaves only a hashed
   * tombstone so the address is never written to again. Idempotent.
   */
  forgetEmail(email: string, at: number): Promise<ForgetReport>;
}
