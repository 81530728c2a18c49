import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { projectConfigSchema } from '../../../../functions/build/project-schema.ts';
import { parseConfig } from '../../../../functions/core/config/load.ts';
import { jsonSchemaErrors, type Schema, undescribedFields } from './json-schema-validator.ts';

const paths = { configFile: 'config/rekindle.yaml', templatesDir: 'templates' };
const shipped = readFileSync(paths.configFile, 'utf8');
const committed: Schema = JSON.parse(readFileSync('config/rekindle.schema.json', 'utf8'));

/** What an editor using the committed schema says about the shipped config with `change` applied. */
function editorErrors(change: (text: string) => string): string[] {
  const text = change(shipped);
  expect(text).not.toBe(shipped);
  return jsonSchemaErrors(committed, parse(text));
}

describe('config JSON Schema (config/rekindle.schema.json)', () => {
  it('is committed up to date (run "npx rekindle config-schema" after changing the schema, a template or a sequence)', async () => {
    expect(readFileSync('config/rekindle.schema.json', 'utf8')).toBe(await projectConfigSchema(paths));
  });

  it('describes every field', () => {
    expect(undescribedFields(committed)).toEqual([]);
  });

  it('accepts the shipped config', () => {
    expect(jsonSchemaErrors(committed, parse(shipped))).toEqual([]);
  });

  it('accepts the documented short forms, as the config itself does', () => {
    const change = (text: string) =>
      text
        .replace(
          'incident: { kind: [damaged, late, wrong_item, refund_delay, billing], withinDays: 365 }',
          'incident: { kind: damaged, withinDays: 365 }',
        )
        .replace(
          '      daysSinceLastOrder: { min: 45 }\n      consent: [granted, unknown]',
          '      daysSinceLastOrder: { min: 45 }\n      consent: granted\n      locale: es',
        );
    expect(editorErrors(change)).toEqual([]);
    expect(parseConfig(change(shipped), 'rekindle.yaml').ok).toBe(true);
  });

  it("offers the project's template and sequence names, the incident kinds and the IANA time zones, and flags others", () => {
    expect(
      editorErrors((text) => text.replace('        template: apology', '        template: apolgy')),
    ).toEqual(['(root).sequences.0.steps.0.template: "apolgy" is not one of the 4 allowed values']);
    expect(
      editorErrors((text) => text.replace('    sequence: make-it-right', '    sequence: make-it-rihgt')),
    ).toEqual([
      expect.stringMatching(
        /^\(root\)\.segments\.1\.sequence: matches none of: .*"make-it-rihgt" is not one of the 2 allowed values/,
      ),
    ]);
    expect(
      editorErrors((text) => text.replace('  timeZone: Europe/London', '  timeZone: Europe/Londn')),
    ).toEqual([
      expect.stringMatching(
        /^\(root\)\.segmentation\.timeZone: "Europe\/Londn" is not one of the \d+ allowed values$/,
      ),
    ]);
    expect(editorErrors((text) => text.replace('kind: [damaged, late,', 'kind: [damage, late,'))).toEqual([
      expect.stringContaining('"damage" is not one of the 8 allowed values'),
    ]);
  });

  it('lists every IANA time zone and UTC', () => {
    const text = JSON.stringify(committed);
    expect(text).toContain('"Europe/London"');
    expect(text).toContain('"Asia/Kolkata"');
    expect(text).toContain('"UTC"');
  });

  it('describes durations as text, as they are written', () => {
    expect(JSON.stringify(committed)).toContain('"pattern":"^\\\\d+(\\\\.\\\\d+)?\\\\s*(m|h|d|w)$"');
  });
});
