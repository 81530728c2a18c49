import type { SegmentTask } from '../core/domain/segment-task.ts';

/** Hands each scan segment of a run to its own scoring invocation (SQS in production). */
export interface SegmentFanOut {
  dispatch(tasks: readonly SegmentTask[]): Promise<void>;
}
