import { readFileSync } from 'node:fs';
import { beforeAll, describe, expect, it } from 'vitest';
import { compileTemplates } from '../../../../functions/build/compile-templates.ts';
import { parseConfig } from '../../../../functions/core/config/load.ts';
import type { TemplateCatalog } from '../../../../functions/core/rendering/compiled-template.ts';
import { composeEmail } from '../../../../functions/core/rendering/compose-email.ts';
import { formatMailbox } from '../../../../functions/core/rendering/mailbox.ts';
import { RenderError, renderEmail } from '../../../../functions/core/rendering/render.ts';
import { sampleVariableSets } from '../../../../functions/core/rendering/sample-variables.ts';
import { links, loadConfig, message, view } from './fixtures.ts';

const locales = ['en', 'hi', 'gu', 'si'];
const config = loadConfig();
const step = { id: 'step', template: 'checking-in', delay: 0, promotional: false };
let catalog: TemplateCatalog;

beforeAll(async () => {
  catalog = await compileTemplates('templates');
});

/** The catalog with checking-in/en changed by `edit`, as a hand-edited build artefact might be. */
function tampered(edit: (html: string) => string): TemplateCatalog {
  const template = catalog['checking-in/en'];
  if (template === undefined) throw new Error('no checking-in/en');
  return { ...catalog, 'checking-in/en': { ...template, html: edit(template.html) } };
}

describe('composeEmail refuses an email without what the law and our promise require', () => {
  it('throws a RenderError naming the missing unsubscribe link', async () => {
    const templates = tampered((html) =>
      html.replace(/<a [^>]*href="\{\{ unsubscribeUrl \}\}"[^>]*>[^<]*<\/a>/, ''),
    );
    const sending = composeEmail({ view: view(), message, step, config, templates, links });
    await expect(sending).rejects.toThrow(RenderError);
    await expect(sending).rejects.toThrow(
      'checking-in/en for customer c1 lacks the unsubscribe link in the HTML, the unsubscribe link in the text',
    );
  });

  it("throws a RenderError for a javascript: link a customer's data completes, so it is never sent", async () => {
    const templates = tampered((html) =>
      html.replace(
        'Thank you for having been a customer.',
        '<a href="java{{ customer.firstName }}:alert(1)">x</a>',
      ),
    );
    const customer = view();
    const named = { ...customer, customer: { ...customer.customer, firstName: 'script' } };
    await expect(composeEmail({ view: named, message, step, config, templates, links })).rejects.toThrow(
      /renders 1 link\(s\) that are not http\(s\), mailto or tel$/,
    );
  });

  it('throws a RenderError naming the missing postal address', async () => {
    const templates = tampered((html) => html.replace('· {{ shop.postalAddress }}', ''));
    await expect(composeEmail({ view: view(), message, step, config, templates, links })).rejects.toThrow(
      /lacks the postal address$/,
    );
  });

  it.each(locales)('sends the real template in %s with both', async (locale) => {
    const email = await composeEmail({
      view: view({ locale }),
      message,
      step,
      config,
      templates: catalog,
      links,
    });
    expect(email.text).toContain(config.shop.postalAddress);
    expect(email.text).toMatch(/\(https:\/\/shop\.example\/u\?t=[\w.-]+\)/);
  });
});

