import { cp, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, relative } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { checkProject, formatFinding } from '../../../../functions/build/check-project.ts';
import { main } from '../../../../functions/cli/main.ts';
import { MemoryOutput } from '../../../../functions/cli/output.ts';

/** Each rule of `rekindle validate` about the config: the shipped config broken one way, the exact message. */
let dir: string;
let shipped: string;

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'rekindle-config-findings-'));
  shipped = await readFile('config/rekindle.yaml', 'utf8');
});

afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

let written = 0;

/** Writes the shipped config with `change` applied; its path. */
async function configWith(change: (text: string) => string): Promise<string> {
  const text = change(shipped);
  expect(text).not.toBe(shipped);
  written += 1;
  const file = join(dir, `rekindle-${written}.yaml`);
  await writeFile(file, text);
  return file;
}

/** The findings of the shipped config with `change` applied, the file shown as `rekindle.yaml`. */
async function findingsOf(change: (text: string) => string, templatesDir = 'templates'): Promise<string[]> {
  const configFile = await configWith(change);
  const { findings } = await checkProject({ configFile, templatesDir });
  return findings.map((finding) => formatFinding(finding).replace(configFile, 'rekindle.yaml'));
}

describe('rekindle validate: the config', () => {
  it('finds nothing in the shipped config and templates', async () => {
    const { findings } = await checkProject({
      configFile: 'config/rekindle.yaml',
      templatesDir: 'templates',
    });
    expect(findings).toEqual([]);
  });

  it('suggests the field meant for a misspelt one', async () => {
    expect(
      await findingsOf((text) =>
        text.replace('    holdoutPercent: 10\n  - id: lost', '    holdoutPercnt: 10\n  - id: lost'),
      ),
    ).toEqual([
      'rekindle.yaml:52:5  error  segments.1  unknown field "holdoutPercnt"; did you mean "holdoutPercent"?',
    ]);
  });

  it('places a misspelt template name at the config line naming it, with the one meant', async () => {
    expect(
      await findingsOf((text) => text.replace('        template: apology', '        template: apolgy')),
    ).toEqual([
      'rekindle.yaml:91:19  error  sequences.0.steps.0.template  no template "apolgy" in the default locale "en-GB" under templates; did you mean "apology"?',
      'templates/apology/en.mjml:1:1  warning  template "apology" is not used: no step of a sequence names it, so nobody gets it; name it in a step ("template: apology") or remove templates/apology',
    ]);
  });

  it('refuses a segment id used twice', async () => {
    expect(await findingsOf((text) => text.replace('  - id: lost', '  - id: drifting'))).toEqual([
      'rekindle.yaml:59:9  error  segments.3.id  segment id "drifting" is used twice: enrolments and reports are kept by segment id, so give each segment its own',
    ]);
  });

  it('refuses an update without its title in the default language', async () => {
    expect(
      await findingsOf((text) => text.replace('        en: Refunds within three working days\n', '')),
    ).toEqual([
      'rekindle.yaml:125:9  error  content.updates.0.title  update "refunds-in-three-days" has no "en" title: readers in "en", and in every locale without its own title, get the "hi" one; add en: …',
    ]);
  });

  it('warns about the segments after a catch-all, which can never match', async () => {
    const findings = await findingsOf((text) =>
      text.replace('  - id: lost\n', '  - id: everyone\n    sequence: gentle-winback\n  - id: lost\n'),
    );
    expect(findings).toEqual([
      'rekindle.yaml:55:9  warning  segments.3.id  segment "lost" can never match: "everyone" (line 53) comes first and has no conditions, so it takes every customer; move "everyone" to the end',
      'rekindle.yaml:61:9  warning  segments.4.id  segment "drifting" can never match: "everyone" (line 53) comes first and has no conditions, so it takes every customer; move "everyone" to the end',
      'rekindle.yaml:70:9  warning  segments.5.id  segment "lapsed" can never match: "everyone" (line 53) comes first and has no conditions, so it takes every customer; move "everyone" to the end',
    ]);
  });

  it('warns about a segment every customer of which an earlier, broader one takes', async () => {
    const findings = await findingsOf((text) =>
      text
        .replace(
          '  - id: lost\n',
          '  - id: long-gone\n    when:\n      daysSinceLastOrder: { min: 400 }\n    sequence: null\n  - id: lost\n',
        )
        .replace(
          '  - id: open-ticket\n',
          '  - id: a-year\n    when:\n      daysSinceLastOrder: { min: 365 }\n    sequence: null\n  - id: open-ticket\n',
        ),
    );
    expect(findings).toEqual([
      'rekindle.yaml:57:9  warning  segments.3.id  segment "long-gone" can never match: every customer it describes matches "a-year" (line 39) first, and a customer is in the first segment that matches; move "long-gone" above "a-year" or narrow "a-year"',
      'rekindle.yaml:61:9  warning  segments.4.id  segment "lost" can never match: every customer it describes matches "a-year" (line 39) first, and a customer is in the first segment that matches; move "lost" above "a-year" or narrow "a-year"',
    ]);
  });

  it('warns about a segment whose own conditions no customer can meet', async () => {
    const findings = await findingsOf((text) =>
      text.replace(
        '      daysSinceLastOrder: { min: 120 }\n',
        '      daysSinceLastOrder: { min: 120 }\n      orderCount: { max: 0 }\n',
      ),
    );
    expect(findings).toEqual([
      'rekindle.yaml:72:19  warning  segments.4.when.orderCount  segment "lapsed" can never match: it wants customers with no orders (orderCount max 0) and a daysSinceLastOrder, which only a customer with an order has',
    ]);
  });

  it('warns about a sequence no segment uses', async () => {
    expect(
      await findingsOf((text) =>
        text.replace('    sequence: make-it-right\n', '    sequence: gentle-winback\n'),
      ),
    ).toEqual([
      'rekindle.yaml:86:9  warning  sequences.0.id  sequence "make-it-right" is not used: no segment has "sequence: make-it-right", so nobody gets it; name it in a segment or remove it',
    ]);
  });

  it('warns what a send window of a minute does to the emails', async () => {
    expect(await findingsOf((text) => text.replace('    to: "19:00"', '    to: "09:01"'))).toEqual([
      `rekindle.yaml:29:9  warning  policy.sendWindow.to  the send window is open only 1 minute a day (09:00–09:01): the Scheduler may fire a send up to 15 minutes late (policy.scheduleFlexibility), after the window has closed, and such a send waits for the next day's window, often again and again; fewer emails go out, and later. Open it for at least 60 minutes`,
    ]);
  });

  it('reports config errors and template errors in one run', async () => {
    const templatesDir = join(dir, 'templates');
    await cp('templates', templatesDir, { recursive: true });
    const file = join(templatesDir, 'checking-in', 'en.mjml');
    await writeFile(
      file,
      (await readFile(file, 'utf8')).replace('{{ shop.signer }}', '{{ customer.lastName }}'),
    );
    const findings = await findingsOf(
      (text) => text.replace('    holdoutPercent: 10\n  - id: lost', '    holdoutPercnt: 10\n  - id: lost'),
      templatesDir,
    );
    expect(findings.map((finding) => finding.replace(dir, ''))).toEqual([
      'rekindle.yaml:52:5  error  segments.1  unknown field "holdoutPercnt"; did you mean "holdoutPercent"?',
      expect.stringMatching(
        /\/templates\/checking-in\/en\.mjml:18:41 {2}error {2}"customer\.lastName": customer has no field "lastName"/,
      ),
    ]);
  });
});

