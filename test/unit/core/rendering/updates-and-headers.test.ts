import { mkdir, mkdtemp, readFile, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import {
  compileTemplates,
  localeGaps,
  TemplateCompileError,
} from '../../../../functions/build/compile-templates.ts';
import type { Update } from '../../../../functions/core/config/content.ts';
import { verifyLink, verifyReplyToken } from '../../../../functions/core/domain/links.ts';
import type { TemplateCatalog } from '../../../../functions/core/rendering/compiled-template.ts';
import { composeEmail } from '../../../../functions/core/rendering/compose-email.ts';
import { selectUpdates, shownUpdateIds } from '../../../../functions/core/rendering/content-variables.ts';
import { incident, links, loadConfig, message, view } from './fixtures.ts';

const update = (id: string, date: string, addresses: Update['addresses']): Update => ({
  id,
  date,
  addresses,
  title: { en: id },
  body: { en: id },
});

describe('updates selection', () => {
  const feed = [
    update('packing', '2026-01-20', ['damaged']),
    update('courier', '2026-02-15', ['late']),
    update('refunds', '2026-03-05', ['refund_delay']),
    update('old-packing', '2025-06-01', ['damaged']),
    update('site', '2026-02-01', []),
  ];
  const damagedAndLate = [
    incident({ kind: 'damaged', occurredAt: '2025-11-14T10:00:00Z' }),
    incident({ kind: 'late', occurredAt: '2025-12-01T10:00:00Z' }),
  ];

  it('shows fixes for the kinds of problem the customer had, made after it happened, newest first', () => {
    const picked = selectUpdates(
      feed,
      { incidents: damagedAndLate, lastOrderAt: '2026-03-01T00:00:00Z', shown: new Set() },
      5,
    );
    expect(picked.map((u) => u.id)).toEqual(['courier', 'packing']);
  });

  it('adds general updates only when they are newer than the last order', () => {
    const since = selectUpdates(
      feed,
      { incidents: [], lastOrderAt: '2026-01-01T00:00:00Z', shown: new Set() },
      5,
    );
    expect(since.map((u) => u.id)).toEqual(['site']);
    const before = selectUpdates(
      feed,
      { incidents: [], lastOrderAt: '2026-02-02T00:00:00Z', shown: new Set() },
      5,
    );
    expect(before).toEqual([]);
  });

  it('never shows an update an earlier email showed, and keeps to the limit', () => {
    const shown = shownUpdateIds([
      {
        enrolmentId: 'e',
        stepIndex: 0,
        customerId: 'c1',
        sequenceId: 's',
        stepId: 'a',
        state: 'sent',
        claimedAt: 1,
        ...{ updateIds: ['courier'] },
      },
      {
        enrolmentId: 'e',
        stepIndex: 1,
        customerId: 'c1',
        sequenceId: 's',
        stepId: 'b',
        state: 'failed',
        claimedAt: 2,
        ...{ updateIds: ['packing'] },
      },
    ]);
    expect([...shown]).toEqual(['courier']);
    const picked = selectUpdates(
      feed,
      { incidents: damagedAndLate, lastOrderAt: '2026-03-01T00:00:00Z', shown },
      1,
    );
    expect(picked.map((u) => u.id)).toEqual(['packing']);
  });

  it('records what an email showed so the next one moves on', async () => {
    const config = loadConfig();
    const templates = await compileTemplates('templates');
    const step = { id: 'fixed', template: 'we-fixed-it', delay: 0, promotional: false };
    const customer = view({
      incidents: [incident({ kind: 'late' }), incident({ kind: 'damaged', incidentId: 'i2' })],
    });
    const first = await composeEmail({ view: customer, message, step, config, templates, links });
    expect(first.updateIds).toEqual(['new-courier', 'rigid-mailers']);
    expect(first.text).toContain('A new courier, and tracking that keeps you posted');
    const again = await composeEmail({
      view: {
        ...customer,
        sends: [
          {
            enrolmentId: 'e',
            stepIndex: 0,
            customerId: 'c1',
            sequenceId: 's',
            stepId: 'a',
            state: 'sent',
            claimedAt: 1,
            ...{ updateIds: first.updateIds },
          },
        ],
      },
      message,
      step,
      config,
      templates,
      links,
    });
    expect(again.updateIds).toEqual([]);
    expect(again.text).not.toContain('A new courier');
    expect(again.text).toContain('We keep working on the things customers tell us about');
  });
});

describe('headers', () => {
  let templates: TemplateCatalog;
  beforeAll(async () => {
    templates = await compileTemplates('templates');
  });
  const step = { id: 'check-in', template: 'checking-in', delay: 0, promotional: false };

  it('gives each send its own signed Reply-To on the reply domain', async () => {
    const config = loadConfig({ replyDomain: 'reply.shop.example' });
    const email = await composeEmail({ view: view(), message, step, config, templates, links });
    const [, name, address = ''] = /^"(.*)" <(.*)>$/.exec(email.replyTo?.[0] ?? '') ?? [];
    // The config's replyName, so the reader sees who they are writing to.
    expect(name).toBe('Northwind care team');
    const match = /^r\+([\w.-]+)@reply\.shop\.example$/.exec(address);
    expect(match).not.toBeNull();
    // At most 64 characters before the @ (RFC 5321), or mail servers refuse the address.
    expect(address.indexOf('@')).toBeLessThanOrEqual(64);
    expect(verifyReplyToken(match?.[1] ?? '', links.signingKey)).toEqual({ customerId: 'c1', stepIndex: 0 });
    expect(verifyReplyToken(match?.[1] ?? '', 'another-key')).toBeUndefined();
  });

  it('uses the fixed Reply-To when no reply domain is set', async () => {
    const config = loadConfig({ replyTo: 'care@shop.example' });
    const email = await composeEmail({ view: view(), message, step, config, templates, links });
    expect(email.replyTo).toEqual(['"Northwind care team" <care@shop.example>']);
  });

  it('offers one-click unsubscribe (RFC 8058) with a signed token, and tags the send', async () => {
    const config = loadConfig();
    const email = await composeEmail({ view: view(), message, step, config, templates, links });
    const header = (name: string) => email.headers.find((h) => h.name === name)?.value ?? '';
    const token = /\?t=([\w.-]+)>/.exec(header('List-Unsubscribe'))?.[1] ?? '';
    expect(verifyLink(token, links.signingKey)?.purpose).toBe('unsubscribe');
    expect(header('List-Unsubscribe')).toContain(
      `<mailto:${config.sender.unsubscribeMailto}?subject=unsubscribe-${token}>`,
    );
    expect(header('List-Unsubscribe-Post')).toBe('List-Unsubscribe=One-Click');
    expect(email.tags).toMatchObject({ sequence: 'gentle-winback', step: 'check-in', segment: 'lapsed' });
  });
});

describe('template validation', () => {
  async function templatesWith(files: Record<string, string>): Promise<string> {
    const dir = await mkdtemp(join(tmpdir(), 'rekindle-templates-'));
    await mkdir(join(dir, '_partials', 'footer'), { recursive: true });
    for (const partial of ['head.mjml', 'header.mjml', 'footer/en.mjml'])
      await writeFile(
        join(dir, '_partials', partial),
        await readFile(join('templates/_partials', partial), 'utf8'),
      );
    for (const [path, text] of Object.entries(files)) {
      await mkdir(join(dir, path, '..'), { recursive: true });
      await writeFile(join(dir, path), text);
    }
    return dir;
  }
  const message = (front: string, body: string) =>
    `---\n${front}\n---\n<mjml lang="en">\n  <mj-body>\n    <mj-section>\n      <mj-column>\n        <mj-text>${body}</mj-text>\n      </mj-column>\n    </mj-section>\n  </mj-body>\n</mjml>\n`;

  it('fails on a variable the template did not declare, naming file and line', async () => {
    const dir = await templatesWith({
      'note/en.mjml': message('subject: "Hi"', 'Sorry about {{ incident.kind }}'),
    });
    const error = await compileTemplates(dir).catch((caught: unknown) => caught);
    expect(error).toBeInstanceOf(TemplateCompileError);
    expect(error instanceof TemplateCompileError ? error.issues : []).toEqual([
      expect.objectContaining({
        line: 8,
        message: expect.stringContaining(
          '"incident.kind" uses incident, which this template has not declared',
        ),
      }),
    ]);
  });

  it('fails on a misspelt field even of a declared variable', async () => {
    const dir = await templatesWith({
      'note/en.mjml': message(
        'subject: "Hi"\nvariables: [incident]',
        '{% if incident %}{{ incident.orderId }}{% endif %}',
      ),
    });
    await expect(compileTemplates(dir)).rejects.toThrow(
      /"incident.orderId": incident is declared, but incident has no field "orderId"/,
    );
  });

  it('fails when a branch cannot render for some customer', async () => {
    const dir = await templatesWith({
      'note/en.mjml': message('subject: "Hi"\nvariables: [incident]', 'About {{ incident.kind }}'),
    });
    await expect(compileTemplates(dir)).rejects.toThrow(
      /"incident.kind" fails for a customer with no incident/,
    );
  });

  it('lists the locales a message lacks', async () => {
    const catalog = await compileTemplates('templates');
    expect(localeGaps(catalog, 'en')).toEqual([]);
    const { 'apology/si': _removed, ...partial } = catalog;
    expect(localeGaps(partial, 'en')).toEqual([
      {
        templateId: 'apology',
        locale: 'si',
        servedLocale: 'en',
        message:
          'templates/apology has no si.mjml: customers in "si" get it in "en", unannounced; add templates/apology/si.mjml',
      },
    ]);
  });
});
