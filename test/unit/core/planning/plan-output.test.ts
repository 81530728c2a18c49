import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { parseConfig } from '../../../../functions/core/config/load.ts';
import type { RekindleConfig } from '../../../../functions/core/config/schema.ts';
import { PolicySchema } from '../../../../functions/core/config/sequences.ts';
import type { ModelRun, ScoringModel } from '../../../../functions/core/domain/scoring.ts';
import { convertCdnow } from '../../../../functions/core/import/cdnow.ts';
import { importText } from '../../../../functions/core/import/import-file.ts';
import { seededRandom } from '../../../../functions/core/model/simulate.ts';
import { ShopDataSink } from '../../../../functions/core/planning/shop-data.ts';
import {
  type PlanResult,
  planStart,
  simulatePlan,
  simulateWithoutLimits,
} from '../../../../functions/core/planning/simulate-plan.ts';

/**
 * The whole plan of a fixed shop, pinned: CDNOW's sample (2,357 customers, 6,919 orders) in three
 * zones, 30 days, the shipped segments and sequences under the shipped policy and under a narrow
 * window that defers, each with its comparison without limits, as `rekindle plan` runs them. A
 * change that only makes the plan faster keeps every digest; one that changes what the plan does
 * changes a digest on purpose, and the new digests go here with the reason in the commit.
 *
 * The model is a fixed formula (a weekly refit only counts its sample), so the digests pin the
 * planning, segment, enrolment and send-policy code and not the fitted models' numerics.
 */
const DATA = '/work/shared/data/cdnow/cdnow_sample_transactions.csv';

const formulaModel: ScoringModel = {
  fit: (_choice, summaries) => ({ kind: 'formula', parameters: {}, diagnostics: { n: summaries.length } }),
  score: (_fit, summaries) =>
    summaries.map(({ customerId, frequency, recency, T }) => {
      const pAlive = (frequency + 1) / (frequency + 1 + (T - recency) / 120);
      return {
        customerId,
        pAlive,
        pReturn: pAlive / 2,
        expectedPurchases: pAlive * (frequency + 1) * 0.3,
        ...(frequency === 0 ? {} : { overdueRatio: (T - recency) / (recency / frequency) }),
        explanation: `x=${frequency} t=${recency} T=${T}`,
      };
    }),
};

async function shop() {
  const converted = convertCdnow(readFileSync(DATA, 'utf8'));
  const sink = new ShopDataSink();
  await importText(converted.customersCsv, { file: DATA, kind: 'customers', format: 'csv' }, sink);
  await importText(converted.ordersCsv, { file: DATA, kind: 'orders', format: 'csv' }, sink);
  const data = sink.data();
  const zones = ['America/New_York', 'Asia/Kolkata', undefined];
  return {
    ...data,
    customers: data.customers.map((customer, index) => {
      const timeZone = zones[index % zones.length];
      return timeZone === undefined ? customer : { ...customer, timeZone };
    }),
  };
}

function shippedConfig(): RekindleConfig {
  const loaded = parseConfig(readFileSync('config/rekindle.yaml', 'utf8'), 'config/rekindle.yaml');
  if (!loaded.ok) throw new Error('the shipped config must be valid');
  return loaded.config;
}

const digest = (value: unknown) =>
  createHash('sha256')
    .update(JSON.stringify(value, (_key, v) => (v instanceof Map ? [...v] : v)))
    .digest('hex')
    .slice(0, 16);

/** What the report shows of the comparison (its timelines are never shown). */
const comparison = (plan: PlanResult) => ({
  days: plan.days,
  totals: plan.totals,
  deferrals: plan.deferrals,
  skips: plan.skips,
  exits: plan.exits,
  steps: plan.steps,
  model: plan.model,
});

async function planBoth(config: RekindleConfig) {
  const data = await shop();
  const start = planStart(data, 'Europe/London', 0);
  const fits = new Map<string, ModelRun>();
  const options = { data, start, days: 30, model: formulaModel, fits, config };
  const plan = await simulatePlan({ ...options, random: seededRandom(1) });
  const unlimited = await simulateWithoutLimits(plan, { ...options, random: seededRandom(1) });
  return { plan, unlimited };
}

describe('the plan of a fixed shop', () => {
  it('is the same plan, every timeline and assignment, under the shipped policy', async () => {
    const { plan, unlimited } = await planBoth(shippedConfig());

    expect(plan.totals).toEqual({
      emails: 3704,
      enrolled: 1872,
      heldOut: 213,
      skipped: 1855,
      exited: 0,
      completed: 1832,
      deferrals: 0,
      pendingAtEnd: 40,
    });
    expect({ plan: digest(plan), comparison: digest(comparison(unlimited)) }).toEqual({
      plan: 'd4dade4cfbae82b0',
      comparison: '01293a3fe8b76665',
    });
  }, 120_000);

  it('is the same plan under a narrow window that defers steps', async () => {
    const config = shippedConfig();
    const narrow = {
      ...config,
      policy: PolicySchema.parse({
        sendWindow: { days: ['tue', 'thu'], from: '09:00', to: '09:20' },
        cap: { emails: 1, per: '7d' },
        minimumGap: '3d',
        cooldown: '90d',
      }),
    };
    const { plan, unlimited } = await planBoth(narrow);

    expect(plan.deferrals.cap).toBe(1817);
    expect(plan.totals).toEqual({
      emails: 3691,
      enrolled: 1872,
      heldOut: 213,
      skipped: 1848,
      exited: 0,
      completed: 1819,
      deferrals: 1817,
      pendingAtEnd: 53,
    });
    expect({ plan: digest(plan), comparison: digest(comparison(unlimited)) }).toEqual({
      plan: '9fc4cd2a08ba64dd',
      comparison: '01293a3fe8b76665',
    });
  }, 120_000);
});
