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

/** Which of the customer ids and addresses asked about were erased on request. */
export interface Forgotten {
  readonly customerIds: ReadonlySet<string>;
  readonly emails: ReadonlySet<string>;
}

/**
 * The tombstones of erased people, read by every path that would write about a person again (an
 * old unsubscribe link, a late reply, a late SES event): a forgotten person is never re-created.
 */
export interface ForgottenRegister {
  /** Which of these were forgotten; addresses are compared case-insensitively. */
  forgotten(refs: {
    readonly customerIds?: readonly string[];
    readonly emails?: readonly string[];
  }): Promise<Forgotten>;
}

/** Erasure on request (GDPR art. 17): everything about a person, found by their email. */
export interface PrivacyStore extends ForgottenRegister {
  /**
   * Deletes every item of every customer with this email, the records of refused inbound mail from
   * the address or about those customers, and the raw mails of both, and leaves only hashed
   * tombstones of the address and of each customer id, so neither is ever written to again. Idempotent.
   */
  forgetEmail(email: string, at: number): Promise<ForgetReport>;
}
