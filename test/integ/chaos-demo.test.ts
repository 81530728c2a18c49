import { mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import PostalMime from 'postal-mime';
import { afterAll, describe, expect, it } from 'vitest';
import { faultKinds } from '../../functions/local/chaos.ts';
import { demoInputs, demoStart, runDemo } from '../../functions/local/demo.ts';
import { forwardedFolder, ManifestEntrySchema } from '../../functions/local/demo-outbox.ts';
import { generateSampleData } from '../../functions/local/sample-data.ts';

const outDir = mkdtempSync(join(tmpdir(), 'rekindle-chaos-'));
afterAll(() => rmSync(outDir, { recursive: true, force: true }));

// Over 21 days later steps go out too (sent > enrolled below); the chaos run needs more customers.
const customers = 100;
const demo = (extra: Partial<Parameters<typeof runDemo>[0]>) =>
  runDemo({
    customers,
    seed: 11,
    days: 21,
    configFile: 'config/rekindle.yaml',
    templatesDir: 'templates',
    outDir: join(outDir, 'outbox'),
    ...extra,
  });

describe('rekindle demo', () => {
  // Two demo runs back to back: a ceiling for a loaded two-core machine, where they can take minutes.
  it('keeps every promise with its sends in the worker thread, and tells the same story each run', {
    timeout: 600_000,
  }, async () => {
    const first = await demo({});
    // Left from an earlier run: the next run's outbox must not show it.
    writeFileSync(join(outDir, 'outbox', '9999-stale-check-in.eml'), 'stale');
    const second = await demo({});
    expect(first.invariants.filter((invariant) => !invariant.ok)).toEqual([]);
    expect(first.sent).toBeGreaterThan(first.enrolled);
    // Sends run side by side in another thread, yet the outcomes and the first email are the same.
    expect(second.sent).toBe(first.sent);
    expect(second.steps).toEqual(first.steps);
    expect(second.emails[0]?.subject).toBe(first.emails[0]?.subject);
    expect(second.emails[0]?.destination).toEqual(first.emails[0]?.destination);
    expect(second.manifest).toEqual(
      first.manifest.map((entry, index) => ({
        ...entry,
        messageId: second.manifest[index]?.messageId,
      })),
    );

    // The outbox as a reader finds it: this run's files only, one manifest line per email.
    const outbox = join(outDir, 'outbox');
    const lines = readFileSync(join(outbox, 'manifest.jsonl'), 'utf8').trim().split('\n');
    const manifest = lines.map((line) => ManifestEntrySchema.parse(JSON.parse(line)));
    expect(manifest).toHaveLength(second.sent);
    const files = manifest.flatMap((entry) => [entry.files.eml, entry.files.html, entry.files.txt]);
    expect(
      readdirSync(outbox)
        .filter((name) => name !== 'manifest.jsonl' && name !== forwardedFolder)
        .sort(),
    ).toEqual(files.sort());
    for (const entry of manifest.slice(0, 20)) {
      const email = await PostalMime.parse(readFileSync(join(outbox, entry.files.eml)));
      expect(email.subject).toBe(entry.subject);
      expect(new Date(email.date ?? '').toISOString()).toBe(entry.sentAt.replace(/\.\d{3}Z$/, '.000Z'));
      expect(email.to?.[0]?.address).toBe(entry.to);
      expect(email.messageId).toBe(`<${entry.messageId}@email.amazonses.com>`);
      const header = (key: string) => email.headers.find((candidate) => candidate.key === key)?.value;
      expect(header('list-unsubscribe')).toMatch(/^<https?:.+>, <mailto:.+>$/);
      expect(header('list-unsubscribe-post')).toBe('List-Unsubscribe=One-Click');
      expect(email.replyTo?.[0]?.address).toMatch(/@/);
      // postal-mime keeps the line break before a part's boundary as one more line.
      expect(email.html?.replace(/\n$/, '')).toBe(readFileSync(join(outbox, entry.files.html), 'utf8'));
      expect(email.text?.length).toBeGreaterThan(0);
    }

    // The inputs beside the outbox are the files imported.
    const inputs = demoInputs(generateSampleData({ customers, seed: 11, now: demoStart }));
    for (const [name, csv] of Object.entries(inputs))
      expect(readFileSync(join(outDir, name), 'utf8')).toBe(csv);
    expect(inputs['customers.csv'].split('\n')).toHaveLength(customers + 1);
    expect(second.imported.customers.written).toBe(customers);
  });
});

describe('rekindle demo --chaos', () => {
  it('keeps every promise while every kind of fault strikes (seed 11)', async () => {
    // 150 customers: enough traffic for every kind of fault to strike at this seed and rate.
    const report = await demo({ customers: 150, chaos: { seed: 11, rate: 0.08 } });
    const broken = report.invariants.filter((invariant) => !invariant.ok);
    expect(
      broken.map((invariant) => `${invariant.name}: ${invariant.violations.slice(0, 3).join('; ')}`),
    ).toEqual([]);
    expect(report.invariants).toHaveLength(8);
    for (const kind of faultKinds) expect(report.injected?.[kind], kind).toBeGreaterThan(0);
    // The run still did its job: most enrolled customers got their emails.
    expect(report.sent).toBeGreaterThan(report.enrolled);
  });

  it('fails the invariant when a broken sender emails a step twice', async () => {
    const report = await demo({
      customers: 30,
      days: 8,
      wrapMailer: (mailer) => ({
        send: async (email) => {
          await mailer.send(email);
          return mailer.send(email);
        },
      }),
    });
    const twice = report.invariants.find((invariant) => invariant.name === 'no step sent twice');
    expect(twice?.ok).toBe(false);
    expect(twice?.violations.every((violation) => violation.endsWith('sent 2×'))).toBe(true);
  });
});
