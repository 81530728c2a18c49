import * as z from 'zod';
import { CustomerSchema, OrderSchema } from '../../customers/model.ts';
import { shopifyOrderStatus } from '../shopify-order-status.ts';
import type { LiveChange, ParsedLive } from './live-change.ts';
import { accepted, header, hmacBase64, refused, sameSecret, type Verdict } from './signatures.ts';

/**
 * Shopify webhooks, over HTTPS or through Shopify's Amazon EventBridge delivery, read from the
 * payloads of Shopify's webhook reference (REST resources: Order, Refund, Customer; the mandatory
 * privacy topics). Customers are keyed by lower-cased email and orders by their name without `#`,
 * as the Shopify export presets key them, so live data and imported files are the same records.
 */

/** The topics Rekindle subscribes to; any other is refused (it was not asked for). */
export const shopifyTopics = [
  'orders/create',
  'orders/updated',
  'orders/cancelled',
  'refunds/create',
  'customers/create',
  'customers/update',
  'customers/redact',
  'customers/data_request',
  'shop/redact',
] as const;
export type ShopifyTopic = (typeof shopifyTopics)[number];
const isTopic = (topic: string): topic is ShopifyTopic =>
  (shopifyTopics as readonly string[]).includes(topic);

/** Headers Shopify sends with every webhook (names as Shopify writes them; compared case-insensitively). */
export const ShopifyHeaders = {
  hmac: 'X-Shopify-Hmac-Sha256',
  topic: 'X-Shopify-Topic',
  webhookId: 'X-Shopify-Webhook-Id',
  shopDomain: 'X-Shopify-Shop-Domain',
  triggeredAt: 'X-Shopify-Triggered-At',
} as const;

/**
 * Whether an HTTPS webhook is Shopify's: `X-Shopify-Hmac-Sha256` is the base64 HMAC-SHA256 of the
 * raw body under the app's client secret, compared in constant time. The body must be the bytes
 * as received: parsed and serialized again, it would no longer match.
 */
export function verifyShopifyWebhook(
  headers: Readonly<Record<string, string | undefined>>,
  body: Buffer,
  secret: string,
): Verdict {
  const given = header(headers, ShopifyHeaders.hmac);
  if (given === undefined || given === '')
    return refused(`no ${ShopifyHeaders.hmac} header: not signed by Shopify`);
  if (!sameSecret(given, hmacBase64(secret, body)))
    return refused(`${ShopifyHeaders.hmac} does not match the body: altered, or signed with another secret`);
  return accepted;
}

const money = z.union([z.string(), z.number()]).transform((value) => Number(value));
const emailOrNull = z.string().nullish();

const TransactionsSchema = z
  .array(z.object({ kind: z.string(), status: z.string().nullish(), amount: money }))
  .default([]);

/** What went back in `transactions`: the successful ones of kind `refund`. */
const refundedBy = (transactions: z.infer<typeof TransactionsSchema>) =>
  transactions
    .filter((transaction) => transaction.kind === 'refund' && (transaction.status ?? 'success') === 'success')
    .reduce((sum, transaction) => sum + Math.abs(transaction.amount), 0);

const RefundSchema = z.object({ id: z.number().nullish(), transactions: TransactionsSchema });

/** A Shopify time (ISO 8601 with offset) as epoch ms, or undefined when it is none. */
const shopifyTime = z
  .string()
  .transform((text) => Date.parse(text))
  .refine((ms) => !Number.isNaN(ms), { message: 'expected an ISO 8601 date-time' });

/** The fields of Shopify's Order resource that Rekindle reads (orders/create, updated, cancelled). */
export const ShopifyOrderSchema = z.object({
  id: z.number(),
  name: z.string(),
  email: emailOrNull,
  contact_email: emailOrNull,
  created_at: z.string(),
  currency: z.string(),
  total_price: money,
  financial_status: z.string().nullish(),
  cancelled_at: z.string().nullish(),
  /** Which of two deliveries of one order is newer: webhooks and EventBridge do not keep their order. */
  updated_at: shopifyTime.nullish(),
  customer: z.object({ email: emailOrNull }).nullish(),
  refunds: z.array(RefundSchema).default([]),
});

