import { Logger } from '@aws-lambda-powertools/logger';
import type { APIGatewayProxyEventV2, EventBridgeEvent } from 'aws-lambda';
import { describe, expect, it } from 'vitest';
import { HelpdeskMappingSchema } from '../../../functions/core/config/integrations.ts';
import { hmacBase64 } from '../../../functions/core/import/live/signatures.ts';
import { makeHandler as makeHelpdesk } from '../../../functions/handlers/helpdesk-webhook.ts';
import {
  fixedSecrets,
  type IntegrationSecrets,
  refreshingSecrets,
} from '../../../functions/handlers/integration-secrets.ts';
import { MalformedEventError } from '../../../functions/handlers/malformed-event.ts';
import { makeHandler as makeShopifyEvent } from '../../../functions/handlers/shopify-event.ts';
import { makeHandler as makeShopify } from '../../../functions/handlers/shopify-webhook.ts';
import { makeHandler as makeStripe } from '../../../functions/handlers/stripe-event.ts';
import { functionUrlEvent } from '../../../functions/local/events/function-url-event.ts';
import { MemoryCustomerDirectory } from '../../support/memory-customer-directory.ts';
import { MemoryForgotten } from '../../support/memory-forgotten.ts';
import { MemoryIngestStore } from '../../support/memory-ingest-store.ts';
import { fixture, fixtureBytes } from '../core/import/live/fixtures.ts';

const logger = new Logger({ logLevel: 'SILENT' });
const now = Date.parse('2026-03-25T08:13:00Z');

const post = (
  path: string,
  body: Buffer,
  headers: Record<string, string>,
  query = '',
): APIGatewayProxyEventV2 =>
  functionUrlEvent({
    method: 'POST',
    url: new URL(`http://127.0.0.1${path}${query}`),
    headers,
    body: body.toString('base64'),
    isBase64Encoded: true,
    sourceIp: '127.0.0.1',
    requestId: 'test',
    at: new Date(now),
  });

/** A Shopify setup over memory stores, with what erasure and data requests were asked to do. */
function shopifySetup() {
  const store = new MemoryIngestStore();
  const forgotten = new MemoryForgotten();
  const erased: string[] = [];
  const written = new Map<string, string>();
  const deps = {
    store,
    forgotten,
    privacy: {
      forgetEmail: async (email: string) => {
        erased.push(email);
        forgotten.emails.add(email);
        return { customerIds: [email], itemsDeleted: 3, rawMailsDeleted: 0 };
      },
    },
    customers: { getCustomerView: async () => undefined },
    dataRequests: { write: async (key: string, body: string) => void written.set(key, body) },
    now: () => now,
    logger,
  };
  return { store, forgotten, erased, written, deps };
}

const secret = 'shpss_test_secret';
const shopifyRequest = (name: string, topic: string, sign = secret, body = fixtureBytes('shopify', name)) =>
  post('/', body, {
    'content-type': 'application/json',
    'x-shopify-topic': topic,
    'x-shopify-webhook-id': `wh-${name}`,
    'x-shopify-hmac-sha256': hmacBase64(sign, body),
  });

