import { beforeAll, describe, expect, it } from 'vitest';
import { compileTemplates } from '../../../../functions/build/compile-templates.ts';
import type { TemplateCatalog } from '../../../../functions/core/rendering/compiled-template.ts';
import { composeEmail } from '../../../../functions/core/rendering/compose-email.ts';
import { trackedLinks } from '../../../../functions/core/rendering/tracked-links.ts';
import { links, loadConfig, message, view } from './fixtures.ts';

describe('trackedLinks', () => {
  it('lists http(s) links and Liquid hrefs, never a no-track, mailto or tel link', () => {
    const html = [
      '<a href="mailto:care@shop.example">write</a>',
      '<a href="tel:+441170000000">call</a>',
      '<a ses:no-track href="{{ unsubscribeUrl }}">Unsubscribe</a>',
      '<a class="x" href="https://shop.example/fixes?a=1&amp;b=2">read</a>',
      '<a href="{{ shop.url }}">visit</a>',
    ].join(' ');
    expect(trackedLinks(html)).toEqual(['https://shop.example/fixes?a=1&b=2', '{{ shop.url }}']);
  });
});

describe('click tracking in an email', () => {
  const config = loadConfig();
  let catalog: TemplateCatalog;
  beforeAll(async () => {
    catalog = await compileTemplates('templates');
  });
  const compose = (templates: TemplateCatalog) =>
    composeEmail({
      view: view(),
      message,
      step: { id: 'step', template: 'checking-in', delay: 0, promotional: false },
      config,
      templates,
      links,
    });

  it('is off, and the footer silent on it, where the only link is the unsubscribe link', async () => {
    expect(config.engagement.tracking.clicks).toBe(true);
    expect(trackedLinks(catalog['checking-in/en-GB']?.html ?? catalog['checking-in/en']?.html ?? '')).toEqual(
      [],
    );
    const email = await compose(catalog);
    expect(email.tracking).toEqual({ opens: false, clicks: false });
    // The send record keeps why, so the report says so instead of "tracking.clicks is off".
    expect(email.noTrackedLinks).toBe(true);
    expect(email.text).not.toMatch(/clicked/);
  });

  it('is on, and disclosed, in an email with a link to click', async () => {
    const withLink = Object.fromEntries(
      Object.entries(catalog).map(([key, template]) => [
        key,
        {
          ...template,
          html: template.html.replace(
            '<a ses:no-track',
            '<a href="https://northwind.example/fixes">What we fixed</a> <a ses:no-track',
          ),
        },
      ]),
    );
    const email = await compose(withLink);
    expect(email.tracking).toEqual({ opens: false, clicks: true });
    expect(email.noTrackedLinks).toBe(false);
    expect(email.text).toContain('This email lets us see which of its links were clicked.');
  });

  it('is off by the setting, not for want of a link, where the sequence tracks no clicks', async () => {
    const email = await composeEmail({
      view: view(),
      message,
      step: { id: 'step', template: 'checking-in', delay: 0, promotional: false },
      config: { ...config, engagement: { ...config.engagement, tracking: { opens: true, clicks: false } } },
      templates: catalog,
      links,
    });
    expect(email.tracking).toEqual({ opens: true, clicks: false });
    expect(email.noTrackedLinks).toBe(false);
  });
});
