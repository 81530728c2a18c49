import { type Browser, chromium } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { z } from 'zod';
import { renderReportHtml } from '../../functions/core/reporting/render-report.ts';
import { chromiumOptions } from '../support/chromium.ts';
import { axeViolations } from '../support/email-page.ts';
import { sampleReport } from '../support/sample-report.ts';

const ChartsSchema = z.array(
  z.object({
    role: z.string().nullable(),
    title: z.string(),
    description: z.string(),
    firstChild: z.string(),
  }),
);

let browser: Browser;
const html = renderReportHtml(sampleReport());

beforeAll(async () => {
  browser = await chromium.launch(chromiumOptions);
});

afterAll(async () => {
  await browser?.close();
});

/** The report in a page that may fetch nothing: any request fails the test. */
async function open(width: number, colorScheme: 'light' | 'dark') {
  const page = await browser.newPage({ viewport: { width, height: 800 }, colorScheme });
  const requests: string[] = [];
  await page.route('**/*', (route) => {
    requests.push(route.request().url());
    return route.abort();
  });
  await page.setContent(html, { waitUntil: 'load' });
  return { page, requests };
}

describe('the HTML report in a browser', () => {
  it('renders the pause first, the charts each named by a title, and fetches nothing', async () => {
    const { page, requests } = await open(1000, 'light');
    try {
      expect(await page.locator('h1').textContent()).toBe('Did win-back work?');
      expect(await page.locator('main > p.paused').first().textContent()).toMatch(
        /^PAUSED: gentle-winback since/,
      );
      const charts = page.locator('svg.rk-chart');
      // Funnel, two lift intervals, sent/returned per week, revenue per week in EUR and USD.
      expect(await charts.count()).toBe(6);
      // Each chart's role, its first child, and the texts its aria-labelledby points at.
      const titles = ChartsSchema.parse(
        await page.evaluate(`[...document.querySelectorAll('svg.rk-chart')].map((svg) => {
          const [title, description] = (svg.getAttribute('aria-labelledby') || '').split(' ');
          return {
            role: svg.getAttribute('role'),
            title: document.getElementById(title)?.textContent ?? '',
            description: document.getElementById(description)?.textContent ?? '',
            firstChild: svg.firstElementChild?.tagName,
          };
        })`),
      );
      for (const chart of titles) {
        expect(chart).toMatchObject({ role: 'img', firstChild: 'title' });
        expect(chart.title.length).toBeGreaterThan(10);
        expect(chart.description.length).toBeGreaterThan(10);
      }
      expect(titles.map((chart) => chart.title)).toContain('Revenue per week in USD, gentle-winback');
      expect(requests).toEqual([]);
    } finally {
      await page.close();
    }
  });

  for (const colorScheme of ['light', 'dark'] as const)
    it(`has no serious or critical accessibility violations in ${colorScheme} mode`, async () => {
      const { page } = await open(1000, colorScheme);
      try {
        const serious = (await axeViolations(page)).filter(
          (violation) => violation.impact === 'serious' || violation.impact === 'critical',
        );
        expect(serious).toEqual([]);
        // Dark mode paints a dark page, and its text light.
        const colours = await page.evaluate(
          `(({ backgroundColor, color }) => ({ background: backgroundColor, color }))(getComputedStyle(document.body))`,
        );
        expect(colours).toEqual(
          colorScheme === 'dark'
            ? { background: 'rgb(17, 24, 39)', color: 'rgb(229, 231, 235)' }
            : { background: 'rgb(255, 255, 255)', color: 'rgb(17, 17, 17)' },
        );
      } finally {
        await page.close();
      }
    });

  it('fits a 375 px phone without scrolling sideways: wide tables scroll in their own box', async () => {
    const { page } = await open(375, 'light');
    try {
      expect(await page.evaluate('document.documentElement.scrollWidth')).toBeLessThanOrEqual(375);
      const chartRights = z
        .array(z.number())
        .parse(
          await page.evaluate(
            `[...document.querySelectorAll('svg.rk-chart')].map((svg) => svg.getBoundingClientRect().right)`,
          ),
        );
      expect(chartRights).toHaveLength(6);
      for (const right of chartRights) expect(right).toBeLessThanOrEqual(375);
      // The step table is wider than a phone: it scrolls inside its box.
      expect(
        await page.evaluate(
          `(() => { const box = document.querySelector('.scroll'); return box.scrollWidth > box.clientWidth; })()`,
        ),
      ).toBe(true);
    } finally {
      await page.close();
    }
  });
});