describe('shopify-webhook', () => {
  it('writes a signed order, and the same delivery again changes nothing', async () => {
    const { store, deps } = shopifySetup();
    const handle = makeShopify({ ...deps, secrets: fixedSecrets({ shopify: secret }) });
    const first = await handle(shopifyRequest('orders-create.json', 'orders/create'));
    expect(first.statusCode).toBe(200);
    const snapshot = JSON.stringify([...store.orders]);
    expect(await handle(shopifyRequest('orders-create.json', 'orders/create'))).toMatchObject({
      statusCode: 200,
    });
    expect(JSON.stringify([...store.orders])).toBe(snapshot);
    expect([...store.orders.values()]).toMatchObject([{ orderId: '1005', status: 'paid' }]);
    const updated = await handle(shopifyRequest('orders-updated.json', 'orders/updated'));
    expect(updated.statusCode).toBe(200);
    expect([...store.orders.values()]).toMatchObject([{ orderId: '1005', status: 'partially_refunded' }]);
  });

  it('refuses altered, wrongly signed and unsigned requests with 401 and a one-line reason, writing nothing', async () => {
    const { store, deps } = shopifySetup();
    const handle = makeShopify({ ...deps, secrets: fixedSecrets({ shopify: secret }) });
    const body = fixtureBytes('shopify', 'orders-create.json');
    const altered = shopifyRequest('orders-create.json', 'orders/create');
    altered.body = Buffer.from(body.toString('utf8').replace('"80.00"', '"8000.00"')).toString('base64');
    const wrong = shopifyRequest('orders-create.json', 'orders/create', 'not-the-secret');
    const unsigned = shopifyRequest('orders-create.json', 'orders/create');
    delete unsigned.headers['x-shopify-hmac-sha256'];
    for (const request of [altered, wrong, unsigned]) {
      const response = await handle(request);
      expect(response.statusCode).toBe(401);
      expect(JSON.parse(String(response.body)).error).toMatch(/^[^\n]+$/);
    }
    expect(
      await makeShopify({ ...deps, secrets: fixedSecrets({}) })(
        shopifyRequest('orders-create.json', 'orders/create'),
      ),
    ).toMatchObject({ statusCode: 401 });
    expect(store.orders.size + store.customers.size).toBe(0);
  });

  it('answers a signed body it cannot read with 400 naming the field', async () => {
    const { deps } = shopifySetup();
    const body = Buffer.from(
      JSON.stringify({ id: 1, name: '#1', created_at: '2026-03-20T11:02:44Z', currency: 'EUR' }),
    );
    const response = await makeShopify({ ...deps, secrets: fixedSecrets({ shopify: secret }) })(
      shopifyRequest('x', 'orders/create', secret, body),
    );
    expect(response.statusCode).toBe(400);
    expect(String(response.body)).toMatch(/total_price/);
  });

  it('customers/redact erases (and a customer update after it is not written); data_request and shop/redact are written down', async () => {
    const { store, erased, written, deps } = shopifySetup();
    const handle = makeShopify({ ...deps, secrets: fixedSecrets({ shopify: secret }) });
    expect((await handle(shopifyRequest('customers-redact.json', 'customers/redact'))).statusCode).toBe(200);
    expect(erased).toEqual(['marco.rossi@example.com']);
    const update = Buffer.from(
      JSON.stringify({
        ...(fixture('shopify', 'customers-create.json') as object),
        email: 'marco.rossi@example.com',
      }),
    );
    expect(
      JSON.parse(String((await handle(shopifyRequest('u', 'customers/update', secret, update))).body)).result,
    ).toMatch(/erased on request/);
    expect(store.customers.size).toBe(0);
    await handle(shopifyRequest('customers-data_request.json', 'customers/data_request'));
    await handle(shopifyRequest('shop-redact.json', 'shop/redact'));
    expect([...written.keys()].sort()).toEqual([
      'privacy/data-requests/shopify-9999.json',
      'privacy/shop-redact/northwind-records.myshopify.com.json',
    ]);
    expect(JSON.parse(written.get('privacy/data-requests/shopify-9999.json') ?? '{}')).toMatchObject({
      found: false,
      request: { email: 'asha.rao@example.com' },
    });
  });
});

const eventOf = (file: string, platform: string): EventBridgeEvent<string, unknown> =>
  fixture(platform, file) as EventBridgeEvent<string, unknown>;

describe('shopify-event and stripe-event (EventBridge)', () => {
  it('write the same records as the webhook; an unreadable event fails for the dead-letter queue', async () => {
    const { store, deps } = shopifySetup();
    await makeShopifyEvent(deps)(eventOf('eventbridge-orders-create.json', 'shopify'));
    expect([...store.orders.values()]).toMatchObject([
      { orderId: '1005', customerId: 'asha.rao@example.com' },
    ]);
    await expect(
      makeShopifyEvent(deps)({ ...eventOf('eventbridge-orders-create.json', 'shopify'), detail: {} }),
    ).rejects.toThrow(MalformedEventError);

    const stripe = makeStripe({ store, forgotten: deps.forgotten, now: () => now, logger });
    await stripe(eventOf('charge-succeeded.json', 'stripe'));
    await stripe(eventOf('charge-refunded.json', 'stripe'));
    await stripe(eventOf('charge-refunded.json', 'stripe'));
    expect(store.orders.get('cus_RtY2kq8ZpA1bCd#ch_3QzKb2LkdIwHu7ix0Yv8sRpD')).toMatchObject({
      status: 'refunded',
    });
    await expect(
      stripe({ ...eventOf('charge-succeeded.json', 'stripe'), detail: { type: 'charge.succeeded' } }),
    ).rejects.toThrow(/Stripe event is invalid/);
  });
});

