import { beforeAll, describe, expect, it } from 'vitest';
import { compileTemplates } from '../../../../functions/build/compile-templates.ts';
import { IncidentKindSchema } from '../../../../functions/core/customers/model.ts';
import type { TemplateCatalog } from '../../../../functions/core/rendering/compiled-template.ts';
import { composeEmail } from '../../../../functions/core/rendering/compose-email.ts';
import { incident, links, loadConfig, message, view } from './fixtures.ts';

const templateIds = ['apology', 'checking-in', 'last-note', 'we-fixed-it'];
const locales = ['en', 'hi', 'gu', 'si'];
const config = loadConfig();
let catalog: TemplateCatalog;

beforeAll(async () => {
  catalog = await compileTemplates('templates');
});

const step = (template: string) => ({ id: 'step', template, delay: 0, promotional: false });

async function compose(template: string, customer = view()) {
  return composeEmail({ view: customer, message, step: step(template), config, templates: catalog, links });
}

describe('templates', () => {
  it('has every message in English, Hindi, Gujarati and Sinhala', () => {
    for (const id of templateIds)
      for (const locale of locales) expect(catalog[`${id}/${locale}`]).toBeDefined();
  });

  describe.each(templateIds.flatMap((id) => locales.map((locale) => [id, locale] as const)))(
    '%s/%s',
    (id, locale) => {
      it('compiles to the reviewed HTML', async () => {
        await expect(catalog[`${id}/${locale}`]?.html).toMatchFileSnapshot(
          `__snapshots__/${id}.${locale}.html`,
        );
      });

      it('reads as reviewed for a customer who had a damaged order', async () => {
        const email = await compose(
          id,
          view({
            locale,
            incidents: [
              incident({
                kind: 'damaged',
                orderId: 'o-77',
                resolvedAt: '2025-11-20T10:00:00Z',
                resolution: 'We sent a replacement.',
              }),
            ],
          }),
        );
        const text = `Subject: ${email.subject}\n\n${email.text}\n`.replace(/t=[\w.-]+/g, 't=<token>');
        await expect(text).toMatchFileSnapshot(`__snapshots__/${id}.${locale}.txt`);
      });

      it('declares its language, dark-mode support and keeps colours readable', () => {
        const html = catalog[`${id}/${locale}`]?.html ?? '';
        expect(html).toMatch(new RegExp(`<html lang="${locale}"`));
        expect(html).toContain('<meta name="color-scheme" content="light dark"');
        expect(html).toContain('<meta name="supported-color-schemes" content="light dark"');
        for (const img of html.match(/<img\b[^>]*>/g) ?? []) expect(img).toMatch(/\balt="[^"]+"/);
        // Inline styles are the light scheme; the dark scheme's colours sit in the media query.
        const inline = (html.match(/style="[^"]*"/g) ?? []).join(' ');
        const colours = [...inline.matchAll(/(?<![-\w])color:\s*(#[0-9a-f]{6})/gi)].map(
          (match) => match[1] ?? '',
        );
        expect(colours.length).toBeGreaterThan(0);
        // Every colour reads at WCAG AA, the hidden preheader's too (white text there reads as spam).
        for (const colour of colours) expect(contrast(colour, '#ffffff'), colour).toBeGreaterThanOrEqual(4.5);
      });
    },
  );
});

describe('apology wording', () => {
  it.each(locales)('words each incident kind differently in %s', async (locale) => {
    const texts = new Set<string>();
    for (const kind of IncidentKindSchema.options) {
      const email = await compose(
        'apology',
        view({ locale, incidents: [incident({ kind, orderId: 'o-77' })] }),
      );
      const firstParagraph = email.text.split('\n\n')[2] ?? '';
      expect(firstParagraph, kind).toContain(kind === 'outage' || kind === 'support' ? '2025' : 'o-77');
      texts.add(firstParagraph);
    }
    expect(texts.size).toBe(IncidentKindSchema.options.length);
  });

  it('names the order and says what was done', async () => {
    const email = await compose(
      'apology',
      view({
        incidents: [
          incident({
            kind: 'late',
            orderId: 'o-77',
            resolvedAt: '2025-11-20',
            resolution: 'We refunded the postage.',
          }),
        ],
      }),
    );
    expect(email.text).toContain('Your order o-77 reached you later than we promised (14 November 2025).');
    expect(email.text).toContain('What we did: We refunded the postage.');
  });

  it('says a person is on it while the ticket is open, and owns up when it was never fixed', async () => {
    const open = await compose(
      'apology',
      view({ incidents: [incident({ kind: 'damaged', ticketOpen: true })] }),
    );
    expect(open.text).toContain('This is still open with our team');
    const never = await compose('apology', view({ incidents: [incident({ kind: 'damaged' })] }));
    expect(never.text).toContain('this was never put right for you');
  });

  it('writes dates in the email language', async () => {
    const email = await compose('apology', view({ locale: 'hi', incidents: [incident({ kind: 'late' })] }));
    expect(email.text).toContain('14 नवंबर 2025');
  });

  it('apologises in general terms to a customer without a recorded incident', async () => {
    const email = await compose('apology', view());
    expect(email.text).toContain('If anything about your last order was not as it should have been');
  });
});

describe('escaping', () => {
  it.each(locales)('keeps a hostile name inert in %s', async (locale) => {
    const email = await compose(
      'apology',
      view({
        locale,
        firstName: '<img src=x onerror=alert(1)>{{ shop.name }}',
        incidents: [
          // The note in the email's own language: an English one is not shown in the others.
          incident({ kind: 'other', resolutions: { [locale]: '<b>ok</b>' }, resolvedAt: '2025-11-20' }),
        ],
      }),
    );
    expect(email.html).not.toContain('<img src=x');
    expect(email.html).toContain('&lt;img src=x onerror=alert(1)&gt;{{ shop.name }}');
    expect(email.html).toContain('&lt;b&gt;ok&lt;/b&gt;');
    expect(email.subject).toContain('{{ shop.name }}');
    expect(email.text).toContain('<img src=x onerror=alert(1)>{{ shop.name }}');
  });
});

describe('locales', () => {
  it('falls back to the default locale with a warning and a tag', async () => {
    const email = await compose('checking-in', view({ locale: 'fr' }));
    expect(email.locale).toBe('en');
    expect(email.subject).toBe('Asha, it has been a while');
    expect(email.tags.localeFallback).toBe('fr');
    expect(email.warnings).toEqual([
      'template "checking-in" has no "fr" version; sent in "en" to customer c1',
    ]);
  });

  it('uses the base language for a regional tag without warning', async () => {
    const email = await compose('checking-in', view({ locale: 'hi-IN' }));
    expect(email.locale).toBe('hi');
    expect(email.warnings).toEqual([]);
    expect(email.subject).toBe('Asha जी, काफ़ी समय हो गया');
  });

  it('greets a customer without a first name without leaving a gap', async () => {
    const email = await compose('checking-in', view({ firstName: '' }));
    expect(email.subject).toBe('It has been a while');
    expect(email.text).toContain('Hello,');
  });
});

/** WCAG 2 contrast ratio of two #rrggbb colours. */
function contrast(a: string, b: string): number {
  const luminance = (hex: string) => {
    const [r, g, bl] = [1, 3, 5].map((i) => {
      const c = Number.parseInt(hex.slice(i, i + 2), 16) / 255;
      return c <= 0.03928 ? c / 12.92 : ((c + 0.055) / 1.055) ** 2.4;
    });
    return 0.2126 * (r ?? 0) + 0.7152 * (g ?? 0) + 0.0722 * (bl ?? 0);
  };
  const [light, dark] = [luminance(a), luminance(b)].sort((x, y) => y - x);
  return ((light ?? 0) + 0.05) / ((dark ?? 0) + 0.05);
}
