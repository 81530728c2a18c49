import { createRequire } from 'node:module';
import type { Page } from 'playwright-core';
import type { RekindleConfig } from '../../functions/core/config/schema.ts';
import type { TemplateCatalog } from '../../functions/core/rendering/compiled-template.ts';
import { composeEmail } from '../../functions/core/rendering/compose-email.ts';
import { previewSamples } from '../../functions/local/preview/samples.ts';
import { links, message } from '../unit/core/rendering/fixtures.ts';

export { chromiumOptions } from './chromium.ts';

const axeSource = createRequire(import.meta.url).resolve('axe-core/axe.min.js');

/**
 * The HTML one email sends: `templateId` in `locale` for the preview's first sample customer (a
 * damaged parcel, put right), so the apology shows an incident and the feed its updates.
 */
export async function sampleEmail(
  catalog: TemplateCatalog,
  config: RekindleConfig,
  templateId: string,
  locale: string,
): Promise<{ subject: string; html: string; text: string }> {
  const sample = previewSamples[0];
  if (sample === undefined) throw new Error('no preview sample');
  const view = { ...sample.view, customer: { ...sample.view.customer, locale } };
  const step = { id: 'step', template: templateId, delay: 0, promotional: false };
  // The preview's enrolment, made for the sample's newest problem.
  const enrolled = { ...message, customerId: view.customer.customerId, enrolmentId: `preview-${sample.id}` };
  const email = await composeEmail({ view, message: enrolled, step, config, templates: catalog, links });
  return { subject: email.subject, html: email.html, text: email.text };
}

/** One axe-core rule an email breaks, with how many elements break it. */
export interface AxeViolation {
  readonly id: string;
  readonly impact: string;
  readonly nodes: number;
  readonly example: string;
}

/** axe-core's violations on the page as it is now (every rule axe runs by default). */
export async function axeViolations(page: Page): Promise<AxeViolation[]> {
  if (!(await page.evaluate('typeof window.axe !== "undefined"')))
    await page.addScriptTag({ path: axeSource });
  const result = await page.evaluate(`axe.run(document).then((r) => r.violations.map((v) => ({
    id: v.id, impact: String(v.impact), nodes: v.nodes.length, example: v.nodes[0] ? v.nodes[0].html.slice(0, 160) : '',
  })))`);
  return result as AxeViolation[];
}

/** A run of text whose colour reads below WCAG AA against what is behind it. */
export interface ContrastFailure {
  readonly text: string;
  readonly ratio: number;
  readonly color: string;
  readonly background: string;
}

/**
 * Every visible text node's colour against the first opaque background behind it (the page's
 * canvas colour when none is painted), below 4.5:1. A second opinion beside axe, which reports what
 * it cannot decide as "incomplete" rather than as a violation.
 */
export async function contrastFailures(page: Page): Promise<ContrastFailure[]> {
  const result = await page.evaluate(`(() => {
    const parse = (c) => { const m = c.match(/[\\d.]+/g) || []; return m.map(Number); };
    const lum = ([r, g, b]) => { const f = (v) => { v /= 255; return v <= 0.03928 ? v / 12.92 : ((v + 0.055) / 1.055) ** 2.4; }; return 0.2126 * f(r) + 0.7152 * f(g) + 0.0722 * f(b); };
    const canvas = matchMedia('(prefers-color-scheme: dark)').matches ? 'rgb(18, 18, 18)' : 'rgb(255, 255, 255)';
    const backgroundOf = (el) => { for (let e = el; e; e = e.parentElement) { const bg = getComputedStyle(e).backgroundColor; const p = parse(bg); if (p.length >= 3 && (p.length < 4 || p[3] > 0)) return bg; } return canvas; };
    const failures = [];
    const walker = document.createTreeWalker(document.body, NodeFilter.SHOW_TEXT);
    for (let node = walker.nextNode(); node; node = walker.nextNode()) {
      const text = node.textContent.trim(); const el = node.parentElement;
      if (!text || !el || el.getClientRects().length === 0) continue;
      const style = getComputedStyle(el);
      if (style.display === 'none' || style.visibility === 'hidden' || Number(style.opacity) === 0) continue;
      const bg = backgroundOf(el); const a = lum(parse(style.color)), b = lum(parse(bg));
      const ratio = (Math.max(a, b) + 0.05) / (Math.min(a, b) + 0.05);
      if (ratio < 4.5) failures.push({ text: text.slice(0, 60), ratio: Math.round(ratio * 100) / 100, color: style.color, background: bg });
    }
    return failures;
  })()`);
  return result as ContrastFailure[];
}

/** How far the page is wider than its viewport, in CSS pixels (0 or less: no horizontal scroll). */
export async function horizontalOverflow(page: Page): Promise<number> {
  return Number(await page.evaluate('document.documentElement.scrollWidth - window.innerWidth'));
}
