import fc from 'fast-check';
import { beforeAll, describe, expect, it } from 'vitest';
import { compileTemplates } from '../../../functions/build/compile-templates.ts';
import type { CompiledTemplate } from '../../../functions/core/rendering/compiled-template.ts';
import { renderEmail } from '../../../functions/core/rendering/render.ts';
import { sampleVariableSets } from '../../../functions/core/rendering/sample-variables.ts';
import {
  declaredVariables,
  type TemplateVariables,
  TemplateVariablesSchema,
} from '../../../functions/core/rendering/template-variables.ts';
import { hostileString } from './arbitraries.ts';

let templates: CompiledTemplate[] = [];

beforeAll(async () => {
  templates = Object.values(await compileTemplates('templates'));
});

const postal = 'POSTAL-CANARY-7f3a';

/** Markup and Liquid that must stay text: a tag we would spot, scripts, attribute breakouts, tags. */
const injection = fc.constantFrom(
  '<x-fuzz>',
  '<script>alert(1)</script>',
  '"><x-fuzz a="',
  "'><x-fuzz>",
  '{{ shop.postalAddress }}',
  '{% if true %}<x-fuzz>{% endif %}',
  '{% raw %}',
  '{{',
  '{%',
  '<!--',
  ']]>',
  '&lt;x-fuzz&gt;',
);
const hostile = fc
  .tuple(hostileString, injection, hostileString)
  .map(([before, inject, after]) => `${before}${inject}${after}`);

/** Sample variables (one per template branch) with every free-text value replaced by a hostile one. */
const variables: fc.Arbitrary<TemplateVariables> = fc
  .record({
    base: fc.constantFrom(...sampleVariableSets()),
    firstName: hostile,
    shopName: hostile,
    resolution: hostile,
    order: hostile,
    lastOrder: hostile,
    title: hostile,
    body: hostile,
  })
  .map(({ base, firstName, shopName, resolution, order, lastOrder, title, body }) => ({
    ...base,
    customer: { ...base.customer, firstName },
    shop: { ...base.shop, name: shopName, signer: shopName, postalAddress: postal },
    incident:
      base.incident === null
        ? null
        : {
            ...base.incident,
            resolution: base.incident.resolution === null ? null : resolution,
            order: base.incident.order === null ? null : order,
          },
    lastOrder: base.lastOrder === null ? null : { ...base.lastOrder, id: lastOrder },
    updates: base.updates.map((update) => ({ ...update, title, body })),
  }));

const render = (template: CompiledTemplate, values: TemplateVariables) =>
  renderEmail(template, {
    ...declaredVariables(values, template.variables),
    customer: values.customer,
    shop: values.shop,
    unsubscribeUrl: values.unsubscribeUrl,
    tracking: values.tracking,
  });

const count = (text: string, part: string) => text.split(part).length - 1;

describe('Liquid variables under fuzzing', () => {
  it('renders every template with hostile values, escaping them and never evaluating them', async () => {
    await fc.assert(
      fc.asyncProperty(fc.nat(), variables, async (pick, values) => {
        const template = templates[pick % templates.length];
        if (template === undefined) throw new Error('no templates compiled');
        expect(TemplateVariablesSchema.safeParse(values).success).toBe(true);
        const email = await render(template, values);
        expect(email.html).not.toMatch(/<x-fuzz|<script/i);
        // The postal address appears where the template puts it, and nowhere a value named it.
        const plain = await render(template, {
          ...values,
          customer: { ...values.customer, firstName: 'Ana' },
          shop: { ...values.shop, name: 'Shop' },
          incident: values.incident === null ? null : { ...values.incident, resolution: 'r', order: 'o' },
          lastOrder: values.lastOrder === null ? null : { ...values.lastOrder, id: 'o' },
          updates: values.updates.map((update) => ({ ...update, title: 't', body: 'b' })),
        });
        expect(count(email.html, postal)).toBe(count(plain.html, postal));
        expect(count(email.subject, postal)).toBe(count(plain.subject, postal));
      }),
      { numRuns: 120 },
    );
  });

  it('writes a hostile first name into the HTML escaped wherever the template uses it', async () => {
    await fc.assert(
      fc.asyncProperty(fc.nat(), hostile, async (pick, firstName) => {
        const template = templates[pick % templates.length];
        if (template === undefined) throw new Error('no templates compiled');
        const [base] = sampleVariableSets();
        if (base === undefined) throw new Error('no sample variables');
        const marked = `${firstName}MARK`;
        const email = await render(template, { ...base, customer: { ...base.customer, firstName: marked } });
        const escaped = marked
          .replaceAll('&', '&amp;')
          .replaceAll('<', '&lt;')
          .replaceAll('>', '&gt;')
          .replaceAll('"', '&#34;')
          .replaceAll("'", '&#39;');
        if (email.html.includes('MARK')) expect(email.html).toContain(escaped);
      }),
      { numRuns: 80 },
    );
  });
});
