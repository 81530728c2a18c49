import { describe, expect, it } from 'vitest';
import type { Incident } from '../../../../functions/core/customers/model.ts';
import { enrolmentIdFor, holdoutPosition, isHeldOut } from '../../../../functions/core/domain/enrolment.ts';
import { summariseOrders } from '../../../../functions/core/domain/scoring.ts';
import { customerFacts, describeMatch, matchSegment } from '../../../../functions/core/segments/evaluate.ts';
import { planRun, sampleSummaries } from '../../../../functions/core/segments/plan-run.ts';
import { decideEnrolment, segmentCustomers } from '../../../../functions/core/segments/run-segmenter.ts';
import { seededRandom } from '../../../../functions/local/sample-data.ts';
import { MemorySegmentationStore } from '../../../support/memory-segmentation-store.ts';
import { configWith, daysAgo, fakeModel, MemoryScheduler, now, record } from './fixtures.ts';

const incident = (extra: Partial<Incident> = {}): Incident => ({
  incidentId: 'i1',
  customerId: 'c1',
  kind: 'damaged',
  occurredAt: daysAgo(10),
  ticketOpen: false,
  ...extra,
});

describe('rule evaluation', () => {
  const config = configWith([
    { id: 'open-ticket', when: { incident: { ticketOpen: true } }, sequence: null },
    {
      id: 'recent-damage',
      when: { incident: { kind: ['damaged', 'wrong_item'], withinDays: 30 } },
      sequence: 'gentle-winback',
    },
    { id: 'lost', when: { pAlive: { max: 0.1 } }, sequence: null },
    {
      id: 'vip',
      when: { totalSpend: { min: 100 }, orderCount: { min: 3, max: 10 } },
      sequence: 'gentle-winback',
    },
    { id: 'hindi', when: { locale: 'hi', daysSinceLastOrder: { min: 30 } }, sequence: 'gentle-winback' },
    { id: 'overdue', when: { overdueRatio: { min: 2 } }, sequence: 'gentle-winback' },
    { id: 'withdrawn', when: { consent: 'withdrawn' }, sequence: null },
  ]);
  const segmentOf = (subject: ReturnType<typeof record>, score?: { pAlive: number }) =>
    matchSegment(
      config.segments,
      customerFacts(subject, now, score && { ...score, pReturn: score.pAlive, expectedPurchases: 0 }),
    )?.id;

  it('takes the first segment whose conditions all hold', () => {
    const both = record('c1', [10], { incidents: [incident({ ticketOpen: true })] });
    expect(segmentOf(both)).toBe('open-ticket');
    expect(segmentOf(record('c1', [10], { incidents: [incident()] }))).toBe('recent-damage');
  });

  it('checks incident kind and age', () => {
    expect(
      segmentOf(record('c1', [10], { incidents: [incident({ occurredAt: daysAgo(45) })] })),
    ).toBeUndefined();
    expect(segmentOf(record('c1', [10], { incidents: [incident({ kind: 'late' })] }))).toBeUndefined();
  });

  it('never matches a model condition for an unscored customer', () => {
    expect(segmentOf(record('c1', [500]), { pAlive: 0.05 })).toBe('lost');
    expect(segmentOf(record('c1', [500]))).toBeUndefined();
  });

  it('reads ranges inclusively, locales by prefix and consent as an enum', () => {
    expect(segmentOf(record('c1', [5, 10, 15, 20, 25]))).toBe('vip');
    expect(segmentOf(record('c1', [40], { customer: { locale: 'hi-IN' } }))).toBe('hindi');
    expect(segmentOf(record('c1', [40], { customer: { locale: 'hil' } }))).toBeUndefined();
    expect(segmentOf(record('c1', [10], { customer: { consent: 'withdrawn' } }))).toBe('withdrawn');
  });

  it('computes the overdue ratio from the mean gap when the model gives none', () => {
    // Orders every 10 days, last one 30 days ago: three gaps overdue.
    const subject = record('c1', [30, 40, 50]);
    expect(customerFacts(subject, now).overdueRatio).toBe(3);
    expect(segmentOf(subject)).toBe('overdue');
    const matched = config.segments.find((segment) => segment.id === 'overdue');
    if (matched === undefined) throw new Error('segment missing');
    expect(describeMatch(matched, customerFacts(subject, now))).toEqual(['overdueRatio 3 (≥ 2)']);
  });
});

describe('summariseOrders', () => {
  it('counts repeat purchase days, recency and age in whole days', () => {
    const summary = summariseOrders('c1', record('c1', [100, 100, 60, 10]).orders, now);
    expect(summary).toEqual({ customerId: 'c1', frequency: 2, recency: 90, T: 100 });
    expect(summariseOrders('c1', [], now)).toBeUndefined();
  });
});

