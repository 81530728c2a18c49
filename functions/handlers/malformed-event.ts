/**
 * An event (the shop's own, or Shopify's or Stripe's through EventBridge) cannot be stored as it
 * is. Thrown, not swallowed: the invocation fails, Lambda's asynchronous retries run out (a bad
 * event stays bad), and the event lands on its dead-letter queue whole, with this message, for
 * someone to fix and replay. A module of its own, so that the live handlers do not load the shop
 * event schemas with it.
 */
export class MalformedEventError extends Error {
  override readonly name = 'MalformedEventError';
}
