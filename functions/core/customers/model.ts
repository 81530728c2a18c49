import * as z from 'zod';
import { isTimeZone } from '../time-zone.ts';
import { cleanLine, cleanNote } from './clean-text.ts';

// The object schemas are built on first use (z.lazy): every function bundles this module, but most
// parse none of them, and building them all cost each cold start about a hundred zod schemas.

/** Ids become parts of DynamoDB keys, so `#` (the key separator) and control characters are refused. */
export const EntityIdSchema = z.lazy(() =>
  z
    .string()
    .trim()
    .min(1, 'is empty')
    .max(128, 'is longer than 128 characters')
    .regex(/^[^#\p{Cc}]+$/u, 'may not contain "#" or control characters'),
);

const IsoDateOrInstantSchema = z.lazy(() =>
  z.union(
    [
      z.iso.date(),
      z.iso.datetime({
        offset: true,
        message: 'expected an ISO 8601 date-time such as 2026-03-01T09:30:00Z',
      }),
    ],
    { message: 'expected a date (2026-03-01) or an ISO 8601 date-time' },
  ),
);

export const CustomerSchema = z.lazy(() =>
  z.strictObject({
    customerId: EntityIdSchema,
    email: z.email('is not a valid email address').transform((email) => email.toLowerCase()),
    // Cleaned before the length check: controls and bidi overrides never reach an email (clean-text.ts).
    firstName: z.string().transform(cleanLine).pipe(z.string().max(200)).default(''),
    locale: z
      .string()
      .regex(/^[a-z]{2,3}(-[A-Za-z0-9]{2,8})*$/, 'expected a language tag such as "en" or "hi-IN"')
      .default('en'),
    timeZone: z.string().refine(isTimeZone, 'is not an IANA time zone such as "Asia/Kolkata"').optional(),
    consent: z.enum(['granted', 'withdrawn', 'unknown']).default('unknown'),
  }),
);
export type Customer = z.infer<typeof CustomerSchema>;

/** What became of an order: only `paid` and `partially_refunded` ones count as purchases. */
export const OrderStatusSchema = z.enum(['paid', 'refunded', 'partially_refunded', 'cancelled', 'voided'], {
  message: 'expected paid, refunded, partially_refunded, cancelled or voided',
});
export type OrderStatus = z.infer<typeof OrderStatusSchema>;

/** An ISO 4217 code; lower case (as Stripe writes it) is accepted and upper-cased. */
export const CurrencySchema = z.lazy(() =>
  z
    .string()
    .trim()
    .toUpperCase()
    .regex(/^[A-Z]{3}$/, 'expected an ISO 4217 currency code such as "EUR"'),
);

const amountSchema = z.lazy(() => z.coerce.number().nonnegative('may not be negative').finite());

export const OrderSchema = z.lazy(() =>
  z
    .strictObject({
      orderId: EntityIdSchema,
      customerId: EntityIdSchema,
      placedAt: IsoDateOrInstantSchema.transform((text) => new Date(text).toISOString()),
      amount: amountSchema.default(0),
      /** Absent means paid: files and items from before statuses existed hold only paid orders. */
      status: OrderStatusSchema.optional(),
      /** Absent when the shop's files name none; amounts in different currencies are never summed. */
      currency: CurrencySchema.optional(),
      /** What was given back, in the order's currency (a partial refund leaves `amount - refundedAmount`). */
      refundedAmount: amountSchema.optional(),
    })
    .refine((order) => order.refundedAmount === undefined || order.refundedAmount <= order.amount + 1e-9, {
      path: ['refundedAmount'],
      message: 'may not be more than the amount',
    }),
);
export type Order = z.infer<typeof OrderSchema>;

/** Whether an order counts as a purchase: refunded, cancelled and voided orders do not. */
export const isPurchase = (order: Pick<Order, 'status'>): boolean =>
  order.status === undefined || order.status === 'paid' || order.status === 'partially_refunded';

/** The orders that count as purchases (see isPurchase), in their order. */
export const purchasesOf = <T extends Pick<Order, 'status'>>(orders: readonly T[]): T[] =>
  orders.filter(isPurchase);

/** What the shop kept of an order: the amount less any refund. */
export const keptAmount = (order: Pick<Order, 'amount' | 'refundedAmount'>): number =>
  Math.max(0, order.amount - (order.refundedAmount ?? 0));

/**
 * The kept amount of `orders`' purchases, or undefined when they are in more than one currency:
 * a sum of euros and dollars means nothing. An order without a currency is in the shop's one.
 */
export function purchaseTotal(
  orders: readonly Pick<Order, 'amount' | 'refundedAmount' | 'status' | 'currency'>[],
): number | undefined {
  let total = 0;
  const currencies = new Set<string>();
  for (const order of orders) {
    if (!isPurchase(order)) continue;
    currencies.add(order.currency ?? '');
    total += keptAmount(order);
  }
  return currencies.size > 1 ? undefined : total;
}

export const IncidentKindSchema = z.enum([
  'damaged',
  'late',
  'wrong_item',
  'refund_delay',
  'billing',
  'outage',
  'support',
  'other',
]);
export type IncidentKind = z.infer<typeof IncidentKindSchema>;

/**
 * `tag` as Intl writes it (`hi-in` → `hi-IN`), or undefined when it is not a language tag with a
 * two- or three-letter language (Intl alone would take "Hindi" for a language).
 */
export function canonicalLocale(tag: string): string | undefined {
  if (!/^[a-z]{2,3}(-[a-z0-9]{1,8})*$/i.test(tag)) return undefined;
  try {
    return Intl.getCanonicalLocales(tag)[0];
  } catch {
    return undefined;
  }
}

/** The resolution note in other languages, keyed by language tag: `{ hi: "…", "si-LK": "…" }`. */
const ResolutionsSchema = z.lazy(() =>
  z
    .record(z.string(), z.string().transform(cleanNote).pipe(z.string().min(1, 'is empty').max(2_000)))
    .superRefine((texts, ctx) => {
      const seen = new Map<string, string>();
      for (const tag of Object.keys(texts)) {
        const canonical = canonicalLocale(tag);
        if (canonical === undefined)
          ctx.addIssue({
            code: 'custom',
            path: [tag],
            message: 'is not a language tag such as "hi" or "si-LK"',
          });
        else if (seen.has(canonical))
          ctx.addIssue({
            code: 'custom',
            path: [tag],
            message: `is the same language as "${seen.get(canonical)}"`,
          });
        else seen.set(canonical, tag);
      }
    })
    .transform((texts) =>
      Object.fromEntries(Object.entries(texts).map(([tag, text]) => [canonicalLocale(tag) ?? tag, text])),
    ),
);

/** A past problem the customer had: what the emails must own up to. */
export const IncidentSchema = z.lazy(() =>
  z.strictObject({
    incidentId: EntityIdSchema,
    customerId: EntityIdSchema,
    kind: IncidentKindSchema,
    occurredAt: IsoDateOrInstantSchema.transform((text) => new Date(text).toISOString()),
    orderId: EntityIdSchema.optional(),
    resolvedAt: IsoDateOrInstantSchema.transform((text) => new Date(text).toISOString()).optional(),
    /** What the shop did about it, in the shop's default language. */
    resolution: z.string().transform(cleanNote).pipe(z.string().max(2_000)).optional(),
    /** The same note in other languages; an email in a language without one says it generically. */
    resolutions: ResolutionsSchema.optional(),
    ticketOpen: z
      .union([z.boolean(), z.enum(['true', 'false']).transform((text) => text === 'true')])
      .default(false),
  }),
);
export type Incident = z.infer<typeof IncidentSchema>;

/**
 * Whether we may write to this customer at all. Set by engagement (unsubscribe, hard bounce,
 * complaint, "pause for 3 months") and read by the sender before every step.
 */
export const ContactStatusSchema = z.lazy(() =>
  z.object({
    unsubscribedAt: z.number().optional(),
    suppressedAt: z.number().optional(),
    suppressionReason: z.enum(['hard-bounce', 'complaint', 'manual']).optional(),
    pausedUntil: z.number().optional(),
  }),
);
export type ContactStatus = z.infer<typeof ContactStatusSchema>;

/** A customer with the order history the segmenter needs. */
export interface CustomerWithOrders {
  readonly customer: Customer;
  readonly orders: readonly Order[];
}
