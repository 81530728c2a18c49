/** What the provider tracks in one email: opens (a pixel), clicks (links through a redirect). */
export interface EmailTracking {
  readonly opens: boolean;
  readonly clicks: boolean;
}

/** One email ready to go: rendered content, headers and the tags SES events will carry back. */
export interface OutgoingEmail {
  readonly from: string;
  readonly to: string;
  readonly replyTo?: readonly string[];
  readonly subject: string;
  readonly html: string;
  readonly text: string;
  readonly headers: readonly { name: string; value: string }[];
  readonly tags: Readonly<Record<string, string>>;
  /** @default - nothing tracked (a forwarded reply, a test send) */
  readonly tracking?: EmailTracking;
}

export interface Mailer {
  /** Sends one email; resolves with the provider's message id or throws MailerError. */
  send(email: OutgoingEmail): Promise<{ messageId: string }>;
}
