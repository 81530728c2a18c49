import { readFileSync } from 'node:fs';
import { parseConfig } from '../../../../functions/core/config/load.ts';
import { type RekindleConfig, SegmentSchema } from '../../../../functions/core/config/schema.ts';
import type { Customer, Incident, Order } from '../../../../functions/core/customers/model.ts';
import type { CustomerRecord } from '../../../../functions/core/domain/customer-view.ts';
import type { AssignmentHistory } from '../../../../functions/core/domain/enrolment-state.ts';
import { ScheduleNameTakenError } from '../../../../functions/core/domain/schedule-name-taken-error.ts';
import type {
  CustomerScore,
  PurchaseSummary,
  ScoringModel,
} from '../../../../functions/core/domain/scoring.ts';
import type { StepMessage } from '../../../../functions/core/domain/step-message.ts';
import type { ScheduleStepOptions, StepScheduler } from '../../../../functions/ports/step-scheduler.ts';

export const now = Date.parse('2026-11-23T06:00:00Z');
export const daysAgo = (days: number) => new Date(now - days * 86_400_000).toISOString();

/** The shipped config with `segments` replaced (each parsed with the real schema, so defaults apply). */
export function configWith(segments: readonly unknown[]): RekindleConfig {
  const result = parseConfig(readFileSync('config/rekindle.yaml', 'utf8'), 'config/rekindle.yaml');
  if (!result.ok) throw new Error('the shipped config must be valid');
  return { ...result.config, segments: segments.map((segment) => SegmentSchema.parse(segment)) };
}

export function customer(customerId: string, extra: Partial<Customer> = {}): Customer {
  return {
    customerId,
    email: `${customerId}@example.com`,
    firstName: 'Test',
    locale: 'en',
    consent: 'granted',
    ...extra,
  };
}

export function record(
  customerId: string,
  orderDaysAgo: readonly number[],
  extra: { customer?: Partial<Customer>; incidents?: Incident[]; assignments?: AssignmentHistory[] } = {},
): CustomerRecord {
  const orders: Order[] = orderDaysAgo.map((days, i) => ({
    orderId: `${customerId}-o${i}`,
    customerId,
    placedAt: daysAgo(days),
    amount: 20,
  }));
  return {
    customer: customer(customerId, extra.customer),
    orders,
    incidents: extra.incidents ?? [],
    assignments: extra.assignments ?? [],
  };
}

/** A model whose pAlive falls with days since the last purchase: easy to reason about in tests. */
export const fakeModel: ScoringModel = {
  fit: (choice, summaries) => ({
    kind: choice === 'auto' ? 'bgnbd' : choice,
    parameters: { fittedOn: summaries.length },
    diagnostics: { customers: summaries.length },
  }),
  score: (_fit, summaries: readonly PurchaseSummary[], horizonDays): CustomerScore[] =>
    summaries.map((summary) => {
      const since = summary.T - summary.recency;
      const pAlive = Math.exp(-since / 200);
      return {
        customerId: summary.customerId,
        pAlive,
        pReturn: pAlive * 0.5,
        expectedPurchases: (pAlive * horizonDays) / 60,
        explanation: `${since} days since the last purchase`,
      };
    }),
};

/** The StepScheduler's promise in memory: a name is 'exists' only for the same step, else an error. */
export class MemoryScheduler implements StepScheduler {
  readonly created = new Map<string, StepMessage>();
  /** The options each schedule was created with, by name. */
  readonly options = new Map<string, ScheduleStepOptions>();
  async scheduleStep(
    name: string,
    message: StepMessage,
    options: ScheduleStepOptions,
  ): Promise<'created' | 'exists'> {
    const holder = this.created.get(name);
    if (holder !== undefined) {
      if (holder.enrolmentId === message.enrolmentId && holder.stepIndex === message.stepIndex)
        return 'exists';
      throw new ScheduleNameTakenError(name, 'memory', message, holder);
    }
    this.created.set(name, message);
    this.options.set(name, options);
    return 'created';
  }
}
