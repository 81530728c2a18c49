import { GetObjectCommand } from '@aws-sdk/client-s3';
import type { EventBridgeEvent } from 'aws-lambda';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { HelpdeskMappingSchema } from '../../functions/core/config/integrations.ts';
import { hmacBase64 } from '../../functions/core/import/live/signatures.ts';
import { type LocalRuntime, localNames } from '../../functions/local/local-runtime.ts';
import { VirtualClock } from '../../functions/local/virtual-clock.ts';
import { projectBundle, startTestRuntime } from '../support/local-stack.ts';
import { fixture, fixtureBytes } from '../unit/core/import/live/fixtures.ts';

const start = Date.parse('2026-03-25T08:13:00Z');
let runtime: LocalRuntime;

beforeAll(async () => {
  const bundle = await projectBundle((config) => ({
    ...config,
    integrations: {
      helpdesk: HelpdeskMappingSchema.parse({ kinds: [{ kind: 'damaged', tags: ['damaged_in_transit'] }] }),
    },
  }));
  runtime = await startTestRuntime({ clock: new VirtualClock(start), bundle });
});

afterAll(async () => {
  await runtime?.stop();
});

const { shopify: shopifySecret, zendesk: zendeskSecret, token } = localNames.integrationSecrets;

/** POSTs a Shopify webhook to the local Function URL, signed with `secret`. */
async function shopify(topic: string, body: Buffer, secret: string = shopifySecret) {
  const response = await fetch(runtime.webhooks.shopify, {
    method: 'POST',
    headers: {
      'content-type': 'application/json',
      'x-shopify-topic': topic,
      'x-shopify-webhook-id': `wh-${topic}`,
      'x-shopify-hmac-sha256': hmacBase64(secret, body),
    },
    body,
  });
  return { status: response.status, body: (await response.json()) as { result?: string; error?: string } };
}

const withEmail = (name: string, email: string) =>
  Buffer.from(JSON.stringify({ ...(fixture('shopify', name) as object), email }));

const partnerEvent = (platform: string, name: string, source: string) => ({
  ...(fixture(platform, name) as EventBridgeEvent<string, unknown>),
  source,
});

