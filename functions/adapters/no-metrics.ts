import type { MetricsSink } from '../ports/metrics-sink.ts';

/** Counts nothing: the local runtime and tests, where no alarm watches. */
export const noMetrics: MetricsSink = { count: () => undefined };
