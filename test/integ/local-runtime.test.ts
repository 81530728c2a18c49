import { describe, expect, it } from 'vitest';
import { buildRuntimeBundle } from '../../functions/build/runtime-bundle.ts';
import { DynamoDbLocalUnavailableError, startDynamoDbLocal } from '../../functions/local/dynamodb-local.ts';
import { startLocalRuntime } from '../../functions/local/local-runtime.ts';
import { VirtualClock } from '../../functions/ports/clock.ts';

const refused = async (endpoint: string) =>
  fetch(endpoint, { signal: AbortSignal.timeout(2_000) }).then(
    () => false,
    () => true,
  );

describe('the local runtime', () => {
  it('says what to install when java is missing', async () => {
    const attempt = startDynamoDbLocal({ java: '/nonexistent/java' });
    await expect(attempt).rejects.toBeInstanceOf(DynamoDbLocalUnavailableError);
    await expect(attempt).rejects.toThrow(/Java 17/);
  });

  it('binds every emulator to 127.0.0.1, stops them all and restores the environment', async () => {
    const before = process.env.AWS_ENDPOINT_URL_DYNAMODB;
    const bundle = await buildRuntimeBundle({
      configFile: 'config/rekindle.yaml',
      templatesDir: 'templates',
    });
    const runtime = await startLocalRuntime({ clock: new VirtualClock(0), bundle, logLevel: 'SILENT' });
    const endpoints = Object.values(runtime.endpoints);
    expect(endpoints).toHaveLength(4);
    for (const endpoint of endpoints) expect(endpoint).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);
    expect(process.env.AWS_ENDPOINT_URL_DYNAMODB).toBe(runtime.endpoints.dynamodb);

    await runtime.stop();

    for (const endpoint of endpoints) expect(await refused(endpoint)).toBe(true);
    expect(process.env.AWS_ENDPOINT_URL_DYNAMODB).toBe(before);
  });
});
