/**
 * Why a send failed, in the provider's terms translated once (by its adapter), so the core knows
 * no provider's error names:
 * - `throttled`: slow down; nothing went out; the same send works minutes later.
 * - `paused`: the provider refuses every send until a person acts (account or set paused, suspended).
 * - `rejected`: this message is refused for good (address, content, identity); nothing went out.
 * - `unavailable`: the provider failed; nothing went out; trying again later may work.
 * - `unknown`: the call broke off; the email may or may not have gone out.
 */
export type MailerErrorKind = 'throttled' | 'paused' | 'rejected' | 'unavailable' | 'unknown';

/** The send failed, and why (see {@link MailerErrorKind}). */
export class MailerError extends Error {
  override readonly name = 'MailerError';
  constructor(
    message: string,
    readonly kind: MailerErrorKind,
    options?: { cause?: unknown },
  ) {
    super(message, options);
  }

  /** Trying again later may succeed. */
  get retryable(): boolean {
    return this.kind !== 'rejected' && this.kind !== 'paused';
  }

  /** 'no' when the provider answered with an error (nothing went out), 'unknown' when the call broke off. */
  get delivered(): 'no' | 'unknown' {
    return this.kind === 'unknown' ? 'unknown' : 'no';
  }
}
