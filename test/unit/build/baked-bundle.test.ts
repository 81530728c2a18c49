import { readFile } from 'node:fs/promises';
import { describe, expect, it } from 'vitest';
import { bakedBundleIdentifier, bakedBundleModule } from '../../../functions/build/runtime-bundle.ts';
import { parseConfig } from '../../../functions/core/config/load.ts';
import { EnvironmentError } from '../../../functions/handlers/environment.ts';
import { loadRuntimeBundle } from '../../../functions/handlers/runtime-bundle.ts';

/** The string constant the injected module defines, as the bundle holds it. */
function bakedConstant(module: string): string {
  const match = new RegExp(`^export const ${bakedBundleIdentifier} = (".*");\\n$`).exec(module);
  if (match?.[1] === undefined) throw new Error(`unexpected module: ${module.slice(0, 80)}`);
  const value: unknown = JSON.parse(match[1]);
  if (typeof value !== 'string') throw new Error('the constant is not a string');
  return value;
}

describe('the baked bundle', () => {
  it('is compressed in the module and reads back as the config it was made from', async () => {
    const parsed = parseConfig(await readFile('config/rekindle.yaml', 'utf8'), 'config/rekindle.yaml');
    if (!parsed.ok) throw new Error('the shipped config does not parse');
    const serialized = JSON.stringify({ config: parsed.input, templates: {} });
    const baked = bakedConstant(bakedBundleModule(serialized));
    expect(baked.length).toBeLessThan(serialized.length);
    expect(baked).not.toContain(parsed.config.shop.name);
    expect(loadRuntimeBundle(baked)).toEqual(loadRuntimeBundle(serialized));
    expect(loadRuntimeBundle(baked).config).toEqual(parsed.config);
  });

  it('refuses a compressed bundle with an invalid config as the plain one', () => {
    const baked = bakedConstant(bakedBundleModule(JSON.stringify({ config: { shop: {} }, templates: {} })));
    expect(() => loadRuntimeBundle(baked)).toThrow(EnvironmentError);
    expect(() => loadRuntimeBundle(baked)).toThrow(/REKINDLE_BUNDLE is invalid:\n.*shop/s);
  });
});
