import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { configJsonSchema } from '../../../../functions/core/config/json-schema.ts';

/** Every property name anywhere in the JSON Schema, depth first. */
function propertyNames(schema: unknown, names = new Set<string>()): Set<string> {
  if (Array.isArray(schema)) {
    for (const item of schema) propertyNames(item, names);
  } else if (typeof schema === 'object' && schema !== null) {
    for (const [key, value] of Object.entries(schema)) {
      if (key === 'properties' && typeof value === 'object' && value !== null)
        for (const name of Object.keys(value)) names.add(name);
      propertyNames(value, names);
    }
  }
  return names;
}

describe('docs/configuration.md', () => {
  it('documents every field of the config schema', () => {
    const doc = readFileSync('docs/configuration.md', 'utf8');
    const names = [...propertyNames(JSON.parse(configJsonSchema()))].filter((name) => name !== '$schema');
    expect(names.length).toBeGreaterThan(30);
    // Fields appear as `name`, `parent.name`, `steps[].name` or inside `{ name?, … }`.
    const documented = (name: string) => new RegExp(`[\`.{ ]${name}[\`?,.} /]`).test(doc);
    expect(names.filter((name) => !documented(name))).toEqual([]);
  });
});