describe('Shopify webhooks on the local Function URL', () => {
  it('writes customers and orders, once however often delivered; refuses what Shopify did not sign', async () => {
    expect(
      (await shopify('customers/create', withEmail('customers-create.json', 'asha.rao@example.com'))).status,
    ).toBe(200);
    const order = fixtureBytes('shopify', 'orders-create.json');
    expect(await shopify('orders/create', order)).toEqual({ status: 200, body: { result: 'written' } });
    expect((await shopify('orders/create', order)).status).toBe(200);
    let view = await runtime.store.getCustomerView('asha.rao@example.com');
    expect(view?.orders).toMatchObject([{ orderId: '1005', status: 'paid', amount: 80 }]);

    const altered = Buffer.from(order.toString('utf8').replace('"80.00"', '"8000.00"'));
    const forged = await fetch(runtime.webhooks.shopify, {
      method: 'POST',
      headers: {
        'x-shopify-topic': 'orders/updated',
        'x-shopify-hmac-sha256': hmacBase64(shopifySecret, order),
      },
      body: altered,
    });
    expect(forged.status).toBe(401);
    expect((await shopify('orders/updated', order, 'someone-else')).status).toBe(401);
    view = await runtime.store.getCustomerView('asha.rao@example.com');
    expect(view?.orders).toMatchObject([{ amount: 80, status: 'paid' }]);

    expect((await shopify('orders/updated', fixtureBytes('shopify', 'orders-updated.json'))).status).toBe(
      200,
    );
    view = await runtime.store.getCustomerView('asha.rao@example.com');
    expect(view?.orders).toMatchObject([
      { orderId: '1005', status: 'partially_refunded', refundedAmount: 40 },
    ]);
  });

  it('counts refunds/create on the order once; a late orders/create cannot undo it, by URL or EventBridge', async () => {
    const email = 'noor.haddad@example.com';
    const as = (name: string, fields: Record<string, unknown>) =>
      Buffer.from(JSON.stringify({ ...(fixture('shopify', name) as object), ...fields }));
    const order = { id: 5861712770001, name: '#1010', email, contact_email: email, customer: { email } };
    const refund = as('refunds-create.json', { order_id: order.id });
    expect((await shopify('customers/create', withEmail('customers-create.json', email))).status).toBe(200);
    expect((await shopify('orders/create', as('orders-create.json', order))).body).toEqual({
      result: 'written',
    });
    expect((await shopify('refunds/create', refund)).body).toEqual({ result: 'written' });
    expect((await shopify('refunds/create', refund)).body).toEqual({
      result: 'skipped: the order already counts this refund',
    });
    const refunded = [{ orderId: '1010', status: 'partially_refunded', refundedAmount: 40, amount: 80 }];
    expect((await runtime.store.getCustomerView(email))?.orders).toMatchObject(refunded);

    // Shopify's retry of orders/create, hours late, is older than the refund.
    expect((await shopify('orders/create', as('orders-create.json', order))).body).toEqual({
      result:
        'skipped: older than the order held (updated 2026-03-20T11:02:45.000Z, held 2026-03-24T15:40:09.000Z)',
    });
    expect((await shopify('orders/updated', as('orders-updated.json', order))).body).toEqual({
      result: 'written',
    });
    const event = partnerEvent('shopify', 'eventbridge-orders-create.json', localNames.shopifyEventSource);
    const late = {
      ...event,
      detail: {
        ...(event.detail as object),
        payload: { ...(event.detail as { payload: object }).payload, ...order },
      },
    };
    expect(await runtime.publishPartnerEvent(late)).toEqual({
      result: expect.stringMatching(/^skipped: older than the order held/),
    });
    expect((await runtime.store.getCustomerView(email))?.orders).toMatchObject(refunded);
  });

  it('holds a refunds/create that comes before its orders/create, and the order ends refunded', async () => {
    const email = 'ines.moreau@example.com';
    const as = (name: string, fields: Record<string, unknown>) =>
      Buffer.from(JSON.stringify({ ...(fixture('shopify', name) as object), ...fields }));
    const order = { id: 5861712770002, name: '#1011', email, contact_email: email, customer: { email } };
    const refund = as('refunds-create.json', { order_id: order.id });
    expect((await shopify('customers/create', withEmail('customers-create.json', email))).status).toBe(200);
    expect(await shopify('refunds/create', refund)).toEqual({
      status: 200,
      body: {
        result: expect.stringMatching(/^held: refund \d+ waits for its order \(Shopify id 5861712770002\)/),
      },
    });
    expect((await shopify('orders/create', as('orders-create.json', order))).body).toEqual({
      result: 'written',
    });
    expect((await runtime.store.getCustomerView(email))?.orders).toMatchObject([
      { orderId: '1011', status: 'partially_refunded', refundedAmount: 40, amount: 80 },
    ]);
    expect((await shopify('refunds/create', refund)).body).toEqual({
      result: 'skipped: the order already counts this refund',
    });
  });

  it('reads the same webhook through the EventBridge delivery', async () => {
    const event = partnerEvent('shopify', 'eventbridge-orders-create.json', localNames.shopifyEventSource);
    const payload = (event.detail as { payload: Record<string, unknown> }).payload;
    const second = {
      ...event,
      detail: { ...(event.detail as object), payload: { ...payload, name: '#1006' } },
    };
    expect(await runtime.publishPartnerEvent(second)).toEqual({ result: 'written' });
    const view = await runtime.store.getCustomerView('asha.rao@example.com');
    expect(view?.orders.map((order) => order.orderId).sort()).toEqual(['1005', '1006']);
    // Another source's event matches no rule.
    expect(
      await runtime.publishPartnerEvent({ ...second, source: 'aws.partner/shopify.com/1/other' }),
    ).toBeUndefined();
  });

  it('answers a data request into the data bucket, then erases on customers/redact for good', async () => {
    expect(
      (await shopify('customers/data_request', fixtureBytes('shopify', 'customers-data_request.json')))
        .status,
    ).toBe(200);
    const object = await runtime.clients.s3.send(
      new GetObjectCommand({
        Bucket: localNames.importBucket,
        Key: 'privacy/data-requests/shopify-9999.json',
      }),
    );
    const answer = JSON.parse((await object.Body?.transformToString()) ?? '{}');
    expect(answer).toMatchObject({
      found: true,
      customers: [{ customer: { email: 'asha.rao@example.com' } }],
    });
    expect(answer.customers[0].orders).toHaveLength(2);

    const redact = Buffer.from(
      JSON.stringify({
        shop_domain: 'northwind-records.myshopify.com',
        customer: { id: 7012345678901, email: 'asha.rao@example.com' },
      }),
    );
    expect((await shopify('customers/redact', redact)).body.result).toMatch(/^erased 1 customer/);
    expect(await runtime.store.getCustomerView('asha.rao@example.com')).toBeUndefined();
    const again = await shopify('orders/create', fixtureBytes('shopify', 'orders-create.json'));
    expect(again.body.result).toMatch(/erased on request/);
    expect(await runtime.store.getCustomerView('asha.rao@example.com')).toBeUndefined();
  });
});

