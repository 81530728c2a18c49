import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { faultKinds } from '../../functions/local/chaos.ts';
import { runDemo } from '../../functions/local/demo.ts';

const outDir = mkdtempSync(join(tmpdir(), 'rekindle-chaos-'));
afterAll(() => rmSync(outDir, { recursive: true, force: true }));

const demo = (extra: Partial<Parameters<typeof runDemo>[0]>) =>
  runDemo({
    customers: 150,
    seed: 11,
    days: 21,
    configFile: 'config/rekindle.yaml',
    templatesDir: 'templates',
    outDir: join(outDir, 'outbox'),
    ...extra,
  });

describe('rekindle demo', () => {
  it('keeps every promise with its sends in the worker thread, and tells the same story each run', async () => {
    const [first, second] = [await demo({}), await demo({})];
    expect(first.invariants.filter((invariant) => !invariant.ok)).toEqual([]);
    expect(first.sent).toBeGreaterThan(first.enrolled);
    // Sends run side by side in another thread, yet the outcomes and the first email are the same.
    expect(second.sent).toBe(first.sent);
    expect(second.steps).toEqual(first.steps);
    expect(second.emails[0]?.subject).toBe(first.emails[0]?.subject);
    expect(second.emails[0]?.destination).toEqual(first.emails[0]?.destination);
  });
});

describe('rekindle demo --chaos', () => {
  it('keeps every promise while every kind of fault strikes (seed 11)', async () => {
    const report = await demo({ chaos: { seed: 11, rate: 0.08 } });
    const broken = report.invariants.filter((invariant) => !invariant.ok);
    expect(
      broken.map((invariant) => `${invariant.name}: ${invariant.violations.slice(0, 3).join('; ')}`),
    ).toEqual([]);
    expect(report.invariants).toHaveLength(6);
    for (const kind of faultKinds) expect(report.injected?.[kind], kind).toBeGreaterThan(0);
    // The run still did its job: most enrolled customers got their emails.
    expect(report.sent).toBeGreaterThan(report.enrolled);
  });

  it('fails the invariant when a broken sender emails a step twice', async () => {
    const report = await demo({
      customers: 60,
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
