import type { Logger } from '@aws-lambda-powertools/logger';
import type { SQSBatchResponse, SQSEvent, SQSRecord } from 'aws-lambda';
import type { RekindleConfig } from '../core/config/schema.ts';
import type { ModelRun, ScoringModel } from '../core/domain/scoring.ts';
import { SegmentTaskSchema } from '../core/domain/segment-task.ts';
import { type SegmenterReport, segmentCustomers } from '../core/segments/run-segmenter.ts';
import type { EnrolmentStore } from '../ports/enrolment-store.ts';
import type { SegmentationStore } from '../ports/segmentation-store.ts';
import type { StepScheduler } from '../ports/step-scheduler.ts';
import { dynamoDbClient } from './clients/dynamodb.ts';
import { schedulerClient } from './clients/scheduler.ts';
import { scoreSegmentDeps } from './composition/scheduling.ts';
import { SchedulingEnvironment } from './environment.ts';
import { lambdaComposition } from './lambda.ts';
import { lazyHandler } from './lazy-handler.ts';
import { parseRecordBody, processQueueBatch } from './sqs-batch.ts';

export interface ScoreSegmentDeps {
  readonly store: Pick<SegmentationStore, 'getModelRun' | 'scanCustomerRecords' | 'putScores'>;
  readonly enrolments: Pick<EnrolmentStore, 'createAssignments'>;
  readonly scheduler: StepScheduler;
  readonly config: RekindleConfig;
  readonly logger: Logger;
  readonly model?: ScoringModel;
}

export type ScoreSegmentResult = SQSBatchResponse & {
  reports: (SegmenterReport & { runId: string; segment: number })[];
};

/**
 * Consumes the segment queue: scans one parallel-scan segment, scores its customers with the
 * run's stored fit, writes scores and memberships, and enrols. A failed segment is reported as a
 * batch item failure; its retry redoes the segment, which is idempotent (scores are replaced,
 * enrolment ids are deterministic for the run's day).
 */
export function makeHandler(deps: ScoreSegmentDeps) {
  // Each warm container reads a run once; a day planned again (a newer `plannedAt`) is read afresh.
  const runs = new Map<string, ModelRun>();
  const loadRun = async (runId: string, plannedAt: number | undefined) => {
    const cached = runs.get(runId);
    if (cached !== undefined && (plannedAt === undefined || cached.createdAt === plannedAt)) return cached;
    const run = await deps.store.getModelRun(runId);
    if (run !== undefined) runs.set(runId, run);
    return run;
  };
  return async (event: SQSEvent): Promise<ScoreSegmentResult> => {
    const reports: ScoreSegmentResult['reports'] = [];
    const handleRecord = async (record: SQSRecord): Promise<void> => {
      // Malformed: failed until the queue's redrive moves it to the dead-letter queue.
      const task = parseRecordBody(record, SegmentTaskSchema, 'segment task', deps.logger);
      try {
        const run = await loadRun(task.runId, task.plannedAt);
        if (run === undefined) throw new Error(`model run ${task.runId} not found`);
        const report = await segmentCustomers(
          deps.store.scanCustomerRecords({
            segment: task.segment,
            totalSegments: task.totalSegments,
          }),
          {
            store: deps.store,
            enrolments: deps.enrolments,
            scheduler: deps.scheduler,
            config: deps.config,
            ...(deps.model === undefined ? {} : { scoring: { model: deps.model, run } }),
          },
          run.createdAt,
        );
        deps.logger.info('segment scored', { ...task, ...report });
        reports.push({ runId: task.runId, segment: task.segment, ...report });
      } catch (error: unknown) {
        deps.logger.error('segment failed', { ...task, error });
        throw error;
      }
    };
    const response = await processQueueBatch(event, handleRecord);
    return { batchItemFailures: response.batchItemFailures, reports };
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
  return makeHandler(scoreSegmentDeps({ ...lambda, bundle: loadRuntimeBundle() }));
});
