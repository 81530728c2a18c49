import { Logger } from '@aws-lambda-powertools/logger';
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { type Browser, chromium } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DynamoContactStatusStore } from '../../functions/adapters/dynamo/contact-status-store.ts';
import { DynamoCustomerStore } from '../../functions/adapters/dynamo/customer-store.ts';
import { DynamoEngagementLedger } from '../../functions/adapters/dynamo/engagement-ledger.ts';
import { DynamoEnrolmentStore } from '../../functions/adapters/dynamo/enrolment-store.ts';
import { DynamoForgottenRegister } from '../../functions/adapters/dynamo/privacy-store.ts';
import { signLink } from '../../functions/core/domain/links.ts';
import { makeHandler } from '../../functions/handlers/unsubscribe.ts';
import { createCustomerTable } from '../../functions/local/bootstrap-table.ts';
import { type DynamoDbLocal, startDynamoDbLocal } from '../../functions/local/dynamodb-local.ts';
import { type FunctionUrlServer, startFunctionUrlServer } from '../../functions/local/function-url-server.ts';
import { VirtualClock } from '../../functions/local/virtual-clock.ts';
import { chromiumOptions } from '../support/chromium.ts';

const key = 'e2e-link-key';
const table = 'rekindle-e2e';
const now = Date.parse('2026-12-01T10:00:00Z');
let dynamo: DynamoDbLocal;
let server: FunctionUrlServer;
let browser: Browser;
let customers: DynamoCustomerStore;
let enrolments: DynamoEnrolmentStore;

const link = (customerId: string, enrolmentId = 'winback-20261201-aaaa') =>
  `${server.url}/?t=${signLink({ customerId, enrolmentId, stepIndex: 0, purpose: 'unsubscribe' }, key)}`;

beforeAll(async () => {
  dynamo = await startDynamoDbLocal();
  const client = new DynamoDBClient({
    endpoint: dynamo.endpoint,
    region: 'eu-west-1',
    credentials: { accessKeyId: 'local', secretAccessKey: 'local' },
  });
  await createCustomerTable(client, table);
  customers = new DynamoCustomerStore(client, table);
  enrolments = new DynamoEnrolmentStore(client, table);
  await customers.putCustomers(
    ['en', 'hi', 'gu', 'si'].map((locale) => ({
      customerId: `c-${locale}`,
      email: `${locale}@example.com`,
      firstName: 'A',
      locale,
      consent: 'granted' as const,
    })),
  );
  for (const locale of ['en', 'hi', 'gu', 'si']) {
    await enrolments.createAssignment({
      enrolmentId: 'winback-20261201-aaaa',
      customerId: `c-${locale}`,
      sequenceId: 'winback',
      segmentId: 'lapsed',
      enrolledAt: now - 86_400_000,
      state: 'active',
    });
  }
  server = await startFunctionUrlServer(
    makeHandler({
      ledger: new DynamoEngagementLedger(client, table),
      contacts: new DynamoContactStatusStore(client, table),
      enrolments,
      customers,
      clock: new VirtualClock(now),
      signingKey: key,
      shopName: 'Northwind Records',
      config: { pauseFor: 90 * 86_400_000 },
      forgotten: new DynamoForgottenRegister(client, table),
      logger: new Logger({ serviceName: 'unsubscribe', logLevel: 'SILENT' }),
    }),
  );
  browser = await chromium.launch(chromiumOptions);
});

afterAll(async () => {
  await browser?.close();
  await server?.stop();
  await dynamo?.stop();
});

describe('the unsubscribe page in a browser', () => {
  it('shows a confirmation in the customer language and changes nothing on GET', async () => {
    const page = await browser.newPage();
    const expected = {
      en: 'Stop emails from Northwind Records?',
      hi: 'Northwind Records से ईमेल बंद करें?',
      gu: 'Northwind Records તરફથી ઇમેઇલ બંધ કરવા છે?',
      si: 'Northwind Records වෙතින් ඊමේල් නවත්වන්නද?',
    };
    for (const [locale, heading] of Object.entries(expected)) {
      const response = await page.goto(link(`c-${locale}`));
      expect(response?.status()).toBe(200);
      expect(await page.locator('h1').textContent()).toBe(heading);
      expect(await page.locator('html').getAttribute('lang')).toBe(locale);
    }
    // A link scanner following the GET twice unsubscribes nobody.
    await page.goto(link('c-en'));
    const view = await customers.getCustomerView('c-en');
    expect(view?.status.unsubscribedAt).toBeUndefined();
    expect(view?.enrolments[0]?.state).toBe('active');
    await page.close();
  });

  it('unsubscribes with the button and ends the enrolment', async () => {
    const page = await browser.newPage();
    await page.goto(link('c-hi'));
    await page.click('#unsubscribe');
    await expect(page.locator('[role=status]').textContent()).resolves.toContain('अनसब्सक्राइब हो गए');
    const view = await customers.getCustomerView('c-hi');
    expect(view?.status.unsubscribedAt).toBe(now);
    expect(view?.enrolments[0]?.state).toBe('exited');
    expect(view?.engagement.map((event) => event.type)).toEqual(['unsubscribe']);
    await page.close();
  });

  it('pauses for three months instead, when asked', async () => {
    const page = await browser.newPage();
    await page.goto(link('c-gu'));
    await page.click('#pause');
    await expect(page.locator('[role=status]').textContent()).resolves.toContain('થોભાવ્યું');
    const view = await customers.getCustomerView('c-gu');
    expect(view?.status.pausedUntil).toBe(now + 90 * 86_400_000);
    expect(view?.status.unsubscribedAt).toBeUndefined();
    await page.close();
  });

  it('honours RFC 8058 one-click POSTs at once and idempotently', async () => {
    const url = link('c-si');
    for (let attempt = 0; attempt < 2; attempt += 1) {
      const response = await fetch(url, {
        method: 'POST',
        headers: { 'content-type': 'application/x-www-form-urlencoded' },
        body: 'List-Unsubscribe=One-Click',
      });
      expect(response.status).toBe(200);
    }
    const view = await customers.getCustomerView('c-si');
    expect(view?.status.unsubscribedAt).toBe(now);
    expect(view?.engagement.filter((event) => event.type === 'unsubscribe')).toHaveLength(1);
  });

  it('refuses a forged or altered token with a 400 page and changes nothing', async () => {
    const page = await browser.newPage();
    const genuine = link('c-en');
    const forged = `${server.url}/?t=${signLink({ customerId: 'c-en', enrolmentId: 'x', stepIndex: 0, purpose: 'unsubscribe' }, 'wrong-key')}`;
    // One character of the MAC changed.
    const altered = `${genuine.slice(0, -2)}${genuine.at(-2) === 'A' ? 'B' : 'A'}${genuine.at(-1)}`;
    const reply = `${server.url}/?t=${signLink({ customerId: 'c-en', enrolmentId: 'x', stepIndex: 0, purpose: 'reply' }, key)}`;
    for (const url of [forged, altered, reply, `${server.url}/`]) {
      const response = await page.goto(url);
      expect(response?.status()).toBe(400);
      expect(await page.locator('[role=alert]').textContent()).toContain('nothing was changed');
    }
    const posted = await fetch(forged, { method: 'POST', body: 'List-Unsubscribe=One-Click' });
    expect(posted.status).toBe(400);
    expect((await customers.getCustomerView('c-en'))?.status.unsubscribedAt).toBeUndefined();
    await page.close();
  });
});
