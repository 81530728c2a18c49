import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { HelpdeskMappingSchema } from '../../../functions/core/config/integrations.ts';
import { CustomerSchema, IncidentSchema, OrderSchema } from '../../../functions/core/customers/model.ts';
import { helpdeskPlatforms, readHelpdeskTicket } from '../../../functions/core/import/live/helpdesk.ts';
import type { ParsedLive } from '../../../functions/core/import/live/live-change.ts';
import {
  readShopifyEvent,
  readShopifyWebhook,
  shopifyTopics,
} from '../../../functions/core/import/live/shopify.ts';
import { readStripeEvent } from '../../../functions/core/import/live/stripe.ts';
import { fixture } from '../core/import/live/fixtures.ts';
import { hostileJson, mutate, mutation } from './arbitraries.ts';

/** A parsed message is a refusal with a reason, or a change whose records pass our schemas. */
function wellFormed(parsed: ParsedLive): void {
  if (!parsed.ok) {
    expect(parsed.reason.trim()).not.toBe('');
    return;
  }
  const change = parsed.change;
  if (change.kind === 'order') expect(OrderSchema.safeParse(change.order).success).toBe(true);
  if (change.kind === 'customer') expect(CustomerSchema.safeParse(change.customer).success).toBe(true);
  if (change.kind === 'incident') expect(IncidentSchema.safeParse(change.incident).success).toBe(true);
}

const shopifyFixtures: Record<string, string> = {
  'orders/create': 'orders-create.json',
  'orders/updated': 'orders-updated.json',
  'orders/cancelled': 'orders-cancelled.json',
  'refunds/create': 'refunds-create.json',
  'customers/create': 'customers-create.json',
  'customers/update': 'customers-update.json',
  'customers/redact': 'customers-redact.json',
  'customers/data_request': 'customers-data_request.json',
  'shop/redact': 'shop-redact.json',
};
const stripeDetails = [
  'charge-succeeded.json',
  'charge-refunded.json',
  'customer-created.json',
  'customer-updated.json',
].map((name) => (fixture('stripe', name) as { detail: unknown }).detail);
const mapping = HelpdeskMappingSchema.parse({ kinds: [{ kind: 'damaged', tags: ['damaged_in_transit'] }] });

describe('live payloads under fuzzing', () => {
  it('Shopify: any topic with a mutated documented payload is refused with a reason or maps to valid records', () => {
    fc.assert(
      fc.property(fc.constantFrom(...shopifyTopics), mutation, (topic, change) => {
        const payload = mutate(fixture('shopify', shopifyFixtures[topic] ?? 'shop-redact.json'), change);
        wellFormed(readShopifyWebhook(topic, payload));
      }),
      { numRuns: 300 },
    );
    fc.assert(
      fc.property(hostileJson, (detail) => wellFormed(readShopifyEvent(detail))),
      { numRuns: 200 },
    );
  });

  it('Stripe: a mutated event or any JSON is refused with a reason or maps to valid records', () => {
    fc.assert(
      fc.property(fc.constantFrom(...stripeDetails), mutation, (detail, change) =>
        wellFormed(readStripeEvent(mutate(detail, change))),
      ),
      { numRuns: 300 },
    );
    fc.assert(
      fc.property(hostileJson, (detail) => wellFormed(readStripeEvent(detail))),
      { numRuns: 200 },
    );
  });

  it('helpdesk: a mutated ticket body is refused with a reason, ignored, or an incident that passes the schema', () => {
    const bodies = [
      ['zendesk', fixture('zendesk', 'ticket-opened.json')],
      ['gorgias', fixture('gorgias', 'ticket-created.json')],
      ['freshdesk', fixture('freshdesk', 'ticket-resolved.json')],
    ] as const;
    fc.assert(
      fc.property(
        fc.constantFrom(...bodies),
        fc.constantFrom(...helpdeskPlatforms),
        mutation,
        ([, body], platform, change) => {
          const read = readHelpdeskTicket(
            platform,
            mutate(body, change),
            mapping,
            Date.parse('2026-03-25T08:13:00Z'),
          );
          if ('facts' in read) wellFormed(read.facts.incidentFor('c-1'));
          else wellFormed(read);
        },
      ),
      { numRuns: 300 },
    );
  });
});
