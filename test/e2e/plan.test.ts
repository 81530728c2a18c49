import { mkdir, readFile } from 'node:fs/promises';
import { type Browser, chromium } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parseConfig } from '../../functions/core/config/load.ts';
import type { Policy } from '../../functions/core/config/sequences.ts';
import type { Customer, Order } from '../../functions/core/customers/model.ts';
import { seededRandom } from '../../functions/core/model/simulate.ts';
import { renderPlanPage } from '../../functions/core/planning/plan-page.ts';
import { buildPlanReport } from '../../functions/core/planning/plan-report.ts';
import { localMidnight, simulatePlan, withoutLimits } from '../../functions/core/planning/simulate-plan.ts';
import { chromiumOptions } from '../support/chromium.ts';
import { axeViolations, contrastFailures } from '../support/email-page.ts';

let browser: Browser;
let html: string;

/** The shipped config with a one-hour window on weekdays, on 60 lapsed customers in three zones. */
async function planPage(): Promise<string> {
  const loaded = parseConfig(await readFile('config/rekindle.yaml', 'utf8'), 'config/rekindle.yaml');
  if (!loaded.ok) throw new Error('the shipped config must be valid');
  const days: Policy['sendWindow']['days'] = ['mon', 'tue', 'wed'];
  const config = {
    ...loaded.config,
    policy: {
      ...loaded.config.policy,
      sendWindow: {
        ...loaded.config.policy.sendWindow,
        days,
        from: 540,
        to: 600,
      },
    },
  };
  const start = localMidnight('2026-03-02', 'Europe/London');
  const zones = ['Europe/London', 'Asia/Kolkata', 'America/New_York'];
  const customers: Customer[] = [];
  const orders: Order[] = [];
  for (let i = 0; i < 60; i += 1) {
    const customerId = `c${i}`;
    customers.push({
      customerId,
      email: `${customerId}@example.com`,
      firstName: '',
      locale: 'en',
      timeZone: zones[i % 3],
      consent: 'granted',
    });
    orders.push({
      orderId: `${customerId}-1`,
      customerId,
      placedAt: new Date(start - (130 + i * 3) * 86_400_000).toISOString(),
      amount: 25,
    });
  }
  const data = { customers, orders, incidents: [] };
  const options = { data, start, days: 30, random: seededRandom(1) };
  const plan = await simulatePlan({ ...options, config });
  const unlimited = await simulatePlan({
    ...options,
    config: { ...config, policy: withoutLimits(config.policy) },
  });
  return renderPlanPage(
    buildPlanReport({
      configFile: 'config/rekindle.yaml',
      config,
      data,
      plan,
      unlimited,
      customerIds: [],
      sample: 3,
      rejectedRows: 0,
    }),
  );
}

beforeAll(async () => {
  await mkdir('test-artifacts', { recursive: true });
  html = await planPage();
  browser = await chromium.launch(chromiumOptions);
});

afterAll(async () => {
  await browser?.close();
});

describe('the plan page', () => {
  it('renders offline with titled charts, in light and dark with no axe violation or low contrast', async () => {
    const page = await browser.newPage({ viewport: { width: 1100, height: 900 } });
    await page.route('**/*', (route) => route.abort());
    await page.setContent(html, { waitUntil: 'load' });

    expect(await page.locator('main > h1').textContent()).toBe(
      'What this config would do, 2026-03-02 to 2026-03-31',
    );
    const titles = await page.locator('svg[role="img"] > title').allTextContents();
    expect(titles).toEqual([
      'Emails per day, 2026-03-02 to 2026-03-31: as configured and without caps and windows',
      'Deferrals by cause over the plan',
      'Customers per segment on 2026-03-02 (first match wins)',
    ]);
    expect(await page.locator('ol.timeline').count()).toBe(3);
    for (const colorScheme of ['light', 'dark'] as const) {
      await page.emulateMedia({ colorScheme });
      expect(await axeViolations(page)).toEqual([]);
      expect(await contrastFailures(page)).toEqual([]);
      await page.screenshot({ path: `test-artifacts/plan-page-${colorScheme}.png`, fullPage: true });
    }
  });

  it('fits a 375 px phone without sideways scrolling', async () => {
    const page = await browser.newPage({ viewport: { width: 375, height: 800 } });
    await page.route('**/*', (route) => route.abort());
    await page.setContent(html, { waitUntil: 'load' });

    expect(Number(await page.evaluate('document.documentElement.scrollWidth - window.innerWidth'))).toBe(0);
    await page.screenshot({ path: 'test-artifacts/plan-page-mobile.png', fullPage: true });
  });
});
