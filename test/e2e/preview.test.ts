import { cp, mkdir, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { type Browser, chromium, type Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type PreviewServer, startPreviewServer } from '../../functions/local/preview/server.ts';
import { StoredEmailSchema } from '../../functions/local/ses-local.ts';
import { chromiumOptions } from '../support/chromium.ts';
import { axeViolations } from '../support/email-page.ts';

let server: PreviewServer;
let broken: PreviewServer;
let browser: Browser;
let brokenTemplates: string;

beforeAll(async () => {
  await mkdir('test-artifacts', { recursive: true });
  // The same templates with one file broken: <mj-txt> is no MJML tag.
  brokenTemplates = await mkdtemp(join(tmpdir(), 'rekindle-preview-'));
  await cp('templates', brokenTemplates, { recursive: true });
  const apology = join(brokenTemplates, 'apology', 'en.mjml');
  await writeFile(apology, (await readFile(apology, 'utf8')).replace('<mj-text', '<mj-txt'));
  [server, broken] = await Promise.all([
    startPreviewServer({ port: 0 }),
    startPreviewServer({ port: 0, templatesDir: brokenTemplates }),
  ]);
  browser = await chromium.launch(chromiumOptions);
});

afterAll(async () => {
  await browser?.close();
  await server?.stop();
  await broken?.stop();
  if (brokenTemplates !== undefined) await rm(brokenTemplates, { recursive: true, force: true });
});

const heading = (page: Page) => page.locator('main > h1').textContent();
const frameText = (page: Page, width: 'desktop' | 'mobile') =>
  page.frameLocator(`iframe.${width}`).locator('body').textContent();

describe('rekindle preview', () => {
  it('shows one email per page and moves between templates, locales and customers from the sidebar', async () => {
    const page = await browser.newPage({ viewport: { width: 1280, height: 900 } });
    await page.goto(server.url, { waitUntil: 'load' });
    expect(await page.locator('main iframe').count()).toBe(2);
    expect(await page.locator('nav .template').count()).toBe(4);
    expect(await page.locator('nav .template[data-status="error"]').count()).toBe(0);
    // The first page is the first template in the default locale's language, for the first customer.
    expect(await heading(page)).toBe('apology · en · Asha: damaged parcel, replaced');
    expect(await page.locator('nav a[aria-current="page"]').count()).toBe(2);

    for (const [id, locale, greeting] of [
      ['checking-in', 'hi', 'नमस्ते Asha जी,'],
      ['we-fixed-it', 'gu', 'નમસ્તે Asha,'],
      ['last-note', 'si', 'ආයුබෝවන් Asha,'],
      ['apology', 'en', 'Hello Asha,'],
    ] as const) {
      await page
        .locator(`nav .template[data-template="${id}"]`)
        .getByRole('link', { name: locale, exact: true })
        .click();
      await page.waitForLoadState('load');
      expect(await heading(page)).toBe(`${id} · ${locale} · Asha: damaged parcel, replaced`);
      expect(await page.locator('nav a[aria-current="page"]').allTextContents()).toEqual([
        locale,
        'Asha: damaged parcel, replaced',
      ]);
      for (const width of ['desktop', 'mobile'] as const) {
        await expect.poll(() => frameText(page, width), { timeout: 60_000 }).toContain(greeting);
        expect(await page.frameLocator(`iframe.${width}`).locator('html').getAttribute('lang')).toBe(locale);
      }
    }

    await page.getByRole('link', { name: 'Nimal: no recorded problem' }).click();
    await page.waitForLoadState('load');
    expect(await heading(page)).toBe('apology · en · Nimal: no recorded problem');
    await expect.poll(() => frameText(page, 'desktop'), { timeout: 60_000 }).toContain('Hello Nimal,');

    // A locale the template has no file for: the fallback, with the warning that says so.
    await page.goto(`${server.url}?template=checking-in&locale=fr&customer=no-incident`, {
      waitUntil: 'load',
    });
    expect(await page.locator('.warning').first().textContent()).toContain('has no "fr" version');
    expect(await page.locator('.subject').textContent()).toBe('Nimal, it has been a while');
    expect(await page.locator('.preheader').textContent()).not.toBe('');

    // Any customer by id.
    await page.getByLabel('Customer ID').fill('late-open');
    await page.getByRole('button', { name: 'Show' }).click();
    await page.waitForLoadState('load');
    expect(await heading(page)).toBe('checking-in · fr · Ravi: late delivery and a slow refund, ticket open');
    await page.close();
  });

  it("shows the chosen customer's sequence timeline from the real plan, linking each email to its preview", async () => {
    const page = await browser.newPage({ viewport: { width: 1280, height: 900 } });
    await page.goto(`${server.url}?template=apology&locale=en&customer=damaged-resolved`, {
      waitUntil: 'load',
    });
    const timeline = page.locator('section.timeline');
    expect(await timeline.locator('h2').textContent()).toBe(
      'Sequence timeline for Asha: damaged parcel, replaced',
    );
    const whats = await timeline.locator('tbody tr td:nth-child(2)').allTextContents();
    const kinds = await Promise.all(
      (await timeline.locator('tbody tr').all()).map((row) => row.getAttribute('data-kind')),
    );
    const rows = whats.map((what, i) => `${kinds[i]}: ${what}`);
    expect(rows[0]).toBe('enrolled: enrolled in make-it-right (segment had-a-problem)');
    expect(rows.filter((row) => row.startsWith('sent:'))[0]).toContain(
      'sends step 1 apology (template apology)',
    );
    expect(rows.at(-1)).toBe('completed: finishes make-it-right');

    await timeline.getByRole('link', { name: 'preview last-note' }).click();
    await page.waitForLoadState('load');
    expect(await heading(page)).toBe('last-note · en · Asha: damaged parcel, replaced');

    // Ravi has a ticket open: the care team answers first, no sequence.
    await page.goto(`${server.url}?customer=late-open`, { waitUntil: 'load' });
    expect(await page.locator('section.timeline').textContent()).toContain('Nothing planned');
    await page.close();
  });

  it('shows a broken template’s errors at their source line while every other template renders', async () => {
    const page = await browser.newPage({ viewport: { width: 1280, height: 900 } });
    await page.goto(`${broken.url}?template=apology&locale=en`, { waitUntil: 'load' });
    const apology = page.locator('nav .template[data-template="apology"]');
    expect(await apology.getAttribute('data-status')).toBe('error');
    const errors = page.locator('[data-errors="apology"]');
    expect(await errors.locator('li').first().textContent()).toMatch(
      /apology[\\/]en\.mjml:\d+(:\d+)?\s+.*mj-txt/,
    );
    expect(await apology.getByRole('link', { name: 'en ✗' }).getAttribute('aria-current')).toBe('page');
    expect(await page.locator('main').textContent()).toContain(
      'apology in en did not compile: its problems are listed above',
    );
    await page.screenshot({ path: 'test-artifacts/preview-broken-template.png' });

    // The apology's other locales and every other template still render.
    for (const [id, locale, greeting] of [
      ['apology', 'hi', 'नमस्ते Asha जी,'],
      ['checking-in', 'en', 'Hello Asha,'],
    ] as const) {
      await page.goto(`${broken.url}?template=${id}&locale=${locale}&customer=damaged-resolved`, {
        waitUntil: 'load',
      });
      await expect.poll(() => frameText(page, 'desktop'), { timeout: 60_000 }).toContain(greeting);
    }
    expect(await page.locator('nav .template[data-status="error"]').count()).toBe(1);
    await page.close();
  });

  it('has no axe violation, and fits a 375 px phone without sideways scrolling', async () => {
    for (const [url, name] of [
      [`${server.url}?template=we-fixed-it&locale=en&customer=damaged-resolved`, 'preview'],
      [`${broken.url}?template=apology&locale=en`, 'preview-broken'],
    ] as const) {
      for (const width of [1280, 375]) {
        const page = await browser.newPage({ viewport: { width, height: 900 } });
        await page.goto(url, { waitUntil: 'load' });
        expect(await axeViolations(page)).toEqual([]);
        // A string expression: the test's TypeScript has no DOM types.
        const overflow = Number(
          await page.evaluate('document.documentElement.scrollWidth - window.innerWidth'),
        );
        expect(overflow).toBeLessThanOrEqual(0);
        await page.screenshot({ path: `test-artifacts/${name}-${width}.png`, fullPage: width === 375 });
        await page.close();
      }
    }
  });

  it('renders an email at mobile width without horizontal scrolling', async () => {
    const page = await browser.newPage({ viewport: { width: 375, height: 800 } });
    await page.goto(`${server.url}email?template=apology&locale=si&customer=late-open`);
    const overflow = Number(await page.evaluate('document.documentElement.scrollWidth - window.innerWidth'));
    expect(overflow).toBeLessThanOrEqual(0);
    await page.close();
  });

  it('sends a test through the local SES and says where to see it', async () => {
    const page = await browser.newPage();
    await page.goto(`${server.url}?template=we-fixed-it&locale=en&customer=late-open`, { waitUntil: 'load' });
    await page.getByLabel('Send a test to').fill('tester@example.com');
    await page.getByRole('button', { name: 'Send test' }).click();
    const output = page.locator('form.send output');
    await expect
      .poll(() => output.textContent(), { timeout: 60_000 })
      .toContain('Sent to tester@example.com');
    expect(await output.textContent()).toContain(server.sesUrl ?? 'missing SES url');

    const response = await fetch(`${server.sesUrl}/store`);
    const { emails } = (await response.json()) as { emails: unknown[] };
    const stored = emails.map((email) => StoredEmailSchema.parse(email));
    expect(stored).toHaveLength(1);
    expect(stored[0]?.destination.to).toEqual(['tester@example.com']);
    expect(stored[0]?.subject).toBe('Ravi, here is what we fixed');
    expect(stored[0]?.body.text).toContain('A new courier, and tracking that keeps you posted');
    await page.close();
  });
});