describe('the sender people recognise', () => {
  it.each([
    ['en', 'Maya, Northwind Records'],
    ['hi', 'माया, Northwind Records'],
    ['gu', 'માયા, Northwind Records'],
    ['si', 'මායා, Northwind Records'],
  ])('signs every %s email with the configured person', async (locale, signer) => {
    for (const template of ['apology', 'checking-in', 'last-note', 'we-fixed-it']) {
      const email = await composeEmail({
        view: view({ locale }),
        message,
        step: { ...step, template },
        config,
        templates: catalog,
        links,
      });
      // The sign-off, a paragraph of its own; the shop's name alone no longer signs.
      expect(email.text, template).toContain(`\n\n${signer}\n\n`);
      expect(email.text, template).not.toContain('\n\nNorthwind Records\n\n');
    }
  });

  it('signs with the shop name when no signer is configured', async () => {
    const { signer: _, ...shop } = config.shop;
    const email = await composeEmail({
      view: view(),
      message,
      step,
      config: { ...config, shop },
      templates: catalog,
      links,
    });
    expect(email.text).toContain('\n\nNorthwind Records\n\n');
    expect(email.text).not.toContain('Maya');
  });

  it('shows the logo with its alt text in the h1 instead of the name', async () => {
    const logo = {
      url: 'https://northwind.example/logo.png',
      alt: { en: 'Northwind Records', hi: 'नॉर्थविंड' },
      width: 120,
    };
    const email = await composeEmail({
      view: view({ locale: 'hi' }),
      message,
      step,
      config: { ...config, shop: { ...config.shop, logo } },
      templates: catalog,
      links,
    });
    expect(email.html).toMatch(
      /<h1 [^>]*><img src="https:\/\/northwind\.example\/logo\.png" alt="नॉर्थविंड" width="120" /,
    );
    expect(email.html).not.toMatch(/<h1 [^>]*>Northwind Records<\/h1>/);
    // The text part reads the logo as its alt text.
    expect(email.text.split('\n')[0]).toBe('नॉर्थविंड');
  });

  it('quotes an ASCII display name, escaping quotes and backslashes', () => {
    expect(formatMailbox('Northwind care team', 'r+abc@reply.shop.example')).toBe(
      '"Northwind care team" <r+abc@reply.shop.example>',
    );
    expect(formatMailbox('The "best" \\ shop', 'a@b.example')).toBe(
      '"The \\"best\\" \\\\ shop" <a@b.example>',
    );
    expect(formatMailbox(undefined, 'a@b.example')).toBe('a@b.example');
  });

  it('encodes a non-ASCII display name as RFC 2047 words of at most 75 characters, and drops line breaks', () => {
    const name = 'नॉर्थविंड रिकॉर्ड्स की देखभाल टीम, जो हर संदेश पढ़ती है';
    const formatted = formatMailbox(name, 'a@b.example');
    const words = formatted.replace(' <a@b.example>', '').split(' ');
    for (const word of words) {
      expect(word).toMatch(/^=\?UTF-8\?B\?[A-Za-z0-9+/=]+\?=$/);
      expect(word.length).toBeLessThanOrEqual(75);
    }
    const decoded = words.map((word) => Buffer.from(word.slice(10, -2), 'base64').toString('utf8')).join('');
    expect(decoded).toBe(name);
    expect(formatMailbox('Evil\r\nBcc: x@y.example', 'a@b.example')).toBe(
      '"Evil Bcc: x@y.example" <a@b.example>',
    );
  });
});

describe('the footer says what tracking is on', () => {
  const base = sampleVariableSets()[0];
  const render = async (locale: string, tracking: { opens: boolean; clicks: boolean }) => {
    const template = catalog[`checking-in/${locale}`];
    if (template === undefined || base === undefined) throw new Error('missing template or sample');
    const email = await renderEmail(template, { ...base, tracking });
    return email.text;
  };

  it('in English: nothing when off, and which of opens and clicks when on', async () => {
    expect(await render('en', { opens: false, clicks: false })).not.toMatch(/opened|clicked/);
    expect(await render('en', { opens: true, clicks: true })).toContain(
      'This email lets us see whether it was opened and which of its links were clicked.',
    );
    expect(await render('en', { opens: true, clicks: false })).toContain(
      'This email lets us see whether it was opened.',
    );
    expect(await render('en', { opens: false, clicks: true })).toContain(
      'This email lets us see which of its links were clicked.',
    );
  });

  it.each(locales)(
    'in %s: four different footers for the four choices, the off one the shortest',
    async (locale) => {
      const off = await render(locale, { opens: false, clicks: false });
      const texts = [
        off,
        await render(locale, { opens: true, clicks: true }),
        await render(locale, { opens: true, clicks: false }),
        await render(locale, { opens: false, clicks: true }),
      ];
      expect(new Set(texts).size).toBe(4);
      for (const text of texts.slice(1)) expect(text.length).toBeGreaterThan(off.length);
    },
  );
});

describe('shop.signer, shop.logo and sender.replyName in the config', () => {
  const shipped = readFileSync('config/rekindle.yaml', 'utf8');
  const parse = (text: string) => parseConfig(text, 'rekindle.yaml');
  const signerBlock = / {2}signer:\n(?: {4}.*\n)+/;

  it('takes one signer for every locale', () => {
    const result = parse(shipped.replace(signerBlock, '  signer: Maya, Northwind Records\n'));
    expect(result.ok && result.config.shop.signer).toBe('Maya, Northwind Records');
  });

  it('names the locale and line of a bad per-locale signer', () => {
    const text = shipped.replace('    si: මායා, Northwind Records', '    si: [a, b]');
    const result = parse(text);
    expect(result.ok).toBe(false);
    if (result.ok) return;
    const line = text.split('\n').indexOf('    si: [a, b]') + 1;
    expect(result.issues).toEqual([expect.objectContaining({ line, path: 'shop.signer.si' })]);
  });

  it('refuses a logo that is not https, and one without alt text', () => {
    const withLogo = (logo: string) =>
      parse(shipped.replace('  # logo: { url:', `  logo: ${logo}\n  # logo: { url:`));
    expect(withLogo('{ url: "https://northwind.example/logo.png", alt: Northwind Records }').ok).toBe(true);
    expect(withLogo('{ url: "http://northwind.example/logo.png", alt: Northwind Records }')).toMatchObject({
      ok: false,
      issues: [expect.objectContaining({ path: 'shop.logo.url', message: expect.stringContaining('https') })],
    });
    expect(withLogo('{ url: "https://northwind.example/logo.png" }').ok).toBe(false);
  });
});
