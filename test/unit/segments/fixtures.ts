import { readFileSync } from 'node:fs';
import { parseConfig } from '../../../functions/core/config/load.ts';
import { type RekindleConfig, SegmentSchema } from '../../../functions/core/config/schema.ts';
import type { Customer, Incident, Order } from '../../../functions/core/customers/model.ts';
import type { CustomerRecord } from '../../../functions/core/domain/customer-view.ts';
import type { Assignment } from '../../../functions/core/domain/enrolment.ts';
import type { AssignmentHistory } from '../../../functions/core/domain/enrolment-state.ts';
import { ScheduleNameTakenError } from '../../../functions/core/domain/schedule-name-taken-error.ts';
import type {
  CustomerScore,
  ModelRun,
  PurchaseSummary,
  ScoringModel,
  StoredScore,
} from '../../../functions/core/domain/scoring.ts';
import type { StepMessage } from '../../../functions/core/domain/step-message.ts';
import type { EnrolmentStore } from '../../../functions/ports/enrolment-store.ts';
import type { SegmentationStore } from '../../../functions/ports/segmentation-store.ts';
import type { ScheduleStepOptions, StepScheduler } from '../../../functions/ports/step-scheduler.ts';

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

/**
 * The table as the segmenter uses it, in memory: its SegmentationStore side and the creating side
 * of its EnrolmentStore (conditional like DynamoDB), so tests pass it as both.
 */
export class MemorySegmentationStore
  implements
    Pick<
      SegmentationStore,
      'putScores' | 'scanCustomerRecords' | 'putModelRun' | 'getModelRun' | 'previousModelRun'
    >,
    Pick<EnrolmentStore, 'createAssignment' | 'createAssignments'>
{
  readonly assignments = new Map<string, Assignment>();
  readonly scores = new Map<string, StoredScore>();
  readonly runs: ModelRun[] = [];
  constructor(readonly records: CustomerRecord[] = []) {}

  async putScores(scores: readonly StoredScore[]): Promise<void> {
    for (const score of scores) this.scores.set(score.customerId, score);
  }

  async createAssignment(assignment: Assignment): Promise<boolean> {
    const key = `${assignment.customerId}#${assignment.enrolmentId}`;
    if (this.assignments.has(key)) return false;
    this.assignments.set(key, assignment);
    return true;
  }

  async createAssignments(assignments: readonly Assignment[]): Promise<boolean[]> {
    const created: boolean[] = [];
    for (const assignment of assignments) created.push(await this.createAssignment(assignment));
    return created;
  }

  async putModelRun(run: ModelRun): Promise<void> {
    this.runs.push(run);
  }

  async previousModelRun(runId: string): Promise<ModelRun | undefined> {
    return this.runs
      .filter((run) => run.runId < runId)
      .sort((a, b) => a.createdAt - b.createdAt)
      .at(-1);
  }

  /** The day's latest run, as the table keeps one item per day; every read counted. */
  modelRunReads = 0;
  async getModelRun(runId: string): Promise<ModelRun | undefined> {
    this.modelRunReads += 1;
    return this.runs.filter((run) => run.runId === runId).at(-1);
  }

  /** Records with the assignments made so far, as a fresh scan would see them. */
  async *scanCustomerRecords(
    options: { segment?: number; totalSegments?: number } = {},
  ): AsyncIterable<CustomerRecord> {
    for (const [index, stored] of this.records.entries()) {
      if (options.totalSegments !== undefined && index % options.totalSegments !== options.segment) continue;
      const assignments = [...this.assignments.values()].filter(
        (assignment) => assignment.customerId === stored.customer.customerId,
      );
      const score = this.scores.get(stored.customer.customerId) ?? stored.score;
      yield {
        ...stored,
        assignments: [...stored.assignments, ...assignments],
        ...(score === undefined ? {} : { score }),
      };
    }
  }
}

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
