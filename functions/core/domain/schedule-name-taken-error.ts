import type { StepMessage } from './step-message.ts';

/** A schedule name already held by a schedule for a different step: two steps would share one schedule. */
export class ScheduleNameTakenError extends Error {
  override readonly name = 'ScheduleNameTakenError';
  readonly scheduleName: string;

  constructor(
    scheduleName: string,
    groupName: string,
    wanted: Pick<StepMessage, 'enrolmentId' | 'stepIndex'>,
    holder: Pick<StepMessage, 'enrolmentId' | 'stepIndex'> | undefined,
    options?: ErrorOptions,
  ) {
    const held =
      holder === undefined
        ? 'a schedule that is not a step message'
        : `enrolment ${holder.enrolmentId} step ${holder.stepIndex}`;
    super(
      `Schedule ${scheduleName} in group ${groupName} is held by ${held}, so enrolment ${wanted.enrolmentId} step ${wanted.stepIndex} could not be scheduled under that name`,
      options,
    );
    this.scheduleName = scheduleName;
  }
}
