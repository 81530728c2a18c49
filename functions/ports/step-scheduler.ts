import type { StepMessage } from '../core/domain/step-message.ts';

/** When and how a schedule fires. */
export interface ScheduleStepOptions {
  /** The recipient's IANA zone: the `at()` expression is written in it. */
  readonly timeZone: string;
  /** When to fire, epoch ms; defaults to `message.dueAt` (a deferral fires later than it was due). */
  readonly at?: number;
  /** The flexible time window in minutes; 0 turns it off. @default 15 */
  readonly flexibleWindowMinutes?: number;
}

/** Plans a step to be delivered to the send queue at `options.at` (default `message.dueAt`). */
export interface StepScheduler {
  /**
   * Creates a one-time schedule named `name`, never less than the schedule-time floor ahead of the
   * clock. Idempotent: if a schedule of that name already exists for the same step (a retry
   * planning it again), it resolves `'exists'` without creating a second. A name held by another
   * enrolment's or step's schedule throws `ScheduleNameTakenError`: never read as success.
   */
  scheduleStep(
    name: string,
    message: StepMessage,
    options: ScheduleStepOptions,
  ): Promise<'created' | 'exists'>;
}