describe('holdouts', () => {
  it('are stable, independent per sequence, and within one point of the configured share on 100k customers', () => {
    let held = 0;
    let heldInOther = 0;
    let heldInBoth = 0;
    for (let i = 0; i < 100_000; i += 1) {
      const id = `customer-${i}`;
      const a = isHeldOut(id, 'gentle-winback', 10);
      const b = isHeldOut(id, 'second-chance', 10);
      if (a) held += 1;
      if (b) heldInOther += 1;
      if (a && b) heldInBoth += 1;
    }
    expect(Math.abs(held / 1_000 - 10)).toBeLessThanOrEqual(1);
    expect(Math.abs(heldInOther / 1_000 - 10)).toBeLessThanOrEqual(1);
    // Independent: about 1% are held out of both, not 10%.
    expect(Math.abs(heldInBoth / 1_000 - 1)).toBeLessThanOrEqual(0.5);
    expect(holdoutPosition('customer-42', 'gentle-winback')).toBe(
      holdoutPosition('customer-42', 'gentle-winback'),
    );
    expect(isHeldOut('customer-42', 'gentle-winback', 0)).toBe(false);
    expect(isHeldOut('customer-42', 'gentle-winback', 100)).toBe(true);
  });
});

describe('decideEnrolment', () => {
  const config = configWith([
    { id: 'lapsed', when: { daysSinceLastOrder: { min: 120 } }, sequence: 'gentle-winback' },
  ]);
  const [segment] = config.segments;
  if (segment === undefined) throw new Error('segment missing');
  const enrolment = (state: 'active' | 'completed' | 'held-out', enrolledDaysAgo: number) => ({
    enrolmentId: 'e1',
    customerId: 'c1',
    sequenceId: 'gentle-winback',
    segmentId: 'lapsed',
    enrolledAt: now - enrolledDaysAgo * 86_400_000,
    state,
  });

  it('never enrols twice at once, nor within the cooldown, nor anyone we may not write to', () => {
    expect(decideEnrolment(record('c1', [200]), segment, config, now)).toEqual({ enrol: true });
    expect(
      decideEnrolment(record('c1', [200], { assignments: [enrolment('active', 200)] }), segment, config, now),
    ).toEqual({
      enrol: false,
      reason: 'busy',
    });
    expect(
      decideEnrolment(
        record('c1', [200], { assignments: [enrolment('completed', 30)] }),
        segment,
        config,
        now,
      ),
    ).toEqual({ enrol: false, reason: 'cooldown' });
    expect(
      decideEnrolment(
        record('c1', [200], { assignments: [enrolment('held-out', 30)] }),
        segment,
        config,
        now,
      ),
    ).toEqual({ enrol: false, reason: 'cooldown' });
    // Past the cooldown: a win-back that finished unanswered sunsets the customer; one they
    // responded to may not be repeated within a year (test/unit/core/segments/reentry.test.ts).
    expect(
      decideEnrolment(
        record('c1', [200], { assignments: [enrolment('completed', 91)] }),
        segment,
        config,
        now,
      ),
    ).toEqual({ enrol: false, reason: 'sunset' });
    expect(
      decideEnrolment(
        record('c1', [200], {
          assignments: [{ ...enrolment('completed', 91), respondedAt: now - 95 * 86_400_000 }],
        }),
        segment,
        config,
        now,
      ),
    ).toEqual({ enrol: false, reason: 'reentry' });
    expect(
      decideEnrolment(record('c1', [200], { customer: { consent: 'withdrawn' } }), segment, config, now),
    ).toMatchObject({ reason: 'not-contactable' });
    expect(
      decideEnrolment({ ...record('c1', [200]), status: { unsubscribedAt: now - 1 } }, segment, config, now),
    ).toMatchObject({ reason: 'not-contactable' });
  });
});

