import { Logger } from '@aws-lambda-powertools/logger';
import type { EventBridgeEvent } from 'aws-lambda';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { makeHandler, shopEventTypes } from '../../../functions/handlers/ingest-event.ts';
import { MalformedEventError } from '../../../functions/handlers/malformed-event.ts';
import { MemoryForgotten } from '../../support/memory-forgotten.ts';
import { MemoryIngestStore } from '../../support/memory-ingest-store.ts';
import { shopEvent } from '../../support/shop-event.ts';
import { hostileJson, hostileString, mutate, mutation, prototypeKeys } from './arbitraries.ts';

const validDetails: Record<string, unknown> = {
  'order.placed': { orderId: 'o1', customerId: 'c1', placedAt: '2026-11-20', amount: '12.5' },
  'customer.updated': { customerId: 'c1', email: 'a@example.com', timeZone: 'Asia/Kolkata' },
  'incident.opened': { incidentId: 'i1', customerId: 'c1', kind: 'late', occurredAt: '2026-11-01' },
  'incident.resolved': {
    incidentId: 'i1',
    customerId: 'c1',
    kind: 'late',
    occurredAt: '2026-11-01',
    resolvedAt: '2026-11-03',
  },
};

/** Runs one event: it is stored, or refused with a MalformedEventError saying why; nothing else. */
async function ingest(event: EventBridgeEvent<string, unknown>) {
  const store = new MemoryIngestStore();
  const handle = makeHandler({
    store,
    forgotten: new MemoryForgotten(),
    logger: new Logger({ logLevel: 'SILENT' }),
  });
  try {
    const outcome = await handle(event);
    return { ok: true as const, outcome, store };
  } catch (error: unknown) {
    expect(error).toBeInstanceOf(MalformedEventError);
    const message = error instanceof Error ? error.message : '';
    expect(message.trim()).not.toBe('');
    return { ok: false as const, message, store };
  }
}

const writes = (store: MemoryIngestStore) => store.customers.size + store.orders.size + store.incidents.size;

describe('EventBridge shop events under fuzzing', () => {
  it('refuses any unknown detail-type by name, prototype keys included, and writes nothing', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.oneof(hostileString, fc.constantFrom(...prototypeKeys, 'valueOf', '__defineGetter__')),
        hostileJson,
        async (type, detail) => {
          fc.pre(!shopEventTypes.includes(type));
          const result = await ingest(shopEvent(type, detail));
          expect(result.ok).toBe(false);
          if (!result.ok) expect(result.message).toContain('unknown detail-type');
          expect(writes(result.store)).toBe(0);
        },
      ),
      { numRuns: 200 },
    );
  });

  it('stores a valid detail or refuses it naming the type, whatever the detail is', async () => {
    await fc.assert(
      fc.asyncProperty(fc.constantFrom(...shopEventTypes), hostileJson, async (type, detail) => {
        const result = await ingest(shopEvent(type, detail));
        if (result.ok) expect(writes(result.store)).toBe(1);
        else {
          expect(result.message).toContain(`${type} detail is invalid`);
          expect(writes(result.store)).toBe(0);
        }
      }),
      { numRuns: 200 },
    );
  });

  it('stores a mutated valid detail or refuses it saying what was wrong', async () => {
    await fc.assert(
      fc.asyncProperty(fc.constantFrom(...shopEventTypes), mutation, async (type, change) => {
        const detail = mutate(validDetails[type], change);
        const result = await ingest(shopEvent(type, detail));
        if (result.ok) expect(writes(result.store)).toBe(1);
        // z.prettifyError names the path of each issue ("→ at placedAt") or the whole detail.
        else expect(result.message).toMatch(/detail is invalid: ✖ .+/s);
      }),
      { numRuns: 200 },
    );
  });

  it('stores every unmodified valid event', async () => {
    for (const type of shopEventTypes) {
      const result = await ingest(shopEvent(type, validDetails[type]));
      expect(result.ok).toBe(true);
    }
  });

  it('refuses the detail-type "constructor" instead of returning nothing', async () => {
    const result = await ingest(shopEvent('constructor', validDetails['order.placed']));
    expect(result).toMatchObject({
      ok: false,
      message: expect.stringContaining('unknown detail-type "constructor"'),
    });
  });
});
