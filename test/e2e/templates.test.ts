import { type Browser, chromium, type Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { compileTemplates } from '../../functions/build/compile-templates.ts';
import type { RekindleConfig } from '../../functions/core/config/schema.ts';
import type { TemplateCatalog } from '../../functions/core/rendering/compiled-template.ts';
import {
  axeViolations,
  chromiumOptions,
  contrastFailures,
  horizontalOverflow,
  sampleEmail,
} from '../support/email-page.ts';
import { loadConfig } from '../unit/core/rendering/fixtures.ts';

const templateIds = ['apology', 'checking-in', 'last-note', 'we-fixed-it'];
const locales = ['en', 'hi', 'gu', 'si'];
const schemes = ['light', 'dark'] as const;
const widths = [375, 600];

let browser: Browser;
let page: Page;
let catalog: TemplateCatalog;
let config: RekindleConfig;

beforeAll(async () => {
  catalog = await compileTemplates('templates');
  config = loadConfig({ replyDomain: 'reply.northwind.example' });
  browser = await chromium.launch(chromiumOptions);
  page = await browser.newPage({ viewport: { width: 600, height: 900 } });
  // Nothing in an email may load from elsewhere; a logo is served here, anything else refused.
  await page.route('**/*', (route) =>
    route.request().url().startsWith('https://northwind.example/logo.png')
      ? route.fulfill({ status: 200, contentType: 'image/svg+xml', body: logoSvg })
      : route.abort(),
  );
});

afterAll(async () => {
  await browser?.close();
});

const logoSvg =
  '<svg xmlns="http://www.w3.org/2000/svg" width="160" height="40"><rect width="160" height="40" fill="#1f2933"/></svg>';

/** Renders `html` in every scheme and width and collects what a reader would trip over. */
async function inspect(html: string) {
  const problems: string[] = [];
  await page.setContent(html, { waitUntil: 'load' });
  for (const colorScheme of schemes) {
    await page.emulateMedia({ colorScheme });
    for (const width of widths) {
      await page.setViewportSize({ width, height: 900 });
      const where = `${colorScheme} ${width}px`;
      for (const violation of await axeViolations(page))
        problems.push(`${where}: axe ${violation.id} (${violation.nodes}×) ${violation.example}`);
      for (const failure of await contrastFailures(page))
        problems.push(
          `${where}: "${failure.text}" ${failure.ratio}:1 (${failure.color} on ${failure.background})`,
        );
      if (width === 375) {
        const overflow = await horizontalOverflow(page);
        if (overflow > 0) problems.push(`${where}: ${overflow}px wider than the screen`);
      }
    }
  }
  return problems;
}

describe('every template in Chromium, light and dark, at 375 and 600 px', () => {
  it.each(templateIds)(
    '%s reads well in every locale: no axe violation, AA contrast, no sideways scroll',
    async (id) => {
      const problems: string[] = [];
      for (const locale of locales) {
        const { html } = await sampleEmail(catalog, config, id, locale);
        problems.push(...(await inspect(html)).map((problem) => `${id}/${locale} ${problem}`));
      }
      expect(problems).toEqual([]);
    },
  );

  it('shows a logo with its alt text as the heading, in both schemes', async () => {
    const withLogo: RekindleConfig = {
      ...config,
      shop: {
        ...config.shop,
        logo: {
          url: 'https://northwind.example/logo.png',
          alt: { en: 'Northwind Records', hi: 'नॉर्थविंड रिकॉर्ड्स' },
          width: 160,
        },
      },
    };
    const { html } = await sampleEmail(catalog, withLogo, 'checking-in', 'hi');
    expect(await inspect(html)).toEqual([]);
    expect(await page.locator('h1 img').getAttribute('alt')).toBe('नॉर्थविंड रिकॉर्ड्स');
    expect(await page.getByRole('heading', { level: 1 }).count()).toBe(1);
  });
});
