import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { bundleHandlers, type HandlerBundle } from '../../../bench/handlers.ts';
import { buildRuntimeBundle } from '../../../functions/build/runtime-bundle.ts';

const limitKb = 400;

/**
 * The AWS SDK packages each Lambda may require: those of the clients it uses, no other. Loading a
 * client's package costs 100–160 ms of CPU at cold start (docs/benchmarks.md), so a handler that
 * reaches another client's module through an import pays for a client it never builds.
 */
const sdkPackagesOf: Readonly<Record<string, readonly string[]>> = {
  'helpdesk-webhook': ['client-dynamodb', 'client-secrets-manager', 'lib-dynamodb'],
  'import-file': ['client-dynamodb', 'client-s3', 'lib-dynamodb'],
  'ingest-event': ['client-dynamodb', 'lib-dynamodb'],
  'plan-segmentation': ['client-dynamodb', 'client-sqs', 'lib-dynamodb'],
  'receive-reply': ['client-dynamodb', 'client-s3', 'client-secrets-manager', 'client-sesv2', 'lib-dynamodb'],
  'record-engagement': ['client-dynamodb', 'lib-dynamodb'],
  'score-segment': ['client-dynamodb', 'client-scheduler', 'lib-dynamodb'],
  'segment-customers': ['client-dynamodb', 'client-scheduler', 'lib-dynamodb'],
  'send-step': [
    'client-dynamodb',
    'client-scheduler',
    'client-secrets-manager',
    'client-sesv2',
    'lib-dynamodb',
  ],
  'shopify-event': ['client-dynamodb', 'client-s3', 'lib-dynamodb'],
  'shopify-webhook': ['client-dynamodb', 'client-s3', 'client-secrets-manager', 'lib-dynamodb'],
  'stripe-event': ['client-dynamodb', 'lib-dynamodb'],
  unsubscribe: ['client-dynamodb', 'client-secrets-manager', 'lib-dynamodb'],
};

describe('Lambda bundles', () => {
  let dir: string;
  let bundles: HandlerBundle[];
  beforeAll(async () => {
    const runtimeBundle = await buildRuntimeBundle({
      configFile: 'config/rekindle.yaml',
      templatesDir: 'templates',
    });
    dir = await mkdtemp(join(tmpdir(), 'rekindle-bundles-'));
    bundles = await bundleHandlers(runtimeBundle, dir);
  }, 180_000);
  afterAll(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  it(`each stays under ${limitKb} KB as the stack bundles it, without zod's other locales`, () => {
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
  });

  it('each requires the AWS SDK packages of the clients it uses, and no others', () => {
    const required = Object.fromEntries(
      bundles.map((bundle) => [bundle.name, bundle.sdkPackages.map((name) => name.replace('@aws-sdk/', ''))]),
    );
    // Every handler is in the table: a new one states what it loads.
    expect(required).toEqual(sdkPackagesOf);
  });
});
