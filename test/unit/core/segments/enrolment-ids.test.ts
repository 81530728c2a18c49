import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { enrolmentIdFor } from '../../../../functions/core/domain/enrolment.ts';
import {
  idHash,
  MAX_SCHEDULE_NAME,
  scheduleNameFor,
} from '../../../../functions/core/domain/step-message.ts';

/*
 * Why 80 bits. Two customers enrolled in one sequence on one UTC day share an enrolment id, and so
 * a schedule name, exactly when their hashes collide. By the birthday bound the chance of any
 * collision among n ids of b bits is about n² / 2^(b+1):
 *   32 bits (the FNV-1a this replaced): n = 1e5 → 1e10 / 8.6e9 ≈ 1.2 a day; n = 1e6 → ≈ 116 a day.
 *   64 bits: n = 1e6 → 1e12 / 3.7e19 ≈ 2.7e-8 a day; n = 1e8 → 1e16 / 3.7e19 ≈ 2.7e-4 a day.
 *   80 bits (idHash): n = 1e6 → 1e12 / 2.4e24 ≈ 4.1e-13 a day; n = 1e8 → ≈ 4.1e-9 a day.
 * The 2e6 ids below would show about 465 collisions at 32 bits and ~1.7e-12 at 80 bits.
 */

const DAY = Date.parse('2026-03-02T09:00:00Z');
const NAME_CHARS = /^[0-9a-zA-Z\-_.]{1,64}$/;

describe('idHash', () => {
  it('is the first 80 bits of SHA-256 in lower-case base32hex', () => {
    // SHA-256("abc") begins ba7816bf8f01cfea4141: those 80 bits in RFC 4648 base32hex.
    expect(idHash('abc')).toBe('n9s1dfsf077ukga1');
    // SHA-256("") begins e3b0c44298fc1c149afb.
    expect(idHash('')).toBe('seoc8gkovge196nr');
  });
});

describe('enrolment ids', () => {
  it('read as sequence, UTC day and hash, the same on every run of the day', () => {
    const id = enrolmentIdFor('c1', 'gentle-winback', DAY);
    expect(id).toMatch(/^gentle-winback-20260302-[0-9a-v]{16}$/);
    expect(enrolmentIdFor('c1', 'gentle-winback', DAY + 10 * 3_600_000)).toBe(id);
    expect(enrolmentIdFor('c1', 'gentle-winback', DAY + 86_400_000)).not.toBe(id);
    expect(enrolmentIdFor('c2', 'gentle-winback', DAY)).not.toBe(id);
  });

  it('never repeat across two million customers of one sequence on one day, nor do their schedule names', () => {
    const count = 2_000_000;
    const idOf = (index: number) => enrolmentIdFor(`customer-${index}`, 'gentle-winback', DAY);
    // Each id's first 30 hash bits with its index below them, sorted natively: far quicker than a
    // Set of 2e6 strings. Ids that differ there differ; equal neighbours are compared in full.
    const keys = new Float64Array(count);
    for (let index = 0; index < count; index += 1)
      keys[index] = Number.parseInt(idOf(index).slice(-16, -10), 32) * 2 ** 21 + index;
    keys.sort();
    const indexOf = (key: number) => key % 2 ** 21;
    const duplicates: string[] = [];
    let compared = 0;
    for (let at = 1; at < count; at += 1) {
      const previous = keys[at - 1] ?? 0;
      const current = keys[at] ?? 0;
      if (Math.floor(previous / 2 ** 21) !== Math.floor(current / 2 ** 21)) continue;
      compared += 1;
      const [a, b] = [idOf(indexOf(previous)), idOf(indexOf(current))];
      if (a === b || scheduleNameFor(a, 0) === scheduleNameFor(b, 0)) duplicates.push(`${a} = ${b}`);
    }
    expect(duplicates).toEqual([]);
    // About n² / 2^31 ≈ 1,900 pairs share their first 30 bits: the full comparison really ran.
    expect(compared).toBeGreaterThan(1_000);
    expect(idOf(count - 1)).toMatch(/^gentle-winback-20260302-[0-9a-v]{16}$/);
  }, 60_000);

  it('differ for any two different customers or sequences (property)', () => {
    const sequenceId = fc.stringMatching(/^[a-z0-9][a-z0-9-]{0,62}$/);
    fc.assert(
      fc.property(
        fc.string(),
        sequenceId,
        fc.string(),
        sequenceId,
        (customerA, sequenceA, customerB, sequenceB) => {
          fc.pre(customerA !== customerB || sequenceA !== sequenceB);
          expect(enrolmentIdFor(customerA, sequenceA, DAY)).not.toBe(
            enrolmentIdFor(customerB, sequenceB, DAY),
          );
        },
      ),
      { numRuns: 2_000 },
    );
  });
});

describe('schedule names', () => {
  const step = fc.record({
    enrolmentId: fc.oneof(
      fc
        .tuple(fc.stringMatching(/^[a-z0-9][a-z0-9-]{0,62}$/), fc.string())
        .map(([sequence, customer]) => enrolmentIdFor(customer, sequence, DAY)),
      fc.string({ minLength: 1, maxLength: 100 }),
    ),
    stepIndex: fc.nat(20),
    attempt: fc.nat(200),
    retryOf: fc.option(fc.integer({ min: 0, max: 4_102_444_800_000 }), { nil: undefined }),
  });

  it("keep to Scheduler's 64 characters and allowed set, for the longest sequence ids too", () => {
    fc.assert(
      fc.property(step, ({ enrolmentId, stepIndex, attempt, retryOf }) => {
        expect(scheduleNameFor(enrolmentId, stepIndex, attempt, retryOf)).toMatch(NAME_CHARS);
      }),
      { numRuns: 5_000 },
    );
    const longest = enrolmentIdFor('c1', `s${'e'.repeat(62)}`, DAY);
    const name = scheduleNameFor(longest, 12, 3, DAY);
    expect(name).toHaveLength(MAX_SCHEDULE_NAME);
    expect(name.startsWith(`s${'e'.repeat(46)}`)).toBe(true);
  });

  it('stay readable when short: the enrolment id and the step', () => {
    expect(scheduleNameFor('winback-20260302-xj4bnp4pahh6uqkb', 2)).toBe(
      'winback-20260302-xj4bnp4pahh6uqkb-s2',
    );
    expect(scheduleNameFor('winback-20260302-xj4bnp4pahh6uqkb', 2, 1)).toBe(
      'winback-20260302-xj4bnp4pahh6uqkb-s2-d1',
    );
  });

  it('differ for any two different steps, shortened or not (property)', () => {
    fc.assert(
      fc.property(
        fc.uniqueArray(step, { minLength: 2, maxLength: 50, selector: (s) => JSON.stringify(s) }),
        (steps) => {
          const names = steps.map((s) => scheduleNameFor(s.enrolmentId, s.stepIndex, s.attempt, s.retryOf));
          expect(new Set(names).size).toBe(steps.length);
        },
      ),
      { numRuns: 1_000 },
    );
  });

  it('do not meet when a long id is cut at the same prefix', () => {
    const prefix = `s${'e'.repeat(62)}`;
    const a = scheduleNameFor(enrolmentIdFor('c1', prefix, DAY), 0);
    const b = scheduleNameFor(enrolmentIdFor('c2', prefix, DAY), 0);
    expect(a.slice(0, 47)).toBe(b.slice(0, 47));
    expect(a).not.toBe(b);
  });
});