describe('rekindle validate: the JSON Schema the config names', () => {
  it('warns when it does not know a sequence, so an editor would flag a correct name', async () => {
    await cp('config/rekindle.schema.json', join(dir, 'rekindle.schema.json'));
    const findings = await findingsOf((text) => text.replaceAll('gentle-winback', 'gentle-return'));
    expect(findings.map((finding) => finding.replace(relative(process.cwd(), dir), ''))).toEqual([
      '/rekindle.schema.json:1:1  warning  does not know "gentle-return": an editor using it flags that name as wrong; run npx rekindle config-schema',
    ]);
  });
});

describe('rekindle validate: a template that does not compile', () => {
  it('is reported once: not also as a missing locale or a missing template', async () => {
    const templatesDir = join(dir, 'broken-templates');
    await cp('templates', templatesDir, { recursive: true });
    const file = join(templatesDir, 'checking-in', 'en.mjml');
    await writeFile(file, (await readFile(file, 'utf8')).replace('</mj-column>', ''));
    const { findings } = await checkProject({ configFile: 'config/rekindle.yaml', templatesDir });
    const shown = relative(process.cwd(), dir);
    expect(findings.map((finding) => formatFinding(finding).replace(shown, ''))).toEqual([
      '/broken-templates/checking-in/en.mjml:14:7  error  <mj-column> is never closed (</mj-section> comes first): MJML closes it silently and what follows runs into it; add </mj-column> where it ends',
    ]);
  });
});

describe('rekindle validate: exit codes', () => {
  it('exits 0 on the shipped config, with nothing to say', async () => {
    const out = new MemoryOutput();
    expect(await main(['validate', '--strict'], out)).toBe(0);
    expect(out.errors).toEqual([]);
  });

  it('exits 0 with warnings, and 1 with the same warnings under --strict', async () => {
    const configFile = await configWith((text) => text.replace('    to: "19:00"', '    to: "09:30"'));
    const lenient = new MemoryOutput();
    expect(await main(['validate', '--config', configFile], lenient)).toBe(0);
    expect(lenient.lines.join('\n')).toContain('valid (2 sequences, 16 compiled templates, 1 warning)');
    const strict = new MemoryOutput();
    expect(await main(['validate', '--config', configFile, '--strict'], strict)).toBe(1);
    expect(strict.errors.at(-1)).toBe(`${configFile}: 1 warning (--strict treats warnings as errors)`);
  });

  it('exits 1 on an error', async () => {
    const configFile = await configWith((text) => text.replace('  - id: lost', '  - id: drifting'));
    const out = new MemoryOutput();
    expect(await main(['validate', '--config', configFile], out)).toBe(1);
    expect(out.errors.at(-1)).toBe(`${configFile}: 1 error`);
  });
});
