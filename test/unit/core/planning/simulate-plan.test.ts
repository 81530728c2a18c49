import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { parseConfig } from '../../../../functions/core/config/load.ts';
import { type RekindleConfig, SegmentSchema } from '../../../../functions/core/config/schema.ts';
import { PolicySchema, SequenceSchema } from '../../../../functions/core/config/sequences.ts';
import type { Customer, Order } from '../../../../functions/core/customers/model.ts';
import { isHeldOut } from '../../../../functions/core/domain/enrolment.ts';
import { seededRandom } from '../../../../functions/core/model/simulate.ts';
import {
  localMidnight,
  planStart,
  replayable,
  segmenterTimeOfDay,
  simulatePlan,
  withoutLimits,
} from '../../../../functions/core/planning/simulate-plan.ts';
import { sendWindowOf } from '../../../../functions/core/policy/decide.ts';
import { isInWindow } from '../../../../functions/core/policy/send-window.ts';

const zone = 'Europe/London';
/** Monday 2 March 2026, midnight in London (GMT). */
const start = localMidnight('2026-03-02', zone);
const dayMs = 86_400_000;

function config(
  overrides: { policy?: unknown; holdoutPercent?: number; steps?: unknown[] } = {},
): RekindleConfig {
  const loaded = parseConfig(readFileSync('config/rekindle.yaml', 'utf8'), 'config/rekindle.yaml');
  if (!loaded.ok) throw new Error('the shipped config must be valid');
  const base = loaded.config;
  return {
    ...base,
    policy: PolicySchema.parse(
      overrides.policy ?? {
        sendWindow: { days: ['mon', 'tue', 'wed', 'thu', 'fri'], from: '09:00', to: '17:00' },
        cap: { emails: 2, per: '7d' },
        minimumGap: '2d',
      },
    ),
    segmentation: { ...base.segmentation, schedule: 'cron(0 6 * * ? *)', timeZone: zone },
    segments: [
      SegmentSchema.parse({ id: 'withdrawn', when: { consent: ['withdrawn'] }, sequence: 'winback' }),
      SegmentSchema.parse({
        id: 'lapsed',
        when: { daysSinceLastOrder: { min: 120 } },
        sequence: 'winback',
        holdoutPercent: overrides.holdoutPercent ?? 0,
      }),
    ],
    sequences: [
      SequenceSchema.parse({
        id: 'winback',
        steps: overrides.steps ?? [
          { id: 'first', template: 'checking-in', delay: '0d' },
          { id: 'second', template: 'last-note', delay: '1d' },
          { id: 'third', template: 'last-note', delay: '1d' },
        ],
      }),
    ],
  };
}

function shop(count: number, extra: { withdrawn?: number; recent?: number } = {}) {
  const customers: Customer[] = [];
  const orders: Order[] = [];
  const add = (customerId: string, consent: Customer['consent'], daysBefore: number) => {
    customers.push({
      customerId,
      email: `${customerId}@example.com`,
      firstName: '',
      locale: 'en',
      timeZone: zone,
      consent,
    });
    orders.push({
      orderId: `${customerId}-1`,
      customerId,
      placedAt: new Date(start - daysBefore * dayMs).toISOString(),
      amount: 20,
    });
  };
  for (let i = 0; i < count; i += 1) add(`c${i}`, 'granted', 200);
  for (let i = 0; i < (extra.withdrawn ?? 0); i += 1) add(`w${i}`, 'withdrawn', 200);
  for (let i = 0; i < (extra.recent ?? 0); i += 1) add(`r${i}`, 'granted', 10);
  return { customers, orders, incidents: [] };
}

const plan = (cfg: RekindleConfig, data: ReturnType<typeof shop>, days = 14) =>
  simulatePlan({ config: cfg, data, start, days, random: seededRandom(1) });

