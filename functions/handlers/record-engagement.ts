import type { Logger } from '@aws-lambda-powertools/logger';
import { Metrics, MetricUnit } from '@aws-lambda-powertools/metrics';
import { DynamoEngagementStore } from '../adapters/dynamo/engagement-store.ts';
import { type RecordDeps, type RecordOutcome, recordSesEvent } from '../core/engagement/record-ses-event.ts';
import type { MetricsSink } from '../ports/engagement-store.ts';
import { EngagementEnvironmentSchema, parseEnvironment } from './environment.ts';
import { loadRuntimeBundle } from './runtime-bundle.ts';
import { createClients, createLogger, lazyHandler } from './wiring.ts';

export interface RecordEngagementDeps extends RecordDeps {
  readonly logger: Logger;
  /** Flushes metrics after each event (Powertools EMF in Lambda). */
  readonly flushMetrics?: () => void;
}

/**
 * One SES event from the configuration set's EventBridge destination. A malformed event is logged
 * and counted (never retried: it would fail the same way); a store failure throws, so Lambda's
 * asynchronous retries and the on-failure destination keep the event.
 */
export function makeHandler(deps: RecordEngagementDeps) {
  return async (event: unknown): Promise<RecordOutcome> => {
    try {
      const outcome = await recordSesEvent(event, deps);
      if (outcome.kind === 'invalid') {
        // Not the event itself: it holds recipient addresses, and logs keep no personal data.
        deps.logger.error('SES event not understood', { reason: outcome.reason, ...envelopeOf(event) });
        deps.metrics.count('InvalidSesEvents', 1);
      } else {
        deps.logger.info('SES event recorded', {
          outcome: outcome.kind,
          type: outcome.event.type,
          messageId: outcome.event.messageId,
          suppressed: outcome.suppressed,
          pausedSequence: outcome.pausedSequence,
        });
      }
      return outcome;
    } finally {
      deps.flushMetrics?.();
    }
  };
}

/** The EventBridge envelope fields of an event, which name it without personal data. */
function envelopeOf(event: unknown): Record<string, string> {
  if (typeof event !== 'object' || event === null) return { eventShape: typeof event };
  const fields: Record<string, string> = {};
  for (const name of ['id', 'detail-type', 'source', 'time'] as const) {
    const value = (event as Record<string, unknown>)[name];
    if (typeof value === 'string') fields[name] = value.slice(0, 200);
  }
  return fields;
}

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

export const handler = lazyHandler(async () => {
  const env = parseEnvironment(EngagementEnvironmentSchema, process.env);
  const { config } = loadRuntimeBundle();
  const clients = createClients();
  const metrics = new Metrics({ namespace: 'Rekindle', serviceName: 'record-engagement' });
  return makeHandler({
    store: new DynamoEngagementStore(clients.dynamodb, env.TABLE_NAME),
    config: config.engagement,
    metrics: powertoolsMetrics(metrics),
    flushMetrics: () => metrics.publishStoredMetrics(),
    logger: createLogger('record-engagement'),
  });
});
