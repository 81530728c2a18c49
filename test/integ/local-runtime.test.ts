import { describe, expect, it } from 'vitest';
import { buildRuntimeBundle } from '../../functions/build/runtime-bundle.ts';
import { DynamoDbLocalUnavailableError, startDynamoDbLocal } from '../../functions/local/dynamodb-local.ts';
import { startLocalRuntime } from '../../functions/local/local-runtime.ts';
import { VirtualClock } from '../../functions/local/virtual-clock.ts';

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
    const runtime = await startLocalRuntime({
      clock: new VirtualClock(0),
      bundle,
      logLevel: 'SILENT',
      exportEnvironment: true,
    });
    const endpoints = Object.values(runtime.endpoints);
    expect(endpoints).toHaveLength(4);
    for (const endpoint of endpoints) expect(endpoint).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);
    expect(process.env.AWS_ENDPOINT_URL_DYNAMODB).toBe(runtime.endpoints.dynamodb);

    await runtime.stop();

    for (const endpoint of endpoints) expect(await refused(endpoint)).toBe(true);
    expect(process.env.AWS_ENDPOINT_URL_DYNAMODB).toBe(before);
  });

  it("keeps each runtime to its own emulators, whatever the environment says, and leaves a newer runtime's environment alone", async () => {
    const bundle = await buildRuntimeBundle({
      configFile: 'config/rekindle.yaml',
      templatesDir: 'templates',
    });
    const saved = { ...process.env };
    const first = await startLocalRuntime({
      clock: new VirtualClock(0),
      bundle,
      logLevel: 'SILENT',
      exportEnvironment: true,
    });
    try {
      // A leftover of a failed test, say, pointing the variables at an endpoint where nothing listens.
      process.env.AWS_ENDPOINT_URL_DYNAMODB = 'http://127.0.0.1:9';
      const second = await startLocalRuntime({
        clock: new VirtualClock(0),
        bundle,
        logLevel: 'SILENT',
        exportEnvironment: true,
      });
      try {
        process.env.AWS_ENDPOINT_URL_SCHEDULER = 'http://127.0.0.1:9';
        await first.store.putCustomers([
          {
            customerId: 'only-first',
            email: 'a@example.com',
            firstName: 'A',
            locale: 'en',
            consent: 'granted',
          },
        ]);
        // Each runtime's clients reach its own table, never the other's or the environment's.
        expect(await first.store.getCustomerView('only-first')).toBeDefined();
        expect(await second.store.getCustomerView('only-first')).toBeUndefined();
        const endpoint = await second.clients.dynamodb.config.endpoint?.();
        expect(`${endpoint?.protocol}//${endpoint?.hostname}:${endpoint?.port}`).toBe(
          second.endpoints.dynamodb,
        );
        await first.stop();
        // Stopping the older runtime does not take the newer one's variables away.
        expect(process.env.AWS_ENDPOINT_URL_DYNAMODB).toBe(second.endpoints.dynamodb);
      } finally {
        await second.stop();
      }
    } finally {
      await first.stop();
      for (const name of ['AWS_ENDPOINT_URL_DYNAMODB', 'AWS_ENDPOINT_URL_SCHEDULER']) {
        const value = saved[name];
        if (value === undefined) delete process.env[name];
        else process.env[name] = value;
      }
    }
  });

  it('changes no environment variable unless asked to export the endpoints', async () => {
    const bundle = await buildRuntimeBundle({
      configFile: 'config/rekindle.yaml',
      templatesDir: 'templates',
    });
    const before = { ...process.env };
    const runtime = await startLocalRuntime({ clock: new VirtualClock(0), bundle, logLevel: 'SILENT' });
    try {
      expect({ ...process.env }).toEqual(before);
      // Its own clients reach its emulators all the same.
      await runtime.store.putCustomers([
        { customerId: 'c1', email: 'c1@example.com', firstName: 'C', locale: 'en', consent: 'granted' },
      ]);
      expect(await runtime.store.getCustomerView('c1')).toBeDefined();
    } finally {
      await runtime.stop();
    }
    expect({ ...process.env }).toEqual(before);
  });
});
