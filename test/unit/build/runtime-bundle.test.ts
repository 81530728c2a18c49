import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildRuntimeBundle } from '../../../functions/build/runtime-bundle.ts';
import { ConfigError } from '../../../functions/core/config/load.ts';

/** The checks of the config against the templates that `validate`, `cdk synth` and the runtime share. */
describe('buildRuntimeBundle', () => {
  let dir: string;
  let shipped: string;
  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'rekindle-bundle-'));
    shipped = await readFile('config/rekindle.yaml', 'utf8');
  });
  afterAll(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  /** The issues of the shipped config with `edit` applied, or [] when it builds. */
  async function issuesOf(edit: (text: string) => string) {
    const configFile = join(dir, `config-${Math.random().toString(36).slice(2)}.yaml`);
    await writeFile(configFile, edit(shipped));
    try {
      await buildRuntimeBundle({ configFile, templatesDir: 'templates' });
      return [];
    } catch (error: unknown) {
      if (error instanceof ConfigError) return error.issues;
      throw error;
    }
  }

  it('builds the shipped config', async () => {
    expect(await issuesOf((text) => text)).toEqual([]);
  });

  it('refuses a step showing the updates feed without requires: updates, at its line', async () => {
    const issues = await issuesOf((text) => text.replace(/ {8}requires: updates # only when.*\n/, ''));
    expect(issues).toHaveLength(1);
    expect(issues[0]).toMatchObject({
      path: 'sequences.1.steps.1.template',
      message: expect.stringContaining('add "requires: updates" to step "what-we-fixed"'),
    });
    const line = shipped.split('\n').findIndex((row) => row.includes('template: we-fixed-it') && row) + 1;
    expect(issues[0]?.line).toBeGreaterThan(line);
  });

  it('refuses an alternative template that does not exist', async () => {
    const issues = await issuesOf((text) =>
      text.replace(
        'requires: incident #',
        'otherwise: { template: no-such-message }\n        requires: incident #',
      ),
    );
    expect(issues.map((issue) => [issue.path, issue.message])).toEqual([
      [
        'sequences.0.steps.0.otherwise.template',
        'no template "no-such-message" in the default locale "en-GB" under templates',
      ],
    ]);
  });

  it('refuses a condition on opens in a sequence that does not track them', async () => {
    const issues = await issuesOf((text) =>
      text.replace(
        /(- id: last-note\n {8}template: last-note\n {8}delay: 7d\n)( {2}- id: gentle-winback)/,
        '$1        when: { step: what-changed, opened: false }\n$2',
      ),
    );
    expect(issues).toHaveLength(1);
    expect(issues[0]).toMatchObject({
      path: 'sequences.0.steps.2.when',
      message: expect.stringContaining('does not track opens'),
    });
  });
});
