import { createHash } from 'node:crypto';

/**
 * The one DynamoDB table, declared once: CDK (infra/constructs/data.ts), the local bootstrap
 * (functions/local/dynamodb-local.ts) and the adapters all read these names. Pure data, no SDK.
 *
 * Single-table design: every item about one customer shares the partition `CUSTOMER#<id>`, so the
 * send decision reads it all with one Query. See docs/architecture.md for the access patterns.
 */
export const customerTableDesign = {
  partitionKey: 'pk',
  sortKey: 'sk',
  timeToLiveAttribute: 'expiresAt',
  /** Overloaded index: email → customer, send ledger by state, message id → send. */
  index: { name: 'gsi1', partitionKey: 'gsi1pk', sortKey: 'gsi1sk' },
} as const;

/** Key builders: the only place item keys are spelled. Ids are validated to exclude `#`. */
export const keys = {
  customer: (customerId: string) => `CUSTOMER#${customerId}`,
  profile: () => 'PROFILE',
  /**
   * An order is its id: the same order exported with a date and with a date-time is one item.
   * Items written before were `ORDER#<placedAt>#<orderId>`; readers keep one per id (addOrder).
   */
  order: (orderId: string) => `ORDER#${orderId}`,
  /**
   * A Shopify order by its numeric id, by which a refund names it: the partition of the pointer to
   * the live order (`shopifyOrderPointer`) and of refunds that came before it (`pendingRefund`).
   * Live orders written before the pointer have it as their index entry instead.
   */
  shopifyOrder: (shopifyOrderId: string) => `SHOPIFY-ORDER#${shopifyOrderId}`,
  shopifyOrderPointer: () => 'ORDER',
  pendingRefund: (refundId: string) => `REFUND#${refundId}`,
  incident: (incidentId: string) => `INCIDENT#${incidentId}`,
  score: () => 'SCORE',
  enrolment: (enrolmentId: string) => `ENROLMENT#${enrolmentId}`,
  send: (enrolmentId: string, stepIndex: number) =>
    `SEND#${enrolmentId}#${String(stepIndex).padStart(3, '0')}`,
  status: () => 'STATUS',
  engagement: (at: number, eventId: string) => `EVENT#${String(at).padStart(15, '0')}#${eventId}`,
  emailIndex: (email: string) => `EMAIL#${email.toLowerCase()}`,
  /** A forgotten address: only its SHA-256 is kept, so it is never written to again. */
  forgottenEmail: (email: string) =>
    `FORGOTTEN#${createHash('sha256').update(email.toLowerCase()).digest('hex')}`,
  /** A forgotten customer id (ids may be addresses too): only its SHA-256 is kept. */
  forgottenCustomer: (customerId: string) =>
    `FORGOTTEN-CUSTOMER#${createHash('sha256').update(customerId).digest('hex')}`,
  sendState: (state: string) => `SENDSTATE#${state}`,
  message: (messageId: string) => `MESSAGE#${messageId}`,
  /** The partition of fitted models; one item per segmenter run. */
  models: () => 'MODEL',
  modelRun: (runId: string) => `RUN#${runId}`,
  /** Engagement counters of one sequence; `statsShards` items per step and segment, summed when read. */
  stats: (sequenceId: string) => `STATS#${sequenceId}`,
  statsStep: (stepIndex: number, segmentId: string, shard: number) =>
    `STEP#${String(stepIndex).padStart(3, '0')}#SEGMENT#${segmentId}#SHARD#${shard}`,
  /** Per message (enrolment, step) markers of the first open, click or reply, so counters count messages. */
  messageStats: (enrolmentId: string, stepIndex: number) =>
    `MSGSTATS#${enrolmentId}#${String(stepIndex).padStart(3, '0')}`,
  /** Under `emailIndex(email)`: the address stays suppressed whichever customer id it comes back with. */
  suppression: () => 'SUPPRESSION',
  sequence: (sequenceId: string) => `SEQUENCE#${sequenceId}`,
  paused: () => 'PAUSED',
  /** Events SES published about a message without our tags: kept, never counted. */
  unattributed: (messageId: string) => `UNATTRIBUTED#${messageId}`,
  /** Inbound mail that was not a reply we could attribute, by UTC day. */
  inbound: (day: string) => `INBOUND#${day}`,
  inboundMail: (mailId: string) => `MAIL#${mailId}`,
} as const;

/**
 * Every event of a step counts on its counters, so one item per step would be written by every
 * batch of a burst (thousands of deliveries minutes after a morning's sends): transactions on it
 * would conflict, and one item takes at most 1,000 writes a second. Each batch of events adds its
 * sums to one of this many shards, chosen by its first event; readers sum them.
 */
export const statsShards = 8;

/** The counter shard a batch of events writes to, from the id of its first event. */
export function statsShard(firstEventId: string): number {
  return createHash('sha256').update(firstEventId).digest().readUInt8(0) % statsShards;
}

export type KeyAttributeType = 'S' | 'N' | 'B';
