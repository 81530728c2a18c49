// Screenshots of every template in English and Hindi, light and dark, 600 px wide, for
// docs/templates.md; prints axe-core's violation count for each. Usage:
// npx tsx test/support/screenshots.ts [folder]   (then shrink them: see docs/templates.md)
import { mkdir } from 'node:fs/promises';
import { join } from 'node:path';
import { chromium } from 'playwright-core';
import { compileTemplates } from '../../functions/build/compile-templates.ts';
import { loadConfig } from '../unit/core/rendering/fixtures.ts';
import { axeViolations, chromiumOptions, contrastFailures, sampleEmail } from './email-page.ts';

const folder = process.argv[2] ?? 'docs/screenshots';
const templateIds = ['apology', 'checking-in', 'we-fixed-it', 'last-note'];
const locales = ['en', 'hi'];
const schemes = ['light', 'dark'] as const;

await mkdir(folder, { recursive: true });
const catalog = await compileTemplates('templates');
const config = loadConfig({ replyDomain: 'reply.northwind.example' });
const browser = await chromium.launch(chromiumOptions);
try {
  // A short viewport: the full-page shot is then as tall as the email, no taller.
  const page = await browser.newPage({ viewport: { width: 600, height: 200 } });
  await page.route('**/*', (route) => route.abort());
  for (const id of templateIds) {
    for (const locale of locales) {
      const { subject, html } = await sampleEmail(catalog, config, id, locale);
      await page.setContent(html, { waitUntil: 'load' });
      for (const colorScheme of schemes) {
        await page.emulateMedia({ colorScheme });
        const path = join(folder, `${id}-${locale}-${colorScheme}.png`);
        await page.screenshot({ path, fullPage: true });
        const axe = await axeViolations(page);
        const contrast = await contrastFailures(page);
        process.stdout.write(`${path}\t${subject}\taxe ${axe.length}\tcontrast ${contrast.length}\n`);
      }
    }
  }
} finally {
  await browser.close();
}
