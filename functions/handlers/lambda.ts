import { Logger } from '@aws-lambda-powertools/logger';
import { Metrics, MetricUnit } from '@aws-lambda-powertools/metrics';
import { systemClock } from '../adapters/system-clock.ts';
import { redactingReplacer } from '../core/redact.ts';
import type { MetricsSink } from '../ports/metrics-sink.ts';
import type { Composition } from './composition/core.ts';
import { type EnvironmentKey, readEnvironment } from './environment.ts';

/** The MetricsSink over Powertools Metrics (CloudWatch embedded metric format). */
export function powertoolsMetrics(metrics: Metrics): MetricsSink {
  return {
    count: (name, value = 1, dimensions = {}) => {
      if (Object.keys(dimensions).length === 0) {
        metrics.addMetric(name, MetricUnit.Count, value);
        return;
      }
      const single = metrics.singleMetric();
      for (const [dimension, dimensionValue] of Object.entries(dimensions))
        single.addDimension(dimension, dimensionValue);
      single.addMetric(name, MetricUnit.Count, value);
    },
  };
}

export function createLogger(serviceName: string): Logger {
  // No address reaches a log line, whichever message or error carries it.
  return new Logger({ serviceName, jsonReplacerFn: redactingReplacer });
}

/**
 * A Lambda's input to the composition root (composition/*.ts): the names its environment declares
 * (`keys`, read and checked first, so a missing variable fails the cold start), the clients it uses
 * (`clients`, built with clients/*.ts: only those, so it loads no other SDK package), the system
 * clock, and Powertools' logger and metrics.
 */
export function lambdaComposition<K extends EnvironmentKey, C extends object>(
  keys: readonly K[],
  clients: () => C,
): Composition<K, never> & { readonly clients: C } {
  const names = readEnvironment(keys, process.env);
  return {
    names,
    clients: clients(),
    clock: systemClock,
    logger: createLogger,
    metrics: (serviceName) => new Metrics({ namespace: 'Rekindle', serviceName }),
  };
}