describe('segmentCustomers', () => {
  const config = configWith([
    { id: 'lost', when: { pAlive: { max: 0.1 } }, sequence: null },
    {
      id: 'lapsed',
      when: { daysSinceLastOrder: { min: 120 } },
      sequence: 'gentle-winback',
      holdoutPercent: 20,
    },
  ]);

  it('scores, stores membership, enrols or holds out, schedules, and enrols nobody twice', async () => {
    const records = Array.from({ length: 200 }, (_, i) =>
      record(`c${i}`, i % 2 === 0 ? [300, 150] : [30, 5]),
    );
    records.push(record('gone', [900]));
    const store = new MemorySegmentationStore(records);
    const scheduler = new MemoryScheduler();
    const run = {
      runId: '2026-11-23',
      createdAt: now,
      fit: fakeModel.fit('auto', []),
      sampleSize: 0,
      totalSegments: 1,
      horizonDays: 90,
    };
    const deps = { store, enrolments: store, scheduler, config, scoring: { model: fakeModel, run } };
    const first = await segmentCustomers(store.scanCustomerRecords(), deps, now, { batchSize: 16 });
    expect(first).toMatchObject({ customers: 201, scored: 201, bySegment: { lost: 1, lapsed: 100 } });
    expect(first.enrolled + first.heldOut).toBe(100);
    expect(first.heldOut).toBeGreaterThan(5);
    expect(first.scheduled).toBe(first.enrolled);
    expect(scheduler.created.size).toBe(first.enrolled);
    expect(store.scores.get('gone')).toMatchObject({
      segmentId: 'lost',
      model: 'bgnbd',
      runId: '2026-11-23',
    });
    expect(store.scores.get('c1')?.segmentId).toBeNull();
    const heldOut = [...store.assignments.values()].filter((assignment) => assignment.state === 'held-out');
    expect(heldOut.every((assignment) => isHeldOut(assignment.customerId, 'gentle-winback', 20))).toBe(true);
    // Each assignment keeps the purchases the model predicted then: the report's covariate, fixed before any email.
    for (const assignment of store.assignments.values())
      expect(assignment.predictedPurchases).toBe(store.scores.get(assignment.customerId)?.expectedPurchases);
    expect(
      [...store.assignments.values()].every((assignment) => assignment.predictedPurchases !== undefined),
    ).toBe(true);

    const again = await segmentCustomers(store.scanCustomerRecords(), deps, now);
    expect(again).toMatchObject({
      enrolled: 0,
      heldOut: 0,
      alreadyEnrolled: 100,
      scheduled: 0,
      resumed: first.enrolled,
      // The same day's scores are still true: none is written again.
      scored: 201,
      unchanged: 201,
    });
    expect(store.assignments.size).toBe(100);
    // Same day, a retried segment: the first step is planned again under the same name, not twice.
    expect(scheduler.created.size).toBe(first.enrolled);
  });

  it('plans the first step at the first moment of the recipient window, not at the segmenter hour', async () => {
    // 06:00 UTC on a Monday: before the 09:00 window in London, inside it in Kolkata (11:30).
    const store = new MemorySegmentationStore([
      record('london', [200], { customer: { timeZone: 'Europe/London' } }),
      record('kolkata', [200], { customer: { timeZone: 'Asia/Kolkata' } }),
      record('nowhere', [200], { customer: { timeZone: undefined } }),
    ]);
    const scheduler = new MemoryScheduler();
    const everyone = configWith([
      {
        id: 'lapsed',
        when: { daysSinceLastOrder: { min: 120 } },
        sequence: 'gentle-winback',
        holdoutPercent: 0,
      },
    ]);
    await segmentCustomers(
      store.scanCustomerRecords(),
      { store, enrolments: store, scheduler, config: everyone },
      now,
    );
    const planned = (customerId: string) =>
      [...scheduler.created].flatMap(([name, message]) =>
        message.customerId === customerId ? [scheduler.options.get(name)] : [],
      )[0];
    expect(planned('london')).toEqual({
      timeZone: 'Europe/London',
      at: Date.parse('2026-11-23T09:00:00Z'),
      flexibleWindowMinutes: 15,
    });
    expect(planned('kolkata')).toMatchObject({ timeZone: 'Asia/Kolkata', at: now });
    // No zone of its own: the send window's fallback zone, as the sender decides it.
    expect(planned('nowhere')).toMatchObject({ timeZone: config.policy.sendWindow.fallbackTimeZone });
  });

  it('plans the first step of an enrolment whose scheduling was interrupted', async () => {
    const store = new MemorySegmentationStore([record('c1', [200])]);
    await store.createAssignment({
      enrolmentId: enrolmentIdFor('c1', 'gentle-winback', now),
      customerId: 'c1',
      sequenceId: 'gentle-winback',
      segmentId: 'lapsed',
      enrolledAt: now,
      state: 'active',
    });
    const scheduler = new MemoryScheduler();
    const report = await segmentCustomers(
      store.scanCustomerRecords(),
      { store, enrolments: store, scheduler, config },
      now,
    );
    expect(report).toMatchObject({ enrolled: 0, alreadyEnrolled: 1, resumed: 1 });
    expect(scheduler.created.size).toBe(1);
  });
});

