import { cp, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import {
  compileTemplates,
  engineDifference,
  TemplateCompileError,
} from '../../../functions/build/compile-templates.ts';
import { renderEmail } from '../../../functions/core/rendering/render.ts';

let dir: string;

/** A copy of the real templates (the partials and one message), for a test to break. */
beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), 'rekindle-templates-'));
  await cp('templates/_partials', join(dir, '_partials'), { recursive: true });
  await cp('templates/checking-in', join(dir, 'checking-in'), { recursive: true });
});

afterEach(async () => {
  await rm(dir, { recursive: true, force: true });
});

async function issues(): Promise<string[]> {
  try {
    await compileTemplates(dir);
  } catch (error: unknown) {
    if (error instanceof TemplateCompileError)
      return error.issues.map((i) => `${i.file}:${i.line} ${i.message}`);
    throw error;
  }
  return [];
}

async function edit(path: string, change: (source: string) => string): Promise<void> {
  const file = join(dir, path);
  await writeFile(file, change(await readFile(file, 'utf8')));
}

describe('compileTemplates: every email keeps its unsubscribe link, postal address and reason', () => {
  it('accepts the real templates', async () => {
    expect(await issues()).toEqual([]);
  });

  it('refuses a locale whose footer partial is gone, naming the missing file and the line', async () => {
    await rm(join(dir, '_partials/footer/hi.mjml'));
    const found = await issues();
    expect(found).toHaveLength(1);
    expect(found[0]).toMatch(
      /checking-in\/hi\.mjml:\d+ mj-include of a missing file: .*_partials\/footer\/hi\.mjml$/,
    );
  });

  it('refuses a missing file included by a partial', async () => {
    await edit('_partials/footer/gu.mjml', (source) =>
      source.replace('<mj-column>', '<mj-column>\n<mj-include path="./legal.mjml" />'),
    );
    expect(await issues()).toEqual([
      expect.stringMatching(/gu\.mjml:\d+ mj-include of a missing file: .*footer\/legal\.mjml$/),
    ]);
  });

  it('refuses a footer without the unsubscribe link', async () => {
    await edit('_partials/footer/si.mjml', (source) =>
      source.replace(/<a [^>]*href="\{\{ unsubscribeUrl \}\}"[^>]*>[^<]*<\/a>/, ''),
    );
    const found = await issues();
    expect(found).toHaveLength(1);
    expect(found[0]).toContain('checking-in/si.mjml');
    expect(found[0]).toContain('the unsubscribe link in the HTML, the unsubscribe link in the text');
  });

  it('refuses a footer without the postal address', async () => {
    await edit('_partials/footer/en.mjml', (source) => source.replace('· {{ shop.postalAddress }}', ''));
    expect(await issues()).toEqual([expect.stringContaining('renders without the postal address')]);
  });

  it('refuses a footer without the reason the reader gets the email', async () => {
    await edit('_partials/footer/en.mjml', (source) => source.replace('rk-muted rk-reason', 'rk-muted'));
    expect(await issues()).toEqual([expect.stringContaining('the reason they get it')]);
  });

  it.each([
    ['written in the template', '<a href="javascript:alert(1)">our shop</a>'],
    [
      'built from variables',
      '{% assign scheme = "java" | append: "script" %}<a href="{{ scheme }}:alert(1)">our shop</a>',
    ],
    ['a data: link', '<a href="data:text/html;base64,PHNjcmlwdD4=">our shop</a>'],
  ])('refuses a javascript: or data: link %s', async (_how, link) => {
    await edit('checking-in/en.mjml', (source) =>
      source.replace(
        'Thank you for having been a customer.',
        `Thank you for having been a customer of ${link}.`,
      ),
    );
    expect(await issues()).toEqual([
      expect.stringMatching(/checking-in\/en\.mjml:1 renders a link that is not http\(s\), mailto or tel/),
    ]);
  });

  it('refuses a template that drops the footer include', async () => {
    await edit('checking-in/hi.mjml', (source) =>
      source.replace(/\s*<mj-include path="..\/_partials\/footer\/hi.mjml" \/>/, ''),
    );
    expect(await issues()).toEqual([
      expect.stringContaining('checking-in/hi.mjml:1 renders without the unsubscribe link'),
    ]);
  });
});

describe('compileTemplates: MJML output fixed up', () => {
  it('hides the preheader without white text, and leaves the article unlabelled (the h1 names it)', async () => {
    const catalog = await compileTemplates(dir);
    for (const template of Object.values(catalog)) {
      expect(template.html).toContain('<div class="rk-preheader" style="display:none;max-height:0;');
      expect(template.html).not.toMatch(/(?<![-\w])color:\s*#fff(fff)?\b/i);
      expect(template.html).toMatch(/<div aria-roledescription="email" role="article"/);
      expect(template.html).toMatch(/<h1 /);
    }
  });
});

describe('engineDifference: the sender renders what liquidjs renders', () => {
  const template = {
    id: 'note',
    locale: 'en',
    subject: '{{ customer.firstName }}, hello',
    preheader: 'Hi',
    html: '<p>{% if incident %}{{ incident.kind }}{% else %}none{% endif %} &amp; {{ shop.name }}</p>',
    variables: [],
  };
  const variables = {
    customer: { id: 'c1', firstName: 'Ana <b>', email: 'ana@example.com' },
    shop: { name: 'Tom & "Jerry"' },
    unsubscribeUrl: 'https://shop.example/u',
    tracking: { opens: false, clicks: false },
  } as unknown as Parameters<typeof engineDifference>[1];

  it('finds none where both agree', async () => {
    const rendered = await renderEmail(template, variables);
    expect(rendered.html).toBe('<p>none &amp; Tom &amp; &#34;Jerry&#34;</p>');
    expect(engineDifference(template, variables, rendered)).toBeUndefined();
  });

  it('names the part and quotes both where they differ', async () => {
    const rendered = await renderEmail(template, variables);
    expect(
      engineDifference(template, variables, { ...rendered, html: rendered.html.replace('none', 'n0ne') }),
    ).toBe(
      // 30 characters either side of the first difference.
      'in the HTML, liquidjs gives "<p>none &amp; Tom &amp; &#34;Jerry" where the sender gives "<p>n0ne &amp; Tom &amp; &#34;Jerry"',
    );
    expect(engineDifference(template, variables, { ...rendered, subject: 'Ana, hello' })).toMatch(
      /^in the subject, liquidjs gives "Ana <b>, hello" where the sender gives "Ana, hello"$/,
    );
  });
});
