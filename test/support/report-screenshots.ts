// Screenshots of the HTML report of the sample shop (test/support/sample-report.ts): the page at
// 1000 px, its top in dark mode and on a 375 px phone; prints axe-core's violation count for each. Usage:
// npx tsx test/support/report-screenshots.ts [folder]   (docs/engagement.md shows them)
import { mkdir } from 'node:fs/promises';
import { join } from 'node:path';
import { chromium } from 'playwright-core';
import { renderReportHtml } from '../../functions/core/reporting/render-report.ts';
import { chromiumOptions } from './chromium.ts';
import { axeViolations } from './email-page.ts';
import { sampleReport } from './sample-report.ts';

const folder = process.argv[2] ?? 'docs/screenshots';
// The whole page once; dark mode and the phone down to the lift, which is what they change.
const shots = [
  { name: 'report-light', width: 1000, height: 600, colorScheme: 'light', fullPage: true },
  { name: 'report-dark', width: 1000, height: 1250, colorScheme: 'dark', fullPage: false },
  { name: 'report-phone', width: 375, height: 1500, colorScheme: 'light', fullPage: false },
] as const;

await mkdir(folder, { recursive: true });
const html = renderReportHtml(sampleReport());
const browser = await chromium.launch(chromiumOptions);
try {
  for (const shot of shots) {
    const page = await browser.newPage({
      viewport: { width: shot.width, height: shot.height },
      colorScheme: shot.colorScheme,
    });
    await page.route('**/*', (route) => route.abort());
    await page.setContent(html, { waitUntil: 'load' });
    const path = join(folder, `${shot.name}.png`);
    await page.screenshot({ path, fullPage: shot.fullPage });
    const axe = await axeViolations(page);
    process.stdout.write(`${path}\taxe ${axe.length}\t${axe.map((violation) => violation.id).join(' ')}\n`);
    await page.close();
  }
} finally {
  await browser.close();
}