describe('Stripe events on the partner event bus', () => {
  it('writes the customer and the charge, then marks it refunded; a redelivery changes nothing', async () => {
    const source = localNames.stripeEventSource;
    // asha.rao@example.com was erased above (customers/redact): not even Stripe's copy is written again.
    expect(
      await runtime.publishPartnerEvent(partnerEvent('stripe', 'customer-created.json', source)),
    ).toEqual({
      result: expect.stringMatching(/erased on request/),
    });
    expect(await runtime.store.getCustomerView('cus_RtY2kq8ZpA1bCd')).toBeUndefined();
    await runtime.publishPartnerEvent(partnerEvent('stripe', 'customer-updated.json', source));
    await runtime.publishPartnerEvent(partnerEvent('stripe', 'charge-succeeded.json', source));
    let view = await runtime.store.getCustomerView('cus_RtY2kq8ZpA1bCd');
    expect(view?.customer).toMatchObject({ email: 'asha@rao.example', locale: 'hi-IN' });
    expect(view?.orders).toMatchObject([
      { orderId: 'ch_3QzKb2LkdIwHu7ix0Yv8sRpD', status: 'paid', amount: 45.9 },
    ]);
    await runtime.publishPartnerEvent(partnerEvent('stripe', 'charge-refunded.json', source));
    await runtime.publishPartnerEvent(partnerEvent('stripe', 'charge-refunded.json', source));
    view = await runtime.store.getCustomerView('cus_RtY2kq8ZpA1bCd');
    expect(view?.orders).toMatchObject([{ status: 'refunded', refundedAmount: 45.9 }]);
    // EventBridge retried charge.succeeded after the refund: older, so the charge stays refunded.
    expect(
      await runtime.publishPartnerEvent(partnerEvent('stripe', 'charge-succeeded.json', source)),
    ).toEqual({
      result: expect.stringMatching(/^skipped: older than the order held/),
    });
    view = await runtime.store.getCustomerView('cus_RtY2kq8ZpA1bCd');
    expect(view?.orders).toMatchObject([{ status: 'refunded', refundedAmount: 45.9 }]);
    // A customer.created retried after the customer.updated (its event is older) is skipped, so the
    // profile keeps the later email and language.
    const created = partnerEvent('stripe', 'customer-created.json', source) as EventBridgeEvent<
      string,
      { data: { object: Record<string, unknown> } }
    >;
    const late = {
      ...created,
      detail: {
        ...created.detail,
        data: { object: { ...created.detail.data.object, email: 'asha@rao.example' } },
      },
    };
    expect(await runtime.publishPartnerEvent(late)).toEqual({
      result: expect.stringMatching(/^skipped: older than the customer held/),
    });
    view = await runtime.store.getCustomerView('cus_RtY2kq8ZpA1bCd');
    expect(view?.customer).toMatchObject({ email: 'asha@rao.example', locale: 'hi-IN' });
  });
});

