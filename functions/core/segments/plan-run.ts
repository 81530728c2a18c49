import type { SegmentationStore } from '../../ports/segmentation-store.ts';
import { forEachConcurrently } from '../concurrency.ts';
import type { RekindleConfig } from '../config/schema.ts';
import type { SegmentationConfig } from '../config/segments.ts';
import {
  type ModelRun,
  type PurchaseSummary,
  runIdFor,
  type ScoringModel,
  summariseOrders,
} from '../domain/scoring.ts';
import type { SegmentTask } from '../domain/segment-task.ts';

/** The daily segmenter's recurring schedule, as deployed and as the demo creates it. */
export function segmenterSchedule(config: Pick<RekindleConfig, 'segmentation' | 'shop'>): {
  expression: string;
  timeZone: string;
} {
  return {
    expression: config.segmentation.schedule,
    timeZone: config.segmentation.timeZone ?? config.shop.fallbackTimeZone,
  };
}

/**
 * Segments scored at once by default: each writes up to ≈ 5,000 WCU/s, so this bounds the table's
 * peak write rate (docs/segmentation-at-scale.md).
 */
export const defaultSegmentConcurrency = 4;

/** How finely the table is cut when sampling: fine enough that a few cuts fill a sample of 10 M. */
export const samplingCutsPerSegment = 16;

/** Fisher–Yates with an injected random source, so tests and runs can be reproduced. */
export function shuffle<T>(items: readonly T[], random: () => number): T[] {
  const copy = [...items];
  for (let i = copy.length - 1; i > 0; i -= 1) {
    const j = Math.floor(random() * (i + 1));
    const a = copy[i];
    const b = copy[j];
    if (a !== undefined && b !== undefined) {
      copy[i] = b;
      copy[j] = a;
    }
  }
  return copy;
}

/**
 * A uniform random sample of at most `size` customers with orders. The table is cut into many
 * parallel-scan segments (hash ranges of the partition key, so each is itself a random subset);
 * whole cuts are read in random order until the sample is full, then trimmed at random. At 10 M
 * customers that reads a few dozen cuts, not the table.
 */
export async function sampleSummaries(
  store: Pick<SegmentationStore, 'scanCustomerRecords'>,
  options: {
    size: number;
    cuts: number;
    now: number;
    random: () => number;
    /** How a small base is read whole: in this many segments. @default 1 */
    segments?: number;
  },
): Promise<{ sample: PurchaseSummary[]; customersRead: number; cutsRead: number }> {
  const collected: PurchaseSummary[] = [];
  let customersRead = 0;
  let cutsRead = 0;
  /** Summarises one scan's customers into `into`; returns how many customers it read. */
  const readInto = async (into: PurchaseSummary[], scan: { segment?: number; totalSegments?: number }) => {
    let count = 0;
    for await (const record of store.scanCustomerRecords(scan)) {
      count += 1;
      const summary = summariseOrders(record.customer.customerId, record.orders, options.now);
      if (summary !== undefined) into.push(summary);
    }
    return count;
  };
  const read = async (scan: { segment?: number; totalSegments?: number }) => {
    const count = await readInto(collected, scan);
    customersRead += count;
    return count;
  };
  const order = shuffle(
    Array.from({ length: options.cuts }, (_, i) => i),
    options.random,
  );
  const [first, ...rest] = order;
  if (first === undefined) return { sample: [], customersRead, cutsRead };
  cutsRead += 1;
  const firstCount = await read({ segment: first, totalSegments: options.cuts });
  // A small base (the first cut says the whole is at most a few samples' worth): the whole table,
  // read in the run's own segments, is far cheaper than dozens of cuts (each costs a request or
  // more even when nearly empty), and no single Scan runs long: DynamoDB Local pages through one
  // Scan in time that grows with the square of its length.
  if (firstCount * options.cuts <= 4 * options.size) {
    collected.length = 0;
    customersRead = 0;
    const segments = options.segments ?? 1;
    cutsRead = segments;
    // A few segments at once, each into its own list, joined in segment order: the same sample for
    // the same random source whichever segment finishes first.
    const parts: PurchaseSummary[][] = Array.from({ length: segments }, () => []);
    await forEachConcurrently(
      parts.map((part, segment) => ({ part, segment })),
      defaultSegmentConcurrency,
      async ({ part, segment }) => {
        const count = await readInto(part, segments === 1 ? {} : { segment, totalSegments: segments });
        customersRead += count;
      },
    );
    // One at a time: spread into push, a base of some 120,000 customers overflows the call stack.
    for (const part of parts) for (const summary of part) collected.push(summary);
  } else {
    for (const segment of rest) {
      if (collected.length >= options.size) break;
      cutsRead += 1;
      await read({ segment, totalSegments: options.cuts });
    }
  }
  return { sample: shuffle(collected, options.random).slice(0, options.size), customersRead, cutsRead };
}

