import { describe, expect, it } from 'vitest';
import {
  bakedBundleIdentifier,
  bakedBundleModule,
  buildRuntimeBundle,
  jsonChangedPath,
  serializeBundle,
} from '../../../functions/build/runtime-bundle.ts';
import type { RekindleConfig } from '../../../functions/core/config/schema.ts';
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

const shipped = () => buildRuntimeBundle({ configFile: 'config/rekindle.yaml', templatesDir: 'templates' });

describe('the baked bundle', () => {
  it('is compressed in the module and reads back as the validated config and templates', async () => {
    const bundle = await shipped();
    const baked = bakedConstant(bakedBundleModule(bundle.serialized));
    expect(baked.length).toBeLessThan(bundle.serialized.length);
    expect(baked).not.toContain(bundle.config.shop.name);
    const loaded = loadRuntimeBundle(baked);
    expect(loaded).toEqual(loadRuntimeBundle(bundle.serialized));
    // Strictly: no default, converted duration or template is lost or changed on the way.
    expect(loaded.config).toStrictEqual(bundle.config);
    expect(loaded.templates).toStrictEqual(bundle.templates);
    expect(loadRuntimeBundle(bundle.serializedConfig)).toStrictEqual({
      config: bundle.config,
      templates: {},
    });
  });

  it('refuses a bundle of another layout: the YAML as written, or no bundle at all', async () => {
    const { config } = await shipped();
    for (const serialized of [
      JSON.stringify({ config: { shop: {} }, templates: {} }),
      bakedConstant(bakedBundleModule(JSON.stringify({ format: 1, config, templates: {} }))),
      JSON.stringify({ format: 2, config: null, templates: {} }),
      '[]',
    ]) {
      expect(() => loadRuntimeBundle(serialized)).toThrow(EnvironmentError);
      expect(() => loadRuntimeBundle(serialized)).toThrow(/REKINDLE_BUNDLE is not a bundle of format 2/);
    }
    expect(() => loadRuntimeBundle('')).toThrow(/was not baked into this function/);
  });

  it('will not bake a config that JSON would change, and names where', async () => {
    const { config } = await shipped();
    expect(jsonChangedPath({ a: [1, 'x', null, { b: true, c: undefined }] }, '')).toBeUndefined();
    expect(jsonChangedPath({ a: { b: [1, Number.POSITIVE_INFINITY] } }, '')).toBe('.a.b[1] (Infinity)');
    expect(jsonChangedPath({ at: new Date(0) }, '')).toBe('.at (Date)');
    expect(jsonChangedPath({ seen: new Set() }, '')).toBe('.seen (Set)');
    expect(jsonChangedPath({ list: [undefined] }, '')).toBe('.list[0] (undefined)');
    expect(jsonChangedPath({ f: () => 1 }, '')).toBe('.f (function)');
    const broken = { ...config, shop: { ...config.shop, name: Number.NaN } } as unknown as RekindleConfig;
    expect(() => serializeBundle({ config: broken, templates: {} })).toThrow(
      'the validated config cannot be baked: JSON would change .config.shop.name (NaN)',
    );
  });
});
