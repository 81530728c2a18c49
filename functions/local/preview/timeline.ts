import { Worker } from 'node:worker_threads';
import type { RekindleConfig } from '../../core/config/schema.ts';
import { seededRandom } from '../../core/model/simulate.ts';
import { describeEntry, localTime } from '../../core/planning/plan-text.ts';
import { planningModel } from '../../core/planning/planning-model.ts';
import {
  localMidnight,
  planStart,
  simulatePlan,
  type TimelineEntry,
} from '../../core/planning/simulate-plan.ts';
import { recipientTimeZone } from '../../core/policy/decide.ts';
import type { PreviewSample, PreviewShop } from './samples.ts';

/** One line of a customer's timeline, in their own time zone. */
export interface PreviewTimelineEntry {
  readonly when: string;
  readonly kind: TimelineEntry['kind'];
  readonly what: string;
  /** The template an email step uses: the page links to it for this customer. */
  readonly template?: string;
}

/** A customer's sequence timeline as the plan computes it, or why it could not be computed. */
export type PreviewTimeline =
  | { readonly error: string }
  /** The plan of a large shop still runs; the section fills in on a later page. */
  | { readonly pending: string }
  | {
      readonly timeZone: string;
      readonly from: string;
      readonly days: number;
      readonly entries: readonly PreviewTimelineEntry[];
    };

/** The plan's timelines for every customer, with where they start. */
interface PlannedTimelines {
  readonly start: number;
  readonly timelines: ReadonlyMap<string, readonly TimelineEntry[]>;
}

/** A plan asked of the timeline worker (timeline-worker.ts). */
export interface TimelineRequest {
  readonly id: number;
  readonly config: RekindleConfig;
  readonly start: number;
  readonly days: number;
}

/** The timeline worker's answer to request `id`; id -1 says it has started. */
export type TimelineReply =
  | { readonly id: number; readonly ready: true }
  | { readonly id: number; readonly timelines: ReadonlyMap<string, readonly TimelineEntry[]> }
  | { readonly id: number; readonly error: string };

/**
 * The plan in a worker thread (timeline-worker.ts, through its tsx entry as the send worker's),
 * started on the first plan and kept for the next config: the shop is copied to it once.
 */
class PlanWorker {
  readonly #worker: Worker;
  readonly #pending = new Map<
    number,
    { resolve: (value: PlannedTimelines['timelines']) => void; reject: (error: Error) => void }
  >();
  #nextId = 0;
  #failure: Error | undefined;

  constructor(shop: PreviewShop, onExit: () => void) {
    this.#worker = new Worker(new URL('./timeline-entry.mjs', import.meta.url), { workerData: shop });
    // A preview that stops without closing the cache does not wait for the worker.
    this.#worker.unref();
    this.#worker.on('message', (reply: TimelineReply) => {
      const call = this.#pending.get(reply.id);
      if (call === undefined) return;
      this.#pending.delete(reply.id);
      if ('error' in reply) call.reject(new Error(reply.error));
      else if ('timelines' in reply) call.resolve(reply.timelines);
    });
    const failed = (why: string) => {
      this.#failure ??= new Error(`the timeline worker stopped: ${why}`);
      for (const call of this.#pending.values()) call.reject(this.#failure);
      this.#pending.clear();
      onExit();
    };
    this.#worker.on('error', (error) => failed(error.message));
    this.#worker.on('exit', (code) => failed(`exit code ${code}`));
  }

  plan(config: RekindleConfig, start: number, days: number): Promise<PlannedTimelines['timelines']> {
    if (this.#failure !== undefined) return Promise.reject(this.#failure);
    const id = this.#nextId++;
    return new Promise((resolve, reject) => {
      this.#pending.set(id, { resolve, reject });
      this.#worker.postMessage({ id, config, start, days } satisfies TimelineRequest);
    });
  }

  async stop(): Promise<void> {
    this.#failure ??= new Error('the timeline worker was stopped');
    await this.#worker.terminate();
  }
}

/**
 * The plan (`rekindle plan`'s simulation: the real segmenter, enrolment and send policy in virtual
 * time, sending nothing) of the preview's customers, computed once per config text: the timelines
 * of every customer come from one run, as the segment's model is fitted on all of them.
 */
export class TimelineCache {
  readonly #shop: PreviewShop;
  readonly #days: number;
  readonly #start: number | string | undefined;
  readonly #now: () => number;
  readonly #inWorker: boolean;
  #worker: PlanWorker | undefined;
  #key: string | undefined;
  #planned: Promise<PlannedTimelines> | undefined;

