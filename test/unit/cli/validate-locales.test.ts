import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { localeGaps } from '../../../functions/build/compile-templates.ts';
import { main } from '../../../functions/cli/main.ts';
import { MemoryOutput } from '../../../functions/cli/output.ts';
import type { TemplateCatalog } from '../../../functions/core/rendering/compiled-template.ts';

function catalogOf(...keys: string[]): TemplateCatalog {
  return Object.fromEntries(
    keys.map((key) => {
      const [id = '', locale = ''] = key.split('/');
      return [key, { id, locale, subject: 's', preheader: '', html: '<p>x</p>', variables: [] }];
    }),
  );
}

describe('localeGaps', () => {
  const catalog = catalogOf('apology/en', 'apology/hi', 'checking-in/en');

  it('by default lists the locales one message has and another lacks', () => {
    expect(localeGaps(catalog, 'en').map((gap) => gap.message)).toEqual([
      'templates/checking-in has no hi.mjml: customers in "hi" get it in "en", unannounced; add templates/checking-in/hi.mjml',
    ]);
  });

  it("lists each of the shop's locales a message lacks, a region being covered by its language", () => {
    expect(localeGaps(catalog, 'en-GB', ['en-GB', 'hi-IN', 'ta']).map((gap) => gap.message)).toEqual([
      'templates/apology has no ta.mjml: customers in "ta" get it in "en", unannounced; add templates/apology/ta.mjml',
      'templates/checking-in has no hi-IN.mjml or hi.mjml: customers in "hi-IN" get it in "en", unannounced; add templates/checking-in/hi.mjml',
      'templates/checking-in has no ta.mjml: customers in "ta" get it in "en", unannounced; add templates/checking-in/ta.mjml',
    ]);
  });

  it('says when a message has no version in the default locale either', () => {
    expect(localeGaps(catalogOf('apology/hi'), 'en', ['hi', 'ta'])).toEqual([
      {
        templateId: 'apology',
        locale: 'ta',
        message:
          'templates/apology has no ta.mjml and none in the default "en": customers in "ta" cannot get it; add templates/apology/ta.mjml',
      },
    ]);
  });
});

describe("rekindle validate with a regional default and the shop's locales", () => {
  let dir: string;
  let configFile: string;

  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'rekindle-validate-'));
    configFile = join(dir, 'rekindle.yaml');
    const config = await readFile('config/rekindle.yaml', 'utf8');
    await writeFile(
      configFile,
      config.replace(
        /^ {2}defaultLocale: .*$/m,
        '  defaultLocale: en-GB\n  locales: [en-GB, hi-IN, gu, si-LK, ta]',
      ),
    );
  });
  afterAll(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  it('accepts en-GB with the en templates and warns, per template, about the locale none covers', async () => {
    const out = new MemoryOutput();
    const code = await main(['validate', '--config', configFile], out);
    expect(out.errors.join('\n')).not.toMatch(/error|no template/i);
    expect(code).toBe(0);
    const gaps = out.errors.filter((line) => line.includes('has no'));
    expect(gaps).toEqual(
      ['apology', 'checking-in', 'last-note', 'we-fixed-it'].map(
        (id) =>
          `${configFile}:9:38  warning  shop.locales.4  templates/${id} has no ta.mjml: customers in "ta" get it in "en", unannounced; add templates/${id}/ta.mjml`,
      ),
    );
    expect(out.lines.join('\n')).toMatch(/valid \(.*warnings\)/);
  }, 120_000);

  it('refuses a default locale that is not a language tag', async () => {
    const text = (await readFile(configFile, 'utf8')).replace(
      'defaultLocale: en-GB',
      'defaultLocale: English',
    );
    const bad = join(dir, 'bad.yaml');
    await writeFile(bad, text);
    const out = new MemoryOutput();
    expect(await main(['validate', '--config', bad], out)).toBe(1);
    expect(out.errors.join('\n')).toContain('expected a language tag such as "en" or "en-GB"');
  });
});
