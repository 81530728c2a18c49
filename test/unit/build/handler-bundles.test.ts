import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { bundleHandlers } from '../../../bench/handlers.ts';
import { buildRuntimeBundle } from '../../../functions/build/runtime-bundle.ts';

const limitKb = 400;

describe('Lambda bundles', () => {
  it(`each stays under ${limitKb} KB as the stack bundles it, without zod's other locales`, async () => {
    const runtimeBundle = await buildRuntimeBundle({
      configFile: 'config/rekindle.yaml',
      templatesDir: 'templates',
    });
    const dir = await mkdtemp(join(tmpdir(), 'rekindle-bundles-'));
    try {
      const bundles = await bundleHandlers(runtimeBundle, dir);
      expect(bundles.map((bundle) => bundle.name)).toEqual(
        expect.arrayContaining(['send-step', 'ingest-event']),
      );
      const over = bundles
        .filter((bundle) => bundle.code.byteLength >= limitKb * 1024)
        .map((bundle) => `${bundle.name}: ${Math.round(bundle.code.byteLength / 1024)} KB`);
      expect(over).toEqual([]);
      // `import { z } from 'zod'` anywhere in a handler's imports brings back every locale (443 KB).
      const withLocales = bundles
        .map((bundle) => ({
          name: bundle.name,
          bytes: Object.entries(bundle.inputs)
            .filter(([input]) => /node_modules\/zod\/v4\/locales\/(?!en\.js)/.test(input))
            .reduce((sum, [, bytes]) => sum + bytes, 0),
        }))
        .filter((bundle) => bundle.bytes > 1024)
        .map((bundle) => `${bundle.name}: ${bundle.bytes} bytes of zod locales`);
      expect(withLocales).toEqual([]);
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  }, 120_000);
});
