import type { RekindleConfig } from '../config/schema.ts';
import { recipientTimeZone } from '../policy/decide.ts';
import type { ShopData } from './shop-data.ts';
import type { PlanDay, PlanResult, TimelineEntry } from './simulate-plan.ts';

/** One customer's plan: their zone (the times a window is read in) and what happens, in order. */
export interface CustomerTimeline {
  readonly customerId: string;
  readonly timeZone: string;
  readonly entries: readonly TimelineEntry[];
}

/** The plan as printed: as configured, the same without caps and windows, and some customers' timelines. */
export interface PlanReport
  extends Pick<
    PlanResult,
    | 'start'
    | 'end'
    | 'timeZone'
    | 'customers'
    | 'orders'
    | 'incidents'
    | 'model'
    | 'segments'
    | 'unmatched'
    | 'totals'
    | 'deferrals'
    | 'skips'
    | 'exits'
    | 'steps'
  > {
  readonly configFile: string;
  readonly rejectedRows: number;
  readonly days: readonly (PlanDay & { readonly emailsWithoutLimits: number })[];
  /** The same plan with the send window open all week, no cap and no minimum gap. */
  readonly withoutLimits: {
    readonly totals: PlanResult['totals'];
    readonly deferrals: PlanResult['deferrals'];
    readonly steps: PlanResult['steps'];
  };
  readonly policy: {
    readonly window: string;
    readonly cap: string;
    readonly minimumGap: string;
  };
  /** Customers asked for with --customer, or a sample: the first enrolled in each sequence. */
  readonly timelines: readonly CustomerTimeline[];
  /** Customers asked for who are not in the files. */
  readonly unknownCustomers: readonly string[];
}

const duration = (ms: number) =>
  ms % 86_400_000 === 0
    ? `${ms / 86_400_000}d`
    : ms % 3_600_000 === 0
      ? `${ms / 3_600_000}h`
      : `${Math.round(ms / 60_000)}m`;
const clock = (minutes: number) =>
  `${String(Math.floor(minutes / 60)).padStart(2, '0')}:${String(minutes % 60).padStart(2, '0')}`;

/**
 * The sample of timelines: the customers asked for, else up to `sample` customers, the first
 * enrolled of each sequence in turn (so every sequence shows), then any held out.
 */
function pickTimelines(plan: PlanResult, customerIds: readonly string[], sample: number): string[] {
  if (customerIds.length > 0) return [...customerIds];
  const bySequence = new Map<string, string[]>();
  const heldOut: string[] = [];
  for (const [customerId, entries] of plan.timelines) {
    const first = entries[0];
    if (first === undefined) continue;
    if (first.kind === 'held-out') {
      heldOut.push(customerId);
      continue;
    }
    const list = bySequence.get(first.sequenceId);
    if (list === undefined) bySequence.set(first.sequenceId, [customerId]);
    else if (list.length < sample) list.push(customerId);
  }
  const picked: string[] = [];
  const lists = [...bySequence.values()];
  for (let round = 0; picked.length < sample && lists.some((list) => list.length > round); round += 1)
    for (const list of lists) {
      const id = list[round];
      if (id !== undefined && picked.length < sample) picked.push(id);
    }
  if (picked.length < sample && heldOut[0] !== undefined) picked.push(heldOut[0]);
  return picked;
}

/** Joins a plan and its comparison into what `rekindle plan` prints (text, JSON, HTML). */
export function buildPlanReport(input: {
  readonly configFile: string;
  readonly config: RekindleConfig;
  readonly data: ShopData;
  readonly plan: PlanResult;
  readonly unlimited: PlanResult;
  readonly customerIds: readonly string[];
  readonly sample: number;
  readonly rejectedRows: number;
}): PlanReport {
  const { plan, unlimited, config, data } = input;
  const customers = new Map(data.customers.map((customer) => [customer.customerId, customer]));
  const ids = pickTimelines(plan, input.customerIds, input.sample);
  const timelines: CustomerTimeline[] = [];
  const unknownCustomers: string[] = [];
  for (const customerId of ids) {
    const customer = customers.get(customerId);
    if (customer === undefined) {
      unknownCustomers.push(customerId);
      continue;
    }
    timelines.push({
      customerId,
      timeZone: recipientTimeZone(customer, config.policy, config.shop.fallbackTimeZone),
      entries: plan.timelines.get(customerId) ?? [],
    });
  }
  const { sendWindow, cap, minimumGap } = config.policy;
  return {
    configFile: input.configFile,
    start: plan.start,
    end: plan.end,
    timeZone: plan.timeZone,
    customers: plan.customers,
    orders: plan.orders,
    incidents: plan.incidents,
    rejectedRows: input.rejectedRows,
    model: plan.model,
    segments: plan.segments,
    unmatched: plan.unmatched,
    days: plan.days.map((day, index) => ({
      ...day,
      emailsWithoutLimits: unlimited.days[index]?.emails ?? 0,
    })),
    totals: plan.totals,
    deferrals: plan.deferrals,
    skips: plan.skips,
    exits: plan.exits,
    steps: plan.steps,
    withoutLimits: { totals: unlimited.totals, deferrals: unlimited.deferrals, steps: unlimited.steps },
    policy: {
      window: `${sendWindow.days.join(', ')} ${clock(sendWindow.from)}–${clock(sendWindow.to)} recipient’s time`,
      cap: `${cap.emails} per ${duration(cap.per)}`,
      minimumGap: duration(minimumGap),
    },
    timelines,
    unknownCustomers,
  };
}
