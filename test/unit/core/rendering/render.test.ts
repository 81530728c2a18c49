import { beforeAll, describe, expect, it } from 'vitest';
import { compileTemplates } from '../../../../functions/build/compile-templates.ts';
import type { TemplateCatalog } from '../../../../functions/core/rendering/compiled-template.ts';
import { RenderError, renderEmail, selectTemplate } from '../../../../functions/core/rendering/render.ts';

let catalog: TemplateCatalog;
const variables = {
  customer: { id: 'c1', firstName: 'Ana', email: 'ana@example.com' },
  shop: { name: 'Northwind', postalAddress: '12 Harbour Street', signer: 'Maya, Northwind', logo: null },
  unsubscribeUrl: 'https://shop.example/u?t=abc&x=1',
  tracking: { opens: false, clicks: false },
};

beforeAll(async () => {
  catalog = await compileTemplates('templates');
});

describe('rendering', () => {
  it('renders subject, HTML with the partials, and a plain-text part', async () => {
    const { template } = selectTemplate(catalog, 'checking-in', 'en', 'en');
    const email = await renderEmail(template, variables);
    expect(email.subject).toBe('Ana, it has been a while');
    expect(email.html).toContain('lang="en"');
    expect(email.html).toContain('12 Harbour Street');
    expect(email.text).toContain('Hello Ana,');
    expect(email.text).toContain('Unsubscribe with one click (https://shop.example/u?t=abc&x=1)');
    expect(email.text).not.toContain('<');
  });

  it('keeps hostile customer values inert', async () => {
    const { template } = selectTemplate(catalog, 'checking-in', 'en', 'en');
    const email = await renderEmail(template, {
      ...variables,
      customer: { ...variables.customer, firstName: '<script>alert(1)</script>{{ shop.name }}' },
    });
    expect(email.html).not.toContain('<script>');
    expect(email.html).toContain('&lt;script&gt;');
    expect(email.html).toContain('{{ shop.name }}');
  });

  it('falls back to the default locale and says so', () => {
    const selected = selectTemplate(catalog, 'checking-in', 'fr', 'en');
    expect(selected.template.locale).toBe('en');
    expect(selected.fellBackFrom).toBe('fr');
  });

  it('fails on a missing variable instead of sending an empty string', async () => {
    const { template } = selectTemplate(catalog, 'checking-in', 'en', 'en');
    const { shop: _omitted, ...incomplete } = variables;
    // @ts-expect-error: the point is a call that lacks a variable the template uses
    await expect(renderEmail(template, incomplete)).rejects.toBeInstanceOf(RenderError);
  });
});
