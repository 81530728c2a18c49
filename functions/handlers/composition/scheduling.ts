import { EventBridgeStepScheduler } from '../../adapters/scheduler/step-scheduler.ts';
import type { ScoreSegmentDeps } from '../score-segment.ts';
import type { SegmentCustomersDeps } from '../segment-customers.ts';
import { type Composition, segmenterDeps, type TableStores, tableStores, type WithBundle } from './core.ts';

/** The names the step scheduler needs. */
export type SchedulingNames =
  | 'tableName'
  | 'scheduleGroup'
  | 'schedulerRoleArn'
  | 'sendQueueArn'
  | 'sendDeadLetterQueueArn';

/** The step scheduler: schedules in the group, targeting the send queue, as the scheduler role. */
export function stepScheduler(
  composition: Pick<Composition<SchedulingNames, 'scheduler'>, 'clients' | 'names' | 'clock'>,
): EventBridgeStepScheduler {
  const { clients, names, clock } = composition;
  return new EventBridgeStepScheduler(
    clients.scheduler,
    {
      groupName: names.scheduleGroup,
      roleArn: names.schedulerRoleArn,
      sendQueueArn: names.sendQueueArn,
      deadLetterQueueArn: names.sendDeadLetterQueueArn,
    },
    clock,
  );
}

/** A segmenter that enrols: it also writes enrolments and schedules their first steps. */
function enrollingSegmenterDeps(
  c: Composition<SchedulingNames, 'scheduler'> & WithBundle,
  stores: TableStores,
  serviceName: string,
) {
  return {
    ...segmenterDeps(c, stores, serviceName),
    enrolments: stores.enrolments,
    scheduler: stepScheduler(c),
  };
}

export function scoreSegmentDeps(
  c: Composition<SchedulingNames, 'dynamodb' | 'scheduler'> & WithBundle,
  stores = tableStores(c.clients, c.names.tableName),
): ScoreSegmentDeps {
  return enrollingSegmenterDeps(c, stores, 'score-segment');
}

export function segmentCustomersDeps(
  c: Composition<SchedulingNames, 'dynamodb' | 'scheduler'> & WithBundle,
  stores = tableStores(c.clients, c.names.tableName),
): SegmentCustomersDeps {
  return { ...enrollingSegmenterDeps(c, stores, 'segment-customers'), clock: c.clock };
}
