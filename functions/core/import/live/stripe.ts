import * as z from 'zod';
import { CustomerSchema, canonicalLocale, OrderSchema } from '../../customers/model.ts';
import type { ParsedLive } from './live-change.ts';

/**
 * Stripe events through Stripe's Amazon EventBridge event destination: the detail is Stripe's
 * Event object (snapshot payload), its `data.object` a Charge or a Customer as in Stripe's API
 * reference. A charge is keyed by its id and its customer by `cus_…` id, else the billing email,
 * as the Stripe payments export preset keys them.
 */

export const stripeEventTypes = [
  'charge.succeeded',
  'charge.refunded',
  'customer.created',
  'customer.updated',
] as const;
export type StripeEventType = (typeof stripeEventTypes)[number];
const isType = (type: string): type is StripeEventType =>
  (stripeEventTypes as readonly string[]).includes(type);

/** A Unix time in whole seconds, as Stripe writes `created`; at most 9999-12-31, so it is a real date. */
const UnixSecondsSchema = z.int().nonnegative().max(253_402_300_799);

/** Stripe's Event object, as the event destination puts it in the EventBridge detail. */
export const StripeEventSchema = z.object({
  id: z.string().startsWith('evt_'),
  object: z.literal('event'),
  type: z.string(),
  created: UnixSecondsSchema,
  data: z.object({ object: z.record(z.string(), z.unknown()) }),
});

export const StripeChargeSchema = z.object({
  id: z.string(),
  object: z.literal('charge'),
  amount: z.int().nonnegative(),
  amount_refunded: z.int().nonnegative().default(0),
  currency: z.string(),
  created: UnixSecondsSchema,
  status: z.string(),
  captured: z.boolean().default(true),
  refunded: z.boolean().default(false),
  customer: z.string().nullish(),
  receipt_email: z.string().nullish(),
  billing_details: z.object({ email: z.string().nullish(), name: z.string().nullish() }).nullish(),
});

export const StripeCustomerSchema = z.object({
  id: z.string().startsWith('cus_'),
  object: z.literal('customer'),
  email: z.string().nullish(),
  name: z.string().nullish(),
  preferred_locales: z.array(z.string()).default([]),
});

/** Currencies Stripe counts in whole units (no cents), from its "Zero-decimal currencies" list. */
const zeroDecimal = new Set([
  'bif',
  'clp',
  'djf',
  'gnf',
  'jpy',
  'kmf',
  'krw',
  'mga',
  'pyg',
  'rwf',
  'ugx',
  'vnd',
  'vuv',
  'xaf',
  'xof',
  'xpf',
]);
/** Currencies Stripe counts in thousandths ("Three-decimal currencies"). */
const threeDecimal = new Set(['bhd', 'jod', 'kwd', 'omr', 'tnd']);

/** A Stripe amount in the currency's smallest unit, as a decimal amount. */
export function stripeAmount(minor: number, currency: string): number {
  const code = currency.toLowerCase();
  const divisor = zeroDecimal.has(code) ? 1 : threeDecimal.has(code) ? 1000 : 100;
  return minor / divisor;
}

const problem = (type: string, error: z.ZodError) => `${type} event is invalid: ${z.prettifyError(error)}`;

/** A charge's event: `created` (epoch s) orders two events of one charge, as EventBridge does not. */
function charge(type: string, object: unknown, eventCreated: number): ParsedLive {
  const parsed = StripeChargeSchema.safeParse(object);
  if (!parsed.success) return { ok: false, reason: problem(type, parsed.error) };
  const source = parsed.data;
  const ignored = (reason: string): ParsedLive => ({
    ok: true,
    id: source.id,
    change: { kind: 'ignored', reason },
  });
  if (source.status !== 'succeeded')
    return ignored(`charge ${source.id} is ${source.status}, not a purchase`);
  if (!source.captured) return ignored(`charge ${source.id} was authorised but not captured`);
  const email = (source.billing_details?.email ?? source.receipt_email ?? '').trim().toLowerCase();
  const customerId = source.customer ?? email;
  if (customerId === '') return ignored(`charge ${source.id} has neither a customer nor an email`);
  const amount = stripeAmount(source.amount, source.currency);
  const refunded = stripeAmount(source.amount_refunded, source.currency);
  const status =
    source.refunded || (refunded > 0 && refunded >= amount)
      ? 'refunded'
      : refunded > 0
        ? 'partially_refunded'
        : 'paid';
  const ours = OrderSchema.safeParse({
    orderId: source.id,
    customerId,
    placedAt: new Date(source.created * 1000).toISOString(),
    amount,
    status,
    currency: source.currency,
    ...(refunded > 0 ? { refundedAmount: Math.min(refunded, amount) } : {}),
  });
  if (!ours.success) return { ok: false, reason: problem(type, ours.error) };
  return {
    ok: true,
    id: source.id,
    change: { kind: 'order', order: ours.data, version: { updatedAt: eventCreated * 1000 } },
  };
}

function customer(type: string, object: unknown, eventCreated: number): ParsedLive {
  const parsed = StripeCustomerSchema.safeParse(object);
  if (!parsed.success) return { ok: false, reason: problem(type, parsed.error) };
  const source = parsed.data;
  const email = (source.email ?? '').trim();
  if (email === '')
    return {
      ok: true,
      id: source.id,
      change: { kind: 'ignored', reason: `customer ${source.id} has no email` },
    };
  const locale = source.preferred_locales.map(canonicalLocale).find((tag) => tag !== undefined);
  const ours = CustomerSchema.safeParse({
    customerId: source.id,
    email,
    firstName: (source.name ?? '').trim().split(/\s+/)[0] ?? '',
    ...(locale === undefined ? {} : { locale }),
  });
  if (!ours.success) return { ok: false, reason: problem(type, ours.error) };
  // Versioned by the event, as charges are: a customer.updated delivered late is skipped as older.
  return {
    ok: true,
    id: source.id,
    change: { kind: 'customer', customer: ours.data, version: { updatedAt: eventCreated * 1000 } },
  };
}

/** A Stripe event (the EventBridge detail) as our change. */
export function readStripeEvent(detail: unknown): ParsedLive {
  const parsed = StripeEventSchema.safeParse(detail);
  if (!parsed.success)
    return { ok: false, reason: `Stripe event is invalid: ${z.prettifyError(parsed.error)}` };
  const { type, data, created } = parsed.data;
  if (!isType(type))
    return {
      ok: false,
      reason: `event type "${type}" is not one Rekindle reads: ${stripeEventTypes.join(', ')}`,
    };
  switch (type) {
    case 'charge.succeeded':
    case 'charge.refunded':
      return charge(type, data.object, created);
    case 'customer.created':
    case 'customer.updated':
      return customer(type, data.object, created);
  }
}
