import type { StepMessage } from '../core/sending/step-message.ts';

/** Plans a step to be delivered to the send queue at `message.dueAt`. */
export interface StepScheduler {
  /**
   * Creates a one-time schedule named `name`. Idempotent: if a schedule of that name already
   * exists (a retry planning the same step), it resolves without creating a second.
   */
  scheduleStep(
    name: string,
    message: StepMessage,
    options: { timeZone: string },
  ): Promise<'created' | 'exists'>;
}
