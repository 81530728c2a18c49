import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { configJsonSchema } from '../../../functions/core/config/json-schema.ts';

describe('config JSON Schema', () => {
  it('is committed up to date (run "npx rekindle config-schema" after changing the zod schema)', () => {
    expect(readFileSync('config/rekindle.schema.json', 'utf8')).toBe(configJsonSchema());
  });

  it('describes durations as text, as they are written', () => {
    expect(configJsonSchema()).toContain('"pattern": "^\\\\d+(\\\\.\\\\d+)?\\\\s*(m|h|d|w)$"');
  });
});
