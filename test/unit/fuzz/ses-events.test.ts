import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { noMetrics } from '../../../functions/adapters/no-metrics.ts';
import { EngagementConfigSchema } from '../../../functions/core/config/engagement.ts';
import { recordSesEvent } from '../../../functions/core/engagement/record-ses-event.ts';
import { parseSesEvent, type SesEventResult } from '../../../functions/core/engagement/ses-event.ts';
import { MemoryContactStatusStore } from '../../support/memory-contact-status-store.ts';
import { MemoryEngagementLedger } from '../../support/memory-engagement-ledger.ts';
import { MemoryEnrolmentStore } from '../../support/memory-enrolment-store.ts';
import { MemoryForgotten } from '../../support/memory-forgotten.ts';
import { MemorySequencePauses } from '../../support/memory-sequence-pauses.ts';
import { hostileJson, mutate, mutation } from './arbitraries.ts';

const directory = 'test/fixtures/ses-events';
const fixtures = readdirSync(directory).map((file): unknown =>
  JSON.parse(readFileSync(join(directory, file), 'utf8')),
);
const options = { machineOpenMs: 10_000 };
const config = EngagementConfigSchema.parse({});

/** Accepted with a well-formed event, or refused with a reason; never thrown. */
function expectClear(result: SesEventResult): void {
  if (result.ok) {
    expect(result.parsed.event.eventId).toMatch(/^[0-9a-f]{32}$/);
    expect(Number.isFinite(result.parsed.event.at)).toBe(true);
  } else expect(result.reason.trim()).not.toBe('');
}

/** Every shape of ISO 8601 date-time SES or a replayer might write. */
const timestamp = fc
  .tuple(
    fc.date({
      min: new Date('1970-01-01T00:00:00Z'),
      max: new Date('2100-01-01T00:00:00Z'),
      noInvalidDate: true,
    }),
    fc.constantFrom('Z', 'z', '+00:00', '+05:30', '-23:59', '+0530', ''),
    fc.constantFrom('', '.1', '.123', '.123456', '.123456789'),
  )
  .map(([date, zone, fraction]) => `${date.toISOString().slice(0, 19)}${fraction}${zone}`);

const withTimestamp = (event: unknown, at: string): unknown => {
  const copy: unknown = JSON.parse(JSON.stringify(event));
  const detail: unknown = typeof copy === 'object' && copy !== null ? Reflect.get(copy, 'detail') : undefined;
  if (typeof detail !== 'object' || detail === null) return copy;
  for (const value of Object.values(detail))
    if (typeof value === 'object' && value !== null && 'timestamp' in value)
      Reflect.set(value, 'timestamp', at);
  return copy;
};

describe('SES engagement events under fuzzing', () => {
  it('never throws on arbitrary JSON, and every refusal has a reason', () => {
    fc.assert(
      fc.property(hostileJson, (input) => expectClear(parseSesEvent(input, options))),
      { numRuns: 300 },
    );
  });

  it('never throws on a documented event with a field replaced, removed or added', () => {
    fc.assert(
      fc.property(
        fc.constantFrom(...fixtures),
        fc.array(mutation, { minLength: 1, maxLength: 3 }),
        (event, changes) => expectClear(parseSesEvent(changes.reduce(mutate, event), options)),
      ),
      { numRuns: 300 },
    );
  });

  it('keeps a documented event whatever unknown fields SES adds, with the same id', () => {
    fc.assert(
      fc.property(
        fc.constantFrom(...fixtures),
        // A list of strings: the one shape that is also a valid new message tag.
        fc.array(
          fc.tuple(
            fc.nat(),
            fc.stringMatching(/^zz[A-Za-z]{1,8}$/),
            fc.array(fc.string({ maxLength: 20 }), { maxLength: 3 }),
          ),
          { maxLength: 3 },
        ),
        (event, additions) => {
          const extended = additions.reduce(
            (current, [pick, key, value]) => mutate(current, { kind: 'add', pick, key, value }),
            event,
          );
          const original = parseSesEvent(event, options);
          const result = parseSesEvent(extended, options);
          expect(result.ok).toBe(true);
          if (result.ok && original.ok)
            expect(result.parsed.event.eventId).toBe(original.parsed.event.eventId);
        },
      ),
      { numRuns: 150 },
    );
  });

  it('accepts only timestamps it can turn into an instant', () => {
    fc.assert(
      fc.property(fc.constantFrom(...fixtures), timestamp, (event, at) =>
        expectClear(parseSesEvent(withTimestamp(event, at), options)),
      ),
      { numRuns: 200 },
    );
  });

  it('records or refuses a mutated event, never throwing from the store path', async () => {
    await fc.assert(
      fc.asyncProperty(fc.constantFrom(...fixtures), mutation, async (event, change) => {
        const ledger = new MemoryEngagementLedger();
        const outcome = await recordSesEvent(mutate(event, change), {
          ledger,
          contacts: new MemoryContactStatusStore(),
          pauses: new MemorySequencePauses(),
          enrolments: new MemoryEnrolmentStore(),
          config,
          metrics: noMetrics,
          forgotten: new MemoryForgotten(),
        });
        if (outcome.kind === 'invalid') expect(outcome.reason.trim()).not.toBe('');
        else expect(ledger.events.size).toBe(1);
      }),
      { numRuns: 150 },
    );
  });
});
