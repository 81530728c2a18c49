import type { Logger } from '@aws-lambda-powertools/logger';
import { SqsSegmentQueue } from '../adapters/sqs/segment-queue.ts';
import type { RekindleConfig } from '../core/config/schema.ts';
import type { ScoringModel } from '../core/domain/scoring.ts';
import { planRun } from '../core/segments/plan-run.ts';
import type { Clock } from '../ports/clock.ts';
import type { SegmentFanOut } from '../ports/segment-fan-out.ts';
import type { SegmentationStore } from '../ports/segmentation-store.ts';
import { dynamoDbClient } from './clients/dynamodb.ts';
import { sqsClient } from './clients/sqs.ts';
import { planSegmentationDeps } from './composition/core.ts';
import { PlanSegmentationEnvironment } from './environment.ts';
import { lambdaComposition } from './lambda.ts';
import { lazyHandler } from './lazy-handler.ts';

export interface PlanSegmentationDeps {
  readonly store: SegmentationStore;
  readonly fanOut: SegmentFanOut;
  readonly clock: Clock;
  readonly config: RekindleConfig;
  readonly logger: Logger;
  readonly model?: ScoringModel;
  readonly random?: () => number;
}

export interface PlanSegmentationResult {
  readonly runId: string;
  readonly segments: number;
  readonly sampleSize: number;
  readonly customersRead: number;
  readonly model?: string;
  readonly fitError?: string;
}

/**
 * Invoked by the daily Scheduler schedule: fits the model on a random sample, stores the fit
 * (pk MODEL, sk RUN#<day>) and sends one message per scan segment to the scoring queue.
 */
export function makeHandler(deps: PlanSegmentationDeps) {
  return async (_event: unknown): Promise<PlanSegmentationResult> => {
    const { run, tasks, customersRead } = await planRun(
      {
        store: deps.store,
        model: deps.model,
        config: deps.config.segmentation,
        random: deps.random ?? Math.random,
      },
      deps.clock.now(),
    );
    await deps.fanOut.dispatch(tasks);
    const result = {
      runId: run.runId,
      segments: tasks.length,
      sampleSize: run.sampleSize,
      customersRead,
      ...(run.fit === undefined ? {} : { model: run.fit.kind }),
      ...(run.fitError === undefined ? {} : { fitError: run.fitError }),
    };
    if (run.fitError !== undefined)
      deps.logger.warn('model not fitted; model rules match nobody today', result);
    deps.logger.info('segmentation planned', { ...result, diagnostics: run.fit?.diagnostics });
    return result;
  };
}

export const handler = lazyHandler(async () => {
  // The config schema and the baked bundle load on the first event; the SDK clients' packages with
  // the module, in Lambda's init phase.
  const { loadRuntimeBundle } = await import('./runtime-bundle.ts');
  const lambda = lambdaComposition(PlanSegmentationEnvironment, () => ({
    dynamodb: dynamoDbClient(),
    sqs: sqsClient(),
  }));
  return makeHandler(
    planSegmentationDeps({
      ...lambda,
      bundle: loadRuntimeBundle(),
      segmentQueue: new SqsSegmentQueue(lambda.clients.sqs, lambda.names.segmentQueueUrl),
    }),
  );
});