describe('helpdesk-webhook', () => {
  const mapping = HelpdeskMappingSchema.parse({ kinds: [{ kind: 'damaged', tags: ['damaged_in_transit'] }] });
  /** `profiles`: each customer's address by customer id, found whatever its case as the email index does. */
  const setup = (profiles: Record<string, string> = { 'asha.rao@example.com': 'asha.rao@example.com' }) => {
    const store = new MemoryIngestStore();
    const directory = new MemoryCustomerDirectory();
    for (const [customerId, email] of Object.entries(profiles)) directory.profiles.set(customerId, email);
    const handle = makeHelpdesk({
      store,
      forgotten: new MemoryForgotten(),
      now: () => now,
      secrets: fixedSecrets({ zendesk: 'zd-secret', token: 'shared-token' }),
      directory,
      mapping,
      logger,
    });
    return { store, handle };
  };
  const zendesk = (name: string, timestamp = '2026-03-25T08:12:50Z', secret = 'zd-secret') => {
    const body = fixtureBytes('zendesk', name);
    return post('/zendesk', body, {
      'x-zendesk-webhook-signature': hmacBase64(secret, timestamp + body.toString('utf8')),
      'x-zendesk-webhook-signature-timestamp': timestamp,
    });
  };

  it('records a Zendesk ticket opened, then solved; a redelivered "opened" does not reopen it', async () => {
    const { store, handle } = setup();
    expect((await handle(zendesk('ticket-opened.json'))).statusCode).toBe(200);
    expect([...store.incidents.values()]).toMatchObject([
      { incidentId: 'zendesk-4711', kind: 'damaged', ticketOpen: true },
    ]);
    await handle(zendesk('ticket-solved.json'));
    const late = await handle(zendesk('ticket-opened.json'));
    expect(JSON.parse(String(late.body)).result).toBe('kept-resolved');
    expect([...store.incidents.values()]).toMatchObject([
      { ticketOpen: false, resolvedAt: '2026-03-27T16:05:00.000Z' },
    ]);
  });

  it('refuses a wrong signature, a replay and an unknown path; Gorgias needs the token', async () => {
    const { store, handle } = setup();
    expect((await handle(zendesk('ticket-opened.json', '2026-03-25T08:12:50Z', 'wrong'))).statusCode).toBe(
      401,
    );
    expect((await handle(zendesk('ticket-opened.json', '2026-03-25T05:00:00Z'))).statusCode).toBe(401);
    expect((await handle(post('/intercom', Buffer.from('{}'), {}))).statusCode).toBe(404);
    const gorgias = fixtureBytes('gorgias', 'ticket-created.json');
    expect((await handle(post('/gorgias', gorgias, {}))).statusCode).toBe(401);
    expect(store.incidents.size).toBe(0);
    const ok = await handle(post('/gorgias', gorgias, { 'x-rekindle-token': 'shared-token' }));
    // The mapping has no rule for late-delivery, so the default kind (support) applies; marco is no customer.
    expect(JSON.parse(String(ok.body)).result).toMatch(/no customer has the requester email/);
  });

  it('records the ticket for every customer with the requester email (Freshdesk, token in the URL)', async () => {
    const { store, handle } = setup({
      'asha.rao@example.com': 'asha.rao@example.com',
      cus_RtY2kq8ZpA1bCd: 'Asha.Rao@example.com',
    });
    const response = await handle(
      post('/freshdesk', fixtureBytes('freshdesk', 'ticket-created.json'), {}, '?token=shared-token'),
    );
    expect(response.statusCode).toBe(200);
    expect([...store.incidents.keys()].sort()).toEqual([
      'asha.rao@example.com#freshdesk-1289',
      'cus_RtY2kq8ZpA1bCd#freshdesk-1289',
    ]);
  });
});

describe('the integration secrets on Lambda', () => {
  it('are read again after a refusal, at most once a minute, so a secret just put takes effect', async () => {
    let stored: IntegrationSecrets = { token: 'generated' };
    let reads = 0;
    let clock = 0;
    const source = refreshingSecrets(
      async () => {
        reads += 1;
        return stored;
      },
      () => clock,
    );
    const { store, deps } = shopifySetup();
    const handle = makeShopify({ ...deps, secrets: source });
    expect((await handle(shopifyRequest('orders-create.json', 'orders/create'))).statusCode).toBe(401);
    expect(reads).toBe(1);
    // The owner puts the app secret; within the minute the function does not ask again.
    stored = { token: 'generated', shopify: secret };
    clock += 30_000;
    expect((await handle(shopifyRequest('orders-create.json', 'orders/create'))).statusCode).toBe(401);
    expect(reads).toBe(1);
    clock += 31_000;
    expect((await handle(shopifyRequest('orders-create.json', 'orders/create'))).statusCode).toBe(200);
    expect(reads).toBe(2);
    expect(store.orders.size).toBe(1);
    // Once valid, requests read nothing more; a forged one a minute later reads once, finds no change.
    expect((await handle(shopifyRequest('orders-create.json', 'orders/create'))).statusCode).toBe(200);
    clock += 61_000;
    expect((await handle(shopifyRequest('orders-create.json', 'orders/create', 'forged'))).statusCode).toBe(
      401,
    );
    expect(reads).toBe(3);
  });
});