describe('simulatePlan', () => {
  it('enrols on the first day and sends each step when the gap, the cap and the window allow', async () => {
    const result = await plan(config(), shop(20));

    // Mon: first; Tue: second waits for the gap (Wed); Thu: third would wait for the gap (Fri), but
    // the cap (two emails since Monday) holds it longer, until the next Monday: the later wait binds.
    expect(result.days.map((day) => day.emails)).toEqual([20, 0, 20, 0, 0, 0, 0, 20, 0, 0, 0, 0, 0, 0]);
    expect(result.deferrals).toEqual({
      window: 0,
      cap: 20,
      gap: 20,
      paused: 0,
      'ticket-open': 0,
      'sequence-paused': 0,
    });
    expect(result.totals).toMatchObject({
      emails: 60,
      enrolled: 20,
      heldOut: 0,
      completed: 20,
      pendingAtEnd: 0,
    });
    expect(result.steps.map((step) => step.sent)).toEqual([20, 20, 20]);
    const kinds = (result.timelines.get('c0') ?? []).map(
      (entry) => `${entry.kind}${entry.reason === undefined ? '' : `:${entry.reason}`}`,
    );
    expect(kinds).toEqual(['enrolled', 'sent', 'deferred:gap', 'sent', 'deferred:cap', 'sent', 'completed']);
    for (const entry of result.timelines.get('c0') ?? [])
      if (entry.kind === 'sent') expect(isInWindow(entry.at, sendWindowOf(config().policy), zone)).toBe(true);
  });

  it('sends the same steps on consecutive days without the cap, the gap and the window', async () => {
    const cfg = config();
    const result = await plan({ ...cfg, policy: withoutLimits(cfg.policy) }, shop(20));

    expect(result.days.slice(0, 4).map((day) => day.emails)).toEqual([20, 20, 20, 0]);
    expect(result.totals.deferrals).toBe(0);
  });

  it('replays the enrolments of a plan under another policy with the same result as running the segmenter again', async () => {
    const cfg = config({ holdoutPercent: 20 });
    const base = shop(30, { recent: 4 });
    // Three more who cross the 120 days of `lapsed` on the plan's fifth day: enrolled later.
    const later = shop(3);
    const data = {
      customers: [
        ...base.customers,
        ...later.customers.map((c) => ({ ...c, customerId: `l${c.customerId}` })),
      ],
      orders: [
        ...base.orders,
        ...later.orders.map((o) => ({
          ...o,
          orderId: `l${o.orderId}`,
          customerId: `l${o.customerId}`,
          placedAt: new Date(start - 115 * dayMs).toISOString(),
        })),
      ],
      incidents: [],
    };
    const unlimited = { ...cfg, policy: withoutLimits(cfg.policy) };
    const first = await plan(cfg, data);
    expect(replayable(first)).toBe(true);

    const full = await plan(unlimited, data);
    const replayed = await simulatePlan({
      config: unlimited,
      data,
      start,
      days: 14,
      random: seededRandom(1),
      replay: first.assignments,
    });

    expect(first.days.map((day) => day.enrolled + day.heldOut).filter((n) => n > 0)).toEqual([30, 3]);
    expect(replayed.days).toEqual(full.days);
    expect(replayed.totals).toEqual(full.totals);
    expect(replayed.steps).toEqual(full.steps);
    expect([...replayed.timelines]).toEqual([...full.timelines]);
  });

  it('names every customer the segmenter holds back, holds out the configured share, and leaves the recent alone', async () => {
    const data = shop(40, { withdrawn: 3, recent: 5 });
    const result = await plan(config({ holdoutPercent: 50 }), data);

    const heldOut = data.customers.filter(
      (c) => c.customerId.startsWith('c') && isHeldOut(c.customerId, 'winback', 50),
    ).length;
    expect(heldOut).toBeGreaterThan(0);
    const lapsed = result.segments.find((segment) => segment.id === 'lapsed');
    expect(lapsed).toMatchObject({ members: 40, enrolled: 40 - heldOut, heldOut });
    const withdrawn = result.segments.find((segment) => segment.id === 'withdrawn');
    expect(withdrawn).toMatchObject({ members: 3, enrolled: 0, heldOut: 0 });
    expect(withdrawn?.heldBack['not-contactable']).toBe(3);
    expect(result.unmatched).toBe(5);
    expect(result.totals.emails).toBe((40 - heldOut) * 3);
    expect(lapsed?.examples[0]?.reasons).toContain('daysSinceLastOrder 200 (≥ 120)');
  });

  it('defers steps that the flexible window carries past a short send window, and sends none outside it', async () => {
    const policy = {
      sendWindow: { days: ['mon', 'tue', 'wed', 'thu', 'fri', 'sat', 'sun'], from: '09:00', to: '09:05' },
      cap: { emails: 10, per: '7d' },
      minimumGap: '0d',
    };
    const cfg = config({ policy, steps: [{ id: 'only', template: 'checking-in', delay: '0d' }] });
    const result = await plan(cfg, shop(50), 7);

    expect(result.deferrals.window).toBeGreaterThan(0);
    const window = sendWindowOf(cfg.policy);
    for (const entries of result.timelines.values())
      for (const entry of entries) {
        if (entry.kind === 'sent') expect(isInWindow(entry.at, window, zone)).toBe(true);
        if (entry.kind === 'deferred') expect(isInWindow(entry.at, window, zone)).toBe(false);
      }
    expect(result.totals.emails + result.totals.pendingAtEnd).toBe(50);
  });

  it('skips a step that requires an incident the segment did not match', async () => {
    const cfg = config({
      steps: [
        { id: 'apology', template: 'apology', delay: '0d', requires: 'incident' },
        { id: 'later', template: 'last-note', delay: '3d' },
      ],
    });
    const result = await plan(cfg, shop(2));

    expect(result.steps.map((step) => [step.sent, step.skipped])).toEqual([
      [0, 2],
      [2, 0],
    ]);
    expect(Object.keys(result.skips)).toEqual([
      'requires incident: no incident matched by the segment on record',
    ]);
  });
});

describe('plan helpers', () => {
  it('reads the segmenter time from a daily cron expression, else assumes 06:00', () => {
    expect(segmenterTimeOfDay('cron(30 4 * * ? *)')).toEqual({ hour: 4, minute: 30, daily: true });
    expect(segmenterTimeOfDay('rate(1 day)')).toEqual({ hour: 6, minute: 0, daily: false });
    expect(segmenterTimeOfDay('cron(0 6 ? * MON *)')).toEqual({ hour: 6, minute: 0, daily: false });
  });

  it('starts the day after the newest order, at local midnight', () => {
    const data = shop(1);
    expect(new Date(planStart(data, zone, 0)).toISOString()).toBe(
      new Date(localMidnight('2025-08-15', zone)).toISOString(),
    );
  });
});
