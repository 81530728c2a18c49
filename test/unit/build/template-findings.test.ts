import { cp, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, relative, resolve } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { compileTemplateFolder } from '../../../functions/build/compile-templates.ts';

/** Each rule of `rekindle validate` about a template: a broken copy of a real one, the exact message. */
let dir: string;

beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), 'rekindle-template-findings-'));
  await cp('templates/_partials', join(dir, '_partials'), { recursive: true });
  await cp('templates/checking-in', join(dir, 'checking-in'), { recursive: true });
  await cp('templates/apology', join(dir, 'apology'), { recursive: true });
});

afterEach(async () => {
  await rm(dir, { recursive: true, force: true });
});

/** `checking-in/en.mjml:17:9 message`, the file relative to the copy. */
async function findings(): Promise<string[]> {
  const { issues } = await compileTemplateFolder(dir);
  return issues.map(
    (issue) =>
      `${relative(dir, resolve(issue.file))}:${issue.line}${issue.column === undefined ? '' : `:${issue.column}`} ${issue.message}`,
  );
}

async function edit(path: string, change: (source: string) => string): Promise<void> {
  const file = join(dir, path);
  const before = await readFile(file, 'utf8');
  const after = change(before);
  expect(after).not.toBe(before);
  await writeFile(file, after);
}

describe('template findings, at the line of the .mjml source', () => {
  it('finds nothing in the real templates', async () => {
    expect(await findings()).toEqual([]);
  });

  it('names an unknown incident kind in {% when %}, with the kinds and the one meant', async () => {
    await edit('apology/en.mjml', (source) =>
      source.replace('{%- when "damaged" %}', '{%- when "damage" %}'),
    );
    expect(await findings()).toEqual([
      'apology/en.mjml:19:11 {% when "damage" %}: "damage" is not an incident kind, so customers with a damaged incident get the {% else %} text instead; did you mean "damaged"? (kinds: damaged, late, wrong_item, refund_delay, billing, outage, support, other)',
    ]);
  });

  it('refuses a tag the sender has no Liquid for, at its line, naming the tags it has', async () => {
    await edit('checking-in/en.mjml', (source) =>
      source.replace('{{ shop.signer }}', '{% cycle "a", "b" %}{{ shop.signer }}'),
    );
    const [finding, ...rest] = await findings();
    expect(rest).toEqual([]);
    expect(finding).toMatch(
      /^checking-in\/en\.mjml:\d+:\d+ Liquid: the tag "cycle" is not one the sender has \(if, elsif, else, unless, case, when, for, break, continue, assign, capture, comment, raw, #\): \{% cycle "a", "b" %\}$/,
    );
  });

  it('refuses a filter the sender has no Liquid for, at its line', async () => {
    await edit('checking-in/en.mjml', (source) =>
      source.replace('{{ shop.signer }}', '{{ shop.signer | slugify }}'),
    );
    const [finding] = await findings();
    expect(finding).toMatch(
      /^checking-in\/en\.mjml:\d+:\d+ Liquid: the filter "slugify" is not one the sender has \(append, /,
    );
  });

  it('finds an <mj-text> left unclosed, at its opening tag', async () => {
    await edit('checking-in/en.mjml', (source) =>
      source.replace(
        'Thank you for having been a customer.</mj-text>',
        'Thank you for having been a customer.',
      ),
    );
    expect(await findings()).toEqual([
      'checking-in/en.mjml:17:9 <mj-text> is never closed (</mj-column> comes first): MJML closes it silently and what follows runs into it; add </mj-text> where it ends',
    ]);
  });

  it('finds an <mj-column> left unclosed', async () => {
    await edit('checking-in/en.mjml', (source) => source.replace('</mj-column>', ''));
    expect(await findings()).toEqual([
      'checking-in/en.mjml:14:7 <mj-column> is never closed (</mj-section> comes first): MJML closes it silently and what follows runs into it; add </mj-column> where it ends',
    ]);
  });

  it('places an unknown element at its line of the .mjml file, with the element meant', async () => {
    await edit('checking-in/en.mjml', (source) =>
      source
        .replace('<mj-text css-class="rk-text">Thank you', '<mj-txt css-class="rk-text">Thank you')
        .replace('customer.</mj-text>', 'customer.</mj-txt>'),
    );
    expect(await findings()).toEqual([
      `checking-in/en.mjml:17:9 <mj-txt>: Element mj-txt doesn't exist or is not registered; did you mean "mj-text"?`,
    ]);
  });

  it('reports a ": " in the front matter as one line at its place, with the fix', async () => {
    await edit('checking-in/en.mjml', (source) =>
      source.replace(
        'preheader: "No offer, no pressure: we just wanted to ask how things are."',
        'preheader: No offer, no pressure: we just wanted to ask',
      ),
    );
    expect(await findings()).toEqual([
      'checking-in/en.mjml:3:12 front matter: Nested mappings are not allowed in compact mappings (a value holding ": " must be quoted: subject: "Still there: a question")',
    ]);
  });

  it('names the fields customer has for {{ customer.lastName }}', async () => {
    await edit('checking-in/en.mjml', (source) =>
      source.replace('{{ shop.signer }}', '{{ customer.lastName }}'),
    );
    expect(await findings()).toEqual([
      'checking-in/en.mjml:18:41 "customer.lastName": customer has no field "lastName" (its fields: id, firstName, email)',
    ]);
  });

  it('says incident is declared, and which fields it has, for {{ incident.orderId }}', async () => {
    await edit('apology/en.mjml', (source) => source.replace('{{ shop.signer }}', '{{ incident.orderId }}'));
    expect(await findings()).toEqual([
      'apology/en.mjml:39:41 "incident.orderId": incident is declared, but incident has no field "orderId" (its fields: kind, date, order, resolved, resolvedOn, resolution, ticketOpen); did you mean "order"?',
    ]);
  });

  it('says to declare a variable the template has not declared', async () => {
    await edit('checking-in/en.mjml', (source) => source.replace('{{ shop.signer }}', '{{ lastOrder.id }}'));
    expect(await findings()).toEqual([
      'checking-in/en.mjml:18:41 "lastOrder.id" uses lastOrder, which this template has not declared: add it to "variables:" in the front matter (variables: [lastOrder])',
    ]);
  });

  it('suggests the variable meant for a name no template has', async () => {
    await edit('checking-in/en.mjml', (source) => source.replace('{{ shop.signer }}', '{{ shops.name }}'));
    expect(await findings()).toEqual([
      'checking-in/en.mjml:18:41 "shops.name" is not a variable a template can use (always: customer, shop, unsubscribeUrl, tracking, preheader; declared in the front matter: incident, incidents, lastOrder, updates); did you mean "shop"?',
    ]);
  });

  it('places {{ incident.kind }} outside an if at its .mjml line, not a line of the compiled HTML', async () => {
    await edit('apology/en.mjml', (source) =>
      source.replace(
        '<mj-text css-class="rk-text">{{ shop.signer }}',
        '<mj-text css-class="rk-text">{{ incident.kind }}',
      ),
    );
    expect(await findings()).toEqual([
      'apology/en.mjml:39:41 "incident.kind" fails for a customer with no incident: incident is empty for them; put it inside {% if incident %} … {% endif %}',
    ]);
  });
});