/** Shopify's Customer resource (customers/create, customers/update). */
export const ShopifyCustomerSchema = z.object({
  id: z.number(),
  email: emailOrNull,
  first_name: z.string().nullish(),
  /** Since API 2022-04; `accepts_marketing` before. */
  email_marketing_consent: z.object({ state: z.string() }).nullish(),
  accepts_marketing: z.boolean().nullish(),
  /** Which of two deliveries of one customer is newer, so a late update cannot restore old consent. */
  updated_at: shopifyTime.nullish(),
});

/** refunds/create (REST resource Refund): it names its order by Shopify's numeric id only. */
export const ShopifyRefundSchema = z.object({
  id: z.number(),
  order_id: z.number(),
  created_at: shopifyTime.nullish(),
  transactions: TransactionsSchema,
});

const PrivacyCustomerSchema = z.object({ id: z.number().nullish(), email: emailOrNull });
export const CustomersRedactSchema = z.object({ shop_domain: z.string(), customer: PrivacyCustomerSchema });
export const CustomersDataRequestSchema = z.object({
  shop_domain: z.string(),
  customer: PrivacyCustomerSchema,
  data_request: z.object({ id: z.union([z.number(), z.string()]) }),
});
export const ShopRedactSchema = z.object({ shop_domain: z.string() });

const consentOf = (customer: z.infer<typeof ShopifyCustomerSchema>) => {
  const state = customer.email_marketing_consent?.state;
  if (state === 'subscribed') return 'granted';
  if (state === 'unsubscribed') return 'withdrawn';
  if (state === undefined && customer.accepts_marketing === true) return 'granted';
  return 'unknown';
};

const problem = (topic: string, error: z.ZodError) =>
  `${topic} payload is invalid: ${z.prettifyError(error)}`;

function order(topic: string, payload: unknown): ParsedLive {
  const parsed = ShopifyOrderSchema.safeParse(payload);
  if (!parsed.success) return { ok: false, reason: problem(topic, parsed.error) };
  const source = parsed.data;
  const orderId = source.name.startsWith('#') ? source.name.slice(1) : source.name;
  const email = (source.email || source.customer?.email || source.contact_email || '').trim().toLowerCase();
  if (email === '')
    return {
      ok: true,
      id: orderId,
      change: { kind: 'ignored', reason: `order ${source.name} has no email: nobody to key it by` },
    };
  const financial = (source.financial_status ?? 'paid').toLowerCase();
  const status = shopifyOrderStatus(financial, source.cancelled_at != null);
  if (status === undefined)
    return { ok: false, reason: `${topic}: financial_status "${financial}" is not one Shopify documents` };
  const refunded = refundedBy(source.refunds.flatMap((refund) => refund.transactions));
  const ours = OrderSchema.safeParse({
    orderId,
    customerId: email,
    placedAt: source.created_at,
    amount: source.total_price,
    status,
    currency: source.currency,
    ...(refunded > 0 ? { refundedAmount: Math.min(refunded, source.total_price) } : {}),
  });
  if (!ours.success) return { ok: false, reason: problem(topic, ours.error) };
  if (source.updated_at == null)
    return { ok: true, id: orderId, change: { kind: 'order', order: ours.data } };
  const version = {
    updatedAt: source.updated_at,
    shopifyOrderId: String(source.id),
    refundIds: source.refunds.flatMap((refund) => (refund.id == null ? [] : [String(refund.id)])),
  };
  return { ok: true, id: orderId, change: { kind: 'order', order: ours.data, version } };
}

/** refunds/create: the refund, counted on the order a live event wrote with this Shopify id. */
function refund(topic: string, payload: unknown): ParsedLive {
  const parsed = ShopifyRefundSchema.safeParse(payload);
  if (!parsed.success) return { ok: false, reason: problem(topic, parsed.error) };
  const source = parsed.data;
  return {
    ok: true,
    id: String(source.id),
    change: {
      kind: 'refund',
      refund: {
        shopifyOrderId: String(source.order_id),
        refundId: String(source.id),
        amount: refundedBy(source.transactions),
        at: source.created_at ?? 0,
      },
    },
  };
}