describe('helpdesk tickets on the local Function URL', () => {
  const zendesk = async (name: string, secret: string = zendeskSecret) => {
    const body = Buffer.from(
      JSON.stringify({
        ...(fixture('zendesk', name) as object),
        requester_email: 'Lena.Fischer@example.com',
      }),
    );
    const timestamp = new Date(start).toISOString();
    const response = await fetch(`${runtime.webhooks.helpdesk}zendesk`, {
      method: 'POST',
      headers: {
        'x-zendesk-webhook-signature': hmacBase64(secret, timestamp + body.toString('utf8')),
        'x-zendesk-webhook-signature-timestamp': timestamp,
      },
      body,
    });
    return { status: response.status, body: (await response.json()) as { result?: string; error?: string } };
  };

  it('records a Zendesk ticket as an incident of the customer with that email, opened then solved', async () => {
    expect((await shopify('customers/create', fixtureBytes('shopify', 'customers-create.json'))).status).toBe(
      200,
    );
    expect(await zendesk('ticket-opened.json', 'not-the-secret')).toMatchObject({ status: 401 });
    expect((await runtime.store.getCustomerView('lena.fischer@example.com'))?.incidents).toEqual([]);
    expect(await zendesk('ticket-opened.json')).toEqual({ status: 200, body: { result: 'written' } });
    let incidents = (await runtime.store.getCustomerView('lena.fischer@example.com'))?.incidents;
    expect(incidents).toMatchObject([
      { incidentId: 'zendesk-4711', kind: 'damaged', ticketOpen: true, orderId: '1005' },
    ]);
    await zendesk('ticket-solved.json');
    expect(await zendesk('ticket-opened.json')).toEqual({ status: 200, body: { result: 'kept-resolved' } });
    incidents = (await runtime.store.getCustomerView('lena.fischer@example.com'))?.incidents;
    expect(incidents).toMatchObject([{ ticketOpen: false, resolvedAt: '2026-03-27T16:05:00.000Z' }]);
  });

  it('takes Gorgias and Freshdesk only with the shared token', async () => {
    const body = Buffer.from(
      JSON.stringify({
        ...(fixture('gorgias', 'ticket-created.json') as object),
        requester_email: 'lena.fischer@example.com',
      }),
    );
    const post = (headers: Record<string, string>) =>
      fetch(`${runtime.webhooks.helpdesk}gorgias`, { method: 'POST', headers, body });
    expect((await post({})).status).toBe(401);
    expect((await post({ 'x-rekindle-token': token })).status).toBe(200);
    const incidents = (await runtime.store.getCustomerView('lena.fischer@example.com'))?.incidents ?? [];
    expect(incidents.map((incident) => [incident.incidentId, incident.kind])).toEqual([
      ['gorgias-38291077', 'support'],
      ['zendesk-4711', 'damaged'],
    ]);
    // Freshdesk resolved, its token in the URL; an unreadable date is the time of receipt.
    const freshdesk = Buffer.from(
      JSON.stringify({
        ...(fixture('freshdesk', 'ticket-resolved.json') as object),
        requester_email: 'lena.fischer@example.com',
      }),
    );
    const url = `${runtime.webhooks.helpdesk}freshdesk`;
    expect((await fetch(url, { method: 'POST', body: freshdesk })).status).toBe(401);
    expect((await fetch(`${url}?token=${token}`, { method: 'POST', body: freshdesk })).status).toBe(200);
    const resolved = (await runtime.store.getCustomerView('lena.fischer@example.com'))?.incidents.find(
      (incident) => incident.incidentId === 'freshdesk-1289',
    );
    expect(resolved).toMatchObject({
      kind: 'support',
      ticketOpen: false,
      resolvedAt: new Date(start).toISOString(),
    });
  });
});
