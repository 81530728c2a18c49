import type { Logger } from '@aws-lambda-powertools/logger';
import type { RekindleConfig } from '../core/config/schema.ts';
import type { ScoringModel } from '../core/domain/scoring.ts';
import { planRun } from '../core/segments/plan-run.ts';
import { type SegmenterReport, segmentCustomers } from '../core/segments/run-segmenter.ts';
import type { Clock } from '../ports/clock.ts';
import type { EnrolmentStore } from '../ports/enrolment-store.ts';
import type { SegmentationStore } from '../ports/segmentation-store.ts';
import type { StepScheduler } from '../ports/step-scheduler.ts';
import { dynamoDbClient } from './clients/dynamodb.ts';
import { schedulerClient } from './clients/scheduler.ts';
import { segmentCustomersDeps } from './composition/scheduling.ts';
import { SchedulingEnvironment } from './environment.ts';
import { lambdaComposition } from './lambda.ts';
import { lazyHandler } from './lazy-handler.ts';

export interface SegmentCustomersDeps {
  readonly store: SegmentationStore;
  readonly enrolments: Pick<EnrolmentStore, 'createAssignments'>;
  readonly scheduler: StepScheduler;
  readonly clock: Clock;
  readonly config: RekindleConfig;
  readonly logger: Logger;
  /** Without a model, rules on model fields match nobody. */
  readonly model?: ScoringModel;
  readonly random?: () => number;
}

/**
 * The whole daily run in one invocation: fit on a sample, then score and enrol everyone. Right for
 * shops up to a few hundred thousand customers and for the local runtime; beyond that, the
 * plan-segmentation → score-segment fan-out does the same work in parallel.
 */
export function makeHandler(deps: SegmentCustomersDeps) {
  return async (_event: unknown): Promise<SegmenterReport & { runId: string; fitError?: string }> => {
    const now = deps.clock.now();
    const { run } = await planRun(
      {
        store: deps.store,
        model: deps.model,
        config: deps.config.segmentation,
        random: deps.random ?? Math.random,
      },
      now,
    );
    const report = await segmentCustomers(
      deps.store.scanCustomerRecords(),
      {
        store: deps.store,
        enrolments: deps.enrolments,
        scheduler: deps.scheduler,
        config: deps.config,
        ...(deps.model === undefined ? {} : { scoring: { model: deps.model, run } }),
      },
      now,
    );
    deps.logger.info('segmenter done', { runId: run.runId, fitError: run.fitError, ...report });
    return { runId: run.runId, ...(run.fitError === undefined ? {} : { fitError: run.fitError }), ...report };
  };
}

export const handler = lazyHandler(async () => {
  // The config schema and the baked bundle load on the first event; the SDK clients' packages with
  // the module, in Lambda's init phase.
  const { loadRuntimeBundle } = await import('./runtime-bundle.ts');
  const lambda = lambdaComposition(SchedulingEnvironment, () => ({
    dynamodb: dynamoDbClient(),
    scheduler: schedulerClient(),
  }));
  return makeHandler(segmentCustomersDeps({ ...lambda, bundle: loadRuntimeBundle() }));
});