describe('planRun', () => {
  it('reuses the previous fit while it is younger than refitEvery, and fits again after or for another model', async () => {
    const records = Array.from({ length: 400 }, (_, i) => record(`c${i}`, [100 + (i % 50), 20]));
    const store = new MemorySegmentationStore(records);
    const base = configWith([{ id: 'all', sequence: null }]).segmentation;
    const config = { ...base, sampleSize: 300, totalSegments: 2, refitEvery: 7 * 86_400_000 };
    const day = 86_400_000;
    const plan = (at: number, overrides: Partial<typeof config> = {}) =>
      planRun({ store, model: fakeModel, config: { ...config, ...overrides }, random: seededRandom(3) }, at);

    const first = await plan(now);
    expect(first).toMatchObject({ customersRead: 400, run: { fittedAt: now, sampleSize: 300 } });
    // Six days on: scored with the same fit, nobody sampled.
    const later = await plan(now + 6 * day);
    expect(later).toMatchObject({ customersRead: 0, run: { runId: '2026-11-29', fittedAt: now } });
    expect(later.run.fit).toEqual(first.run.fit);
    // A week on: fitted again.
    expect(await plan(now + 7 * day)).toMatchObject({ customersRead: 400, run: { fittedAt: now + 7 * day } });
    // The marketer chose another model: fitted again at once.
    expect(await plan(now + 8 * day, { model: 'paretonbd' })).toMatchObject({
      customersRead: 400,
      run: { fit: { kind: 'paretonbd' } },
    });
    // 1d refits every run.
    expect(await plan(now + 9 * day, { refitEvery: day })).toMatchObject({ customersRead: 400 });
  });

  it('fits on a random sample of at most sampleSize customers and plans one task per segment', async () => {
    const records = Array.from({ length: 1_000 }, (_, i) => record(`c${i}`, [100 + (i % 50), 20]));
    const store = new MemorySegmentationStore(records);
    const config = configWith([{ id: 'all', sequence: null }]).segmentation;
    const { run, tasks } = await planRun(
      {
        store,
        model: fakeModel,
        config: { ...config, sampleSize: 300, totalSegments: 4 },
        random: seededRandom(7),
      },
      now,
    );
    expect(run).toMatchObject({ runId: '2026-11-23', sampleSize: 300, totalSegments: 4, horizonDays: 90 });
    expect(run.fit?.diagnostics).toEqual({ customers: 300 });
    expect(store.runs).toEqual([run]);
    expect(tasks).toEqual(
      [0, 1, 2, 3].map((segment) => ({ runId: '2026-11-23', segment, totalSegments: 4, plannedAt: now })),
    );
  });

  it('samples without repeating a customer, reading only as many cuts as it needs', async () => {
    const records = Array.from({ length: 2_000 }, (_, i) => record(`c${i}`, [10]));
    const store = new MemorySegmentationStore(records);
    const { sample, cutsRead } = await sampleSummaries(store, {
      size: 100,
      cuts: 64,
      now,
      random: seededRandom(1),
    });
    expect(sample).toHaveLength(100);
    expect(new Set(sample.map((summary) => summary.customerId)).size).toBe(100);
    expect(cutsRead).toBeLessThan(10);
  });

  it('reads a base of 150,000 whole when the sample would be a quarter of it', async () => {
    const one = record('c', [10]);
    const store = {
      async *scanCustomerRecords(scan: { segment?: number; totalSegments?: number } = {}) {
        // The first of 64 cuts says the base is small enough to read whole, in one segment.
        const count = scan.totalSegments === 64 ? 150_000 / 64 : 150_000;
        for (let i = 0; i < count; i += 1)
          yield { ...one, customer: { ...one.customer, customerId: `c${i}` } };
      },
    };
    const { sample, customersRead } = await sampleSummaries(store, {
      size: 50_000,
      cuts: 64,
      now,
      random: seededRandom(5),
    });
    expect(customersRead).toBe(150_000);
    expect(sample).toHaveLength(50_000);
  });

  it('reads a small base whole, in the given segments, once each', async () => {
    const records = Array.from({ length: 200 }, (_, i) => record(`c${i}`, [10]));
    const store = new MemorySegmentationStore(records);
    const { sample, cutsRead, customersRead } = await sampleSummaries(store, {
      size: 100,
      cuts: 64,
      segments: 4,
      now,
      random: seededRandom(3),
    });
    expect(cutsRead).toBe(4);
    expect(customersRead).toBe(200);
    expect(sample).toHaveLength(100);
    expect(new Set(sample.map((summary) => summary.customerId)).size).toBe(100);
  });

  it('records why there is no fit instead of failing the run', async () => {
    const store = new MemorySegmentationStore([record('c1', [10])]);
    const config = configWith([{ id: 'all', sequence: null }]).segmentation;
    const failing = {
      ...fakeModel,
      fit: () => {
        throw new Error('too few repeat buyers');
      },
    };
    const { run } = await planRun({ store, model: failing, config, random: seededRandom(1) }, now);
    expect(run.fit).toBeUndefined();
    expect(run.fitError).toBe('too few repeat buyers');
  });
});
