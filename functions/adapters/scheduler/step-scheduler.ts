import { ConflictException, CreateScheduleCommand, type SchedulerClient } from '@aws-sdk/client-scheduler';
import type { StepMessage } from '../../core/sending/step-message.ts';
import type { StepScheduler } from '../../ports/step-scheduler.ts';

export interface SchedulerTarget {
  readonly groupName: string;
  readonly roleArn: string;
  readonly sendQueueArn: string;
  readonly deadLetterQueueArn: string;
}

/** `at()` wants the wall-clock time in the schedule's zone, without offset or milliseconds. */
export function atExpression(epochMs: number, timeZone: string): string {
  const parts = new Intl.DateTimeFormat('en-CA', {
    timeZone,
    year: 'numeric',
    month: '2-digit',
    day: '2-digit',
    hour: '2-digit',
    minute: '2-digit',
    second: '2-digit',
    hourCycle: 'h23',
  }).formatToParts(new Date(epochMs));
  const get = (type: string) => parts.find((part) => part.type === type)?.value ?? '00';
  return `at(${get('year')}-${get('month')}-${get('day')}T${get('hour')}:${get('minute')}:${get('second')})`;
}

/** The StepScheduler over EventBridge Scheduler: one-time schedules that put the step on the send queue. */
export class EventBridgeStepScheduler implements StepScheduler {
  readonly #client: SchedulerClient;
  readonly #target: SchedulerTarget;

  constructor(client: SchedulerClient, target: SchedulerTarget) {
    this.#client = client;
    this.#target = target;
  }

  async scheduleStep(
    name: string,
    message: StepMessage,
    options: { timeZone: string },
  ): Promise<'created' | 'exists'> {
    try {
      await this.#client.send(
        new CreateScheduleCommand({
          Name: name,
          GroupName: this.#target.groupName,
          // The name is deterministic, so a retried call is refused as a duplicate instead of sending twice.
          ClientToken: name,
          ScheduleExpression: atExpression(message.dueAt, options.timeZone),
          ScheduleExpressionTimezone: options.timeZone,
          FlexibleTimeWindow: { Mode: 'OFF' },
          ActionAfterCompletion: 'DELETE',
          Target: {
            Arn: this.#target.sendQueueArn,
            RoleArn: this.#target.roleArn,
            Input: JSON.stringify(message),
            RetryPolicy: { MaximumRetryAttempts: 10, MaximumEventAgeInSeconds: 86_400 },
            DeadLetterConfig: { Arn: this.#target.deadLetterQueueArn },
          },
        }),
      );
      return 'created';
    } catch (error: unknown) {
      if (error instanceof ConflictException) return 'exists';
      throw error;
    }
  }
}
