/** Inbound mail that did not become a reply (forged token, broken MIME, too big, auto-reply…). */
export interface InboundRecord {
  /** SES's id for the received mail; the raw message is at `s3Key`. */
  readonly mailId: string;
  readonly receivedAt: number;
  readonly outcome: 'rejected' | 'auto-reply' | 'unattributed';
  readonly reason: string;
  readonly s3Key: string;
  readonly customerId?: string;
  readonly from?: string;
  readonly subject?: string;
}
