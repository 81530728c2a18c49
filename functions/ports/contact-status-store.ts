export type SuppressionReason = 'hard-bounce' | 'complaint' | 'manual';

/** An address's suppression: why and since when. */
export interface Suppression {
  readonly reason: SuppressionReason;
  readonly at: number;
}

/**
 * Whether a person may be written to: the address's suppression and each customer's contact status
 * (unsubscribed, suppressed, paused). Every rule keeps the first answer: a later bounce does not
 * rewrite a complaint, a second unsubscribe not the first one's time. Implemented over DynamoDB.
 */
export interface ContactStatusStore {
  /** Customer ids whose profile has this email (the email index, compared lower-cased), each once. */
  customersByEmail(email: string): Promise<string[]>;
  /** Suppresses the address for good (global item) and on each customer's status item. */
  suppress(
    email: string,
    customerIds: readonly string[],
    reason: SuppressionReason,
    at: number,
  ): Promise<void>;
  /**
   * The suppression of an address, if any (a forgotten address reads as suppressed); the sender
   * checks it for re-imported customers.
   */
  suppressionOf(email: string): Promise<Suppression | undefined>;
  /** Marks the customer unsubscribed; the first time wins and is returned, so retries agree on it. */
  unsubscribe(customerId: string, at: number): Promise<number>;
  /** Pauses all email to the customer until `until`. */
  pauseContact(customerId: string, until: number, at: number): Promise<void>;
}
