// Screenshots of `rekindle preview` for docs/templates.md: the page, a customer's timeline, a
// broken template beside the others, and a phone. Usage:
// npx tsx test/support/preview-screenshots.ts [folder]   (then shrink them: see docs/templates.md)
import { cp, mkdir, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { chromium } from 'playwright-core';
import { startPreviewServer } from '../../functions/local/preview/server.ts';
import { chromiumOptions } from './chromium.ts';
import { MemoryMailer } from './memory-mailer.ts';

const folder = process.argv[2] ?? 'docs/screenshots';
await mkdir(folder, { recursive: true });
const brokenTemplates = await mkdtemp(join(tmpdir(), 'rekindle-preview-'));
await cp('templates', brokenTemplates, { recursive: true });
const apology = join(brokenTemplates, 'apology', 'en.mjml');
await writeFile(apology, (await readFile(apology, 'utf8')).replace('<mj-text', '<mj-txt'));
const mailer = new MemoryMailer();
const [server, broken] = await Promise.all([
  startPreviewServer({ port: 0, mailer }),
  startPreviewServer({ port: 0, mailer, templatesDir: brokenTemplates }),
]);
const browser = await chromium.launch(chromiumOptions);
try {
  const page = await browser.newPage({ viewport: { width: 1280, height: 820 } });
  const shoot = async (url: string, file: string, settle: () => Promise<unknown>) => {
    await page.goto(url, { waitUntil: 'load' });
    await settle();
    await page.screenshot({ path: join(folder, file) });
  };
  const framed = () => page.frameLocator('iframe.desktop').locator('body').waitFor();
  await shoot(
    `${server.url}?template=apology&locale=hi&customer=damaged-resolved`,
    'preview-page.png',
    framed,
  );
  await page.goto(`${server.url}?template=apology&locale=en&customer=damaged-resolved`, {
    waitUntil: 'load',
  });
  await page.locator('section.timeline').screenshot({ path: join(folder, 'preview-timeline.png') });
  await shoot(
    `${broken.url}?template=apology&locale=en&customer=damaged-resolved`,
    'preview-broken.png',
    () => page.locator('[data-errors="apology"]').waitFor(),
  );
  await page.setViewportSize({ width: 375, height: 812 });
  await page.emulateMedia({ colorScheme: 'dark' });
  await shoot(
    `${server.url}?template=checking-in&locale=en&customer=no-incident`,
    'preview-phone-dark.png',
    framed,
  );
} finally {
  await browser.close();
  await Promise.all([server.stop(), broken.stop()]);
  await rm(brokenTemplates, { recursive: true, force: true });
}
