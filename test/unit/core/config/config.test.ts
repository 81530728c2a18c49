import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { parseConfig } from '../../../../functions/core/config/load.ts';

const valid = readFileSync('config/rekindle.yaml', 'utf8');

describe('parseConfig', () => {
  it('accepts the shipped config and converts durations to milliseconds', () => {
    const result = parseConfig(valid, 'config/rekindle.yaml');
    expect(result.ok).toBe(true);
    if (result.ok) {
      expect(result.config.sequences[0]?.steps[0]?.delay).toBe(0);
      expect(result.config.policy.cooldown).toBe(90 * 86_400_000);
    }
  });

  it('names the line and column of an unknown field', () => {
    const text = valid.replace('  defaultLocale: en', '  defaultLocale: en\n  colour: blue');
    const result = parseConfig(text, 'rekindle.yaml');
    expect(result.ok).toBe(false);
    if (!result.ok) {
      const line = text.split('\n').findIndex((l) => l.includes('colour')) + 1;
      expect(result.issues).toEqual([
        expect.objectContaining({
          file: 'rekindle.yaml',
          line,
          column: 3,
          message: expect.stringContaining('colour'),
        }),
      ]);
    }
  });

  it('names the field of a reference to a missing sequence and of a bad duration', () => {
    const text = valid
      .replace('sequence: gentle-winback', 'sequence: nope')
      .replace('delay: 0d', 'delay: soon');
    const result = parseConfig(text, 'rekindle.yaml');
    const original = parseConfig(valid, 'rekindle.yaml');
    const segmentIndex = original.ok
      ? original.config.segments.findIndex((segment) => segment.sequence === 'gentle-winback')
      : -1;
    expect(result.ok).toBe(false);
    if (!result.ok) {
      const paths = result.issues.map((issue) => issue.path);
      expect(paths).toContain(`segments.${segmentIndex}.sequence`);
      expect(paths).toContain('sequences.0.steps.0.delay');
      const delay = result.issues.find((issue) => issue.path.endsWith('delay'));
      expect(delay?.line).toBe(text.split('\n').findIndex((l) => l.includes('delay: soon')) + 1);
    }
  });

  it('reports YAML syntax errors with their position instead of throwing', () => {
    const result = parseConfig('shop: [unclosed\n', 'broken.yaml');
    expect(result.ok).toBe(false);
    if (!result.ok) expect(result.issues[0]).toMatchObject({ file: 'broken.yaml', line: expect.any(Number) });
  });
});
