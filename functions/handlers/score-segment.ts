import { BatchProcessor, EventType, processPartialResponse } from '@aws-lambda-powertools/batch';
import type { Logger } from '@aws-lambda-powertools/logger';
import type { SQSBatchResponse, SQSEvent, SQSRecord } from 'aws-lambda';
import * as z from 'zod';
import type { RekindleConfig } from '../core/config/schema.ts';
import type { ModelRun, ScoringModel } from '../core/domain/scoring.ts';
import { SegmentTaskSchema } from '../core/domain/segment-task.ts';
import { type SegmenterReport, segmentCustomers } from '../core/segments/run-segmenter.ts';
import type { EnrolmentStore } from '../ports/enrolment-store.ts';
import type { SegmentationStore } from '../ports/segmentation-store.ts';
import type { StepScheduler } from '../ports/step-scheduler.ts';
import { scoreSegmentDeps } from './composition.ts';
import { SchedulingEnvironment } from './environment.ts';
import { loadRuntimeBundle } from './runtime-bundle.ts';
import { lambdaComposition, lazyHandler } from './wiring.ts';

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
      let body: unknown;
      try {
        body = JSON.parse(record.body);
      } catch {
        body = undefined;
      }
      const task = SegmentTaskSchema.safeParse(body);
      if (!task.success) {
        // Malformed: fail it until the queue's redrive moves it to the dead-letter queue.
        deps.logger.error('malformed segment task', {
          messageId: record.messageId,
          issues: z.prettifyError(task.error),
        });
        throw new Error('malformed segment task');
      }
      try {
        const run = await loadRun(task.data.runId, task.data.plannedAt);
        if (run === undefined) throw new Error(`model run ${task.data.runId} not found`);
        const report = await segmentCustomers(
          deps.store.scanCustomerRecords({
            segment: task.data.segment,
            totalSegments: task.data.totalSegments,
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
        deps.logger.info('segment scored', { ...task.data, ...report });
        reports.push({ runId: task.data.runId, segment: task.data.segment, ...report });
      } catch (error: unknown) {
        deps.logger.error('segment failed', { ...task.data, error });
        throw error;
      }
    };
    // The same partial-batch mechanism as every SQS handler: a failed record comes again, alone.
    const response = await processPartialResponse(event, handleRecord, new BatchProcessor(EventType.SQS), {
      processInParallel: false,
      throwOnFullBatchFailure: false,
    });
    return { batchItemFailures: response.batchItemFailures, reports };
  };
}

export const handler = lazyHandler(async () =>
  makeHandler(scoreSegmentDeps({ ...lambdaComposition(SchedulingEnvironment), bundle: loadRuntimeBundle() })),
);