/**
 * The previous run's fit, if today's run may reuse it: younger than `refitEvery`, for the same
 * horizon and, unless the choice is `auto`, the same model.
 */
export function reusableFit(
  previous: ModelRun | undefined,
  config: SegmentationConfig,
  now: number,
): Pick<ModelRun, 'fit' | 'fittedAt' | 'sampleSize'> | undefined {
  const fit = previous?.fit;
  if (previous === undefined || fit === undefined) return undefined;
  const fittedAt = previous.fittedAt ?? previous.createdAt;
  if (now - fittedAt >= config.refitEvery || previous.horizonDays !== config.horizonDays) return undefined;
  if (config.model !== 'auto' && fit.kind !== config.model) return undefined;
  return { fit, fittedAt, sampleSize: previous.sampleSize };
}

/**
 * Plans today's run: fits the configured model on a random sample (or reuses the previous run's fit
 * while it is younger than `refitEvery`), stores the fit with its diagnostics (pk MODEL, sk
 * RUN#<day>), and returns one task per scan segment to fan out.
 */
export async function planRun(
  deps: {
    readonly store: Pick<SegmentationStore, 'scanCustomerRecords' | 'putModelRun' | 'previousModelRun'>;
    readonly model: ScoringModel | undefined;
    readonly config: SegmentationConfig;
    readonly random: () => number;
  },
  now: number,
): Promise<{ run: ModelRun; tasks: SegmentTask[]; customersRead: number }> {
  const { config } = deps;
  const runId = runIdFor(now);
  let fitPart: Pick<ModelRun, 'fit' | 'fitError' | 'fittedAt'> = { fitError: 'no model configured' };
  let sampleSize = 0;
  let customersRead = 0;
  const reused =
    deps.model === undefined ? undefined : reusableFit(await deps.store.previousModelRun(runId), config, now);
  if (reused !== undefined) {
    fitPart = { fit: reused.fit, fittedAt: reused.fittedAt };
    sampleSize = reused.sampleSize;
  } else if (deps.model !== undefined) {
    const sampled = await sampleSummaries(deps.store, {
      size: config.sampleSize,
      cuts: config.totalSegments * samplingCutsPerSegment,
      segments: config.totalSegments,
      now,
      random: deps.random,
    });
    sampleSize = sampled.sample.length;
    customersRead = sampled.customersRead;
    try {
      fitPart = { fit: deps.model.fit(config.model, sampled.sample), fittedAt: now };
    } catch (error: unknown) {
      // A shop with too little history cannot be fitted yet: segment on the other rules today.
      fitPart = { fitError: error instanceof Error ? error.message : String(error) };
    }
  }
  const run: ModelRun = {
    runId,
    createdAt: now,
    ...fitPart,
    sampleSize,
    totalSegments: config.totalSegments,
    horizonDays: config.horizonDays,
  };
  await deps.store.putModelRun(run);
  const tasks = Array.from({ length: config.totalSegments }, (_, segment) => ({
    runId,
    segment,
    totalSegments: config.totalSegments,
    plannedAt: now,
  }));
  return { run, tasks, customersRead };
}