  constructor(options: {
    readonly shop: PreviewShop;
    readonly days: number;
    /**
     * The first planned instant, or day (YYYY-MM-DD, midnight in the segmenter's zone); default the
     * day after the newest order or incident, as `rekindle plan`.
     */
    readonly start?: number | string;
    readonly now: () => number;
    /**
     * Plan in a worker thread, so the server's pages go on while it runs. @default true above
     * {@link waitedForCustomers} customers (a small shop's plan takes less than starting one)
     */
    readonly inWorker?: boolean;
  }) {
    this.#inWorker = options.inWorker ?? options.shop.customers.length > waitedForCustomers;
    this.#shop = options.shop;
    this.#days = options.days;
    this.#start = options.start;
    this.#now = options.now;
  }

  get days(): number {
    return this.#days;
  }

  /** The plan under this config; the previous config's plan is dropped when the text changes. */
  planned(config: RekindleConfig, configText: string): Promise<PlannedTimelines> {
    if (this.#planned === undefined || this.#key !== configText) {
      this.#key = configText;
      const zone = config.segmentation.timeZone ?? config.shop.fallbackTimeZone;
      const start =
        typeof this.#start === 'string'
          ? localMidnight(this.#start, zone)
          : (this.#start ?? planStart(this.#shop, zone, this.#now()));
      const timelines = this.#inWorker
        ? this.#planWorker().plan(config, start, this.#days)
        : simulatePlan({
            config,
            data: this.#shop,
            start,
            days: this.#days,
            model: planningModel,
            random: seededRandom(1),
            examples: 0,
          }).then((plan) => plan.timelines);
      this.#planned = timelines.then((planned) => ({ start, timelines: planned }));
      // A failed plan is computed again on the next page, not cached.
      this.#planned.catch(() => {
        this.#planned = undefined;
      });
    }
    return this.#planned;
  }

  #planWorker(): PlanWorker {
    if (this.#worker === undefined) {
      const worker = new PlanWorker(this.#shop, () => {
        // A worker that stopped is started again for the next plan.
        if (this.#worker === worker) this.#worker = undefined;
      });
      this.#worker = worker;
    }
    return this.#worker;
  }

  /** Stops the plan's worker thread, if one was started. */
  async close(): Promise<void> {
    const worker = this.#worker;
    this.#worker = undefined;
    await worker?.stop();
  }
}

/**
 * Above this many customers a page does not wait for the plan (it says the plan still runs), and
 * the plan runs in a worker thread.
 */
export const waitedForCustomers = 2_000;
/** How long a page of a large shop waits for the plan before saying it still runs. */
const patienceMs = 2_000;

/**
 * The sample's timeline: what the plan does to them, each line in their own zone. For a shop of
 * more than {@link waitedForCustomers} customers, a plan not done within two seconds is reported
 * as still running; that plan runs in a worker thread (see TimelineCache), so the server answers
 * every page meanwhile.
 */
export async function timelineFor(
  cache: TimelineCache,
  config: { readonly config: RekindleConfig; readonly text: string },
  sample: PreviewSample,
  customers: number,
): Promise<PreviewTimeline> {
  const planning = cache.planned(config.config, config.text);
  let timer: NodeJS.Timeout | undefined;
  const planned =
    customers <= waitedForCustomers
      ? await planning
      : await Promise.race([
          planning,
          new Promise<undefined>((resolve) => {
            timer = setTimeout(() => resolve(undefined), patienceMs);
          }),
        ]).finally(() => clearTimeout(timer));
  if (planned === undefined)
    return {
      pending: `The plan of ${customers.toLocaleString('en')} customers over ${cache.days} days is still running: refresh in a moment.`,
    };
  const timeZone = recipientTimeZone(
    sample.view.customer,
    config.config.policy,
    config.config.shop.fallbackTimeZone,
  );
  const entries = (planned.timelines.get(sample.view.customer.customerId) ?? []).map((entry) => {
    const when = localTime(entry.at, timeZone);
    const what = describeEntry(entry, timeZone).slice(when.length).trim();
    return {
      when,
      kind: entry.kind,
      what,
      ...(entry.kind === 'sent' && entry.template !== undefined ? { template: entry.template } : {}),
    };
  });
  return { timeZone, from: localTime(planned.start, timeZone), days: cache.days, entries };
}
