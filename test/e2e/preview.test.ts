import { mkdir } from 'node:fs/promises';
import { type Browser, chromium } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type PreviewServer, startPreviewServer } from '../../functions/local/preview/server.ts';
import { StoredEmailSchema } from '../../functions/local/ses-local.ts';
import { chromiumOptions } from '../support/chromium.ts';

let server: PreviewServer;
let browser: Browser;

beforeAll(async () => {
  await mkdir('test-artifacts', { recursive: true });
  server = await startPreviewServer({ port: 0 });
  browser = await chromium.launch(chromiumOptions);
});

afterAll(async () => {
  await browser?.close();
  await server?.stop();
});

describe('rekindle preview', () => {
  it('renders every template, locale and sample customer at desktop and mobile widths', async () => {
    const page = await browser.newPage({ viewport: { width: 1280, height: 900 } });
    await page.goto(server.url, { waitUntil: 'load' });
    const cards = page.locator('section.card');
    // 4 templates × (4 locales + 1 missing one) × 3 sample customers.
    await expect.poll(() => cards.count()).toBe(60);
    expect(await page.locator('section.card[data-status="error"]').count()).toBe(0);

    for (const [id, locale, greeting] of [
      ['apology', 'en', 'Hello Asha,'],
      ['checking-in', 'hi', 'नमस्ते Asha जी,'],
      ['we-fixed-it', 'gu', 'નમસ્તે Asha,'],
      ['last-note', 'si', 'ආයුබෝවන් Asha,'],
    ] as const) {
      const card = page.locator(`section.card[data-case="${id}--${locale}--damaged-resolved"]`);
      for (const width of ['desktop', 'mobile']) {
        const frame = card.frameLocator(`iframe.${width}`);
        await expect.poll(() => frame.locator('body').textContent()).toContain(greeting);
        expect(await frame.locator('html').getAttribute('lang')).toBe(locale);
      }
      await card.screenshot({ path: `test-artifacts/preview-${id}-${locale}.png` });
    }
    const fallback = page.locator('section.card[data-case="checking-in--fr--no-incident"]');
    expect(await fallback.locator('.warning').textContent()).toContain('has no "fr" version');
    expect(await fallback.locator('.subject').textContent()).toBe('Nimal, it has been a while');
    await page.screenshot({ path: 'test-artifacts/preview-page.png' });
    await page.close();
  });

  it('renders an email at mobile width without horizontal scrolling', async () => {
    const page = await browser.newPage({ viewport: { width: 375, height: 800 } });
    await page.goto(`${server.url}email?template=apology&locale=si&sample=late-open`);
    // A string expression: the test's TypeScript has no DOM types.
    const overflow = Number(await page.evaluate('document.documentElement.scrollWidth - window.innerWidth'));
    expect(overflow).toBeLessThanOrEqual(0);
    await page.screenshot({ path: 'test-artifacts/email-apology-si-mobile.png', fullPage: true });
    await page.close();
  });

  it('sends a test through SES and says where to see it', async () => {
    const page = await browser.newPage();
    await page.goto(server.url, { waitUntil: 'load' });
    const card = page.locator('section.card[data-case="we-fixed-it--en--late-open"]');
    await card.locator('input[name="to"]').fill('tester@example.com');
    await card.getByRole('button', { name: 'Send test' }).click();
    const output = card.locator('output');
    await expect.poll(() => output.textContent()).toContain('Sent to tester@example.com');
    expect(await output.textContent()).toContain(server.sesUrl ?? 'missing SES url');

    const response = await fetch(`${server.sesUrl}/store`);
    const { emails } = (await response.json()) as { emails: unknown[] };
    const stored = emails.map((email) => StoredEmailSchema.parse(email));
    expect(stored).toHaveLength(1);
    expect(stored[0]?.destination.to).toEqual(['tester@example.com']);
    expect(stored[0]?.subject).toBe('Ravi, here is what we fixed');
    expect(stored[0]?.body.text).toContain('A new courier, and tracking that keeps you posted');
    await card.screenshot({ path: 'test-artifacts/preview-send-test.png' });
    await page.close();
  });
});