function customer(topic: string, payload: unknown): ParsedLive {
  const parsed = ShopifyCustomerSchema.safeParse(payload);
  if (!parsed.success) return { ok: false, reason: problem(topic, parsed.error) };
  const email = (parsed.data.email ?? '').trim();
  const id = String(parsed.data.id);
  if (email === '')
    return {
      ok: true,
      id,
      change: { kind: 'ignored', reason: `customer ${id} has no email: nobody to write to` },
    };
  const ours = CustomerSchema.safeParse({
    customerId: email.toLowerCase(),
    email,
    firstName: parsed.data.first_name ?? '',
    consent: consentOf(parsed.data),
  });
  if (!ours.success) return { ok: false, reason: problem(topic, ours.error) };
  const updatedAt = parsed.data.updated_at;
  return {
    ok: true,
    id,
    change: {
      kind: 'customer',
      customer: ours.data,
      ...(updatedAt == null ? {} : { version: { updatedAt } }),
    },
  };
}

/**
 * A webhook's payload as our change. Orders and customers carry `updated_at` as their version, so a
 * late delivery never overwrites a newer state (a withdrawn consent stays withdrawn). `refunds/create` names the order by Shopify's numeric id, which
 * orders written by a live event keep (the export's have only the name): the refund is counted on
 * such an order; any other gets it through the `orders/updated` Shopify sends with it.
 */
export function readShopifyWebhook(topic: string, payload: unknown): ParsedLive {
  if (!isTopic(topic))
    return {
      ok: false,
      reason: `topic "${topic}" is not one Rekindle subscribes to: ${shopifyTopics.join(', ')}`,
    };
  switch (topic) {
    case 'orders/create':
    case 'orders/updated':
    case 'orders/cancelled':
      return order(topic, payload);
    case 'customers/create':
    case 'customers/update':
      return customer(topic, payload);
    case 'refunds/create':
      return refund(topic, payload);
    case 'customers/redact': {
      const parsed = CustomersRedactSchema.safeParse(payload);
      if (!parsed.success) return { ok: false, reason: problem(topic, parsed.error) };
      const email = (parsed.data.customer.email ?? '').trim().toLowerCase();
      const id = String(parsed.data.customer.id ?? 'unknown');
      if (email === '')
        return {
          ok: true,
          id,
          change: {
            kind: 'ignored',
            reason: 'no email: Rekindle keys people by email and holds nothing else',
          },
        };
      return { ok: true, id, change: { kind: 'erase', email } };
    }
    case 'customers/data_request': {
      const parsed = CustomersDataRequestSchema.safeParse(payload);
      if (!parsed.success) return { ok: false, reason: problem(topic, parsed.error) };
      const email = (parsed.data.customer.email ?? '').trim().toLowerCase();
      const requestId = String(parsed.data.data_request.id);
      return {
        ok: true,
        id: requestId,
        change: { kind: 'data-request', requestId, customerId: email, email, source: 'shopify' },
      };
    }
    case 'shop/redact': {
      const parsed = ShopRedactSchema.safeParse(payload);
      if (!parsed.success) return { ok: false, reason: problem(topic, parsed.error) };
      return {
        ok: true,
        id: parsed.data.shop_domain,
        change: { kind: 'shop-redact', shop: parsed.data.shop_domain },
      };
    }
  }
}

/** Shopify's EventBridge delivery: detail-type `shopifyWebhook`, the headers under `metadata`, the payload under `payload`. */
export const ShopifyEventDetailSchema = z.object({
  metadata: z.record(z.string(), z.string()),
  payload: z.unknown(),
});
export const shopifyEventDetailType = 'shopifyWebhook';

/** An EventBridge delivery as our change (no HMAC: EventBridge delivers only the partner source's events). */
export function readShopifyEvent(detail: unknown): ParsedLive {
  const parsed = ShopifyEventDetailSchema.safeParse(detail);
  if (!parsed.success)
    return { ok: false, reason: `shopifyWebhook detail is invalid: ${z.prettifyError(parsed.error)}` };
  const topic = header(parsed.data.metadata, ShopifyHeaders.topic);
  if (topic === undefined)
    return { ok: false, reason: `shopifyWebhook detail has no metadata.${ShopifyHeaders.topic}` };
  return readShopifyWebhook(topic, parsed.data.payload);
}

export type { LiveChange };
