import { ConflictException, CreateScheduleCommand, type SchedulerClient } from '@aws-sdk/client-scheduler';
import { instantOf, wallTimeAt } from '../../core/policy/zoned-time.ts';
import type { StepMessage } from '../../core/sending/step-message.ts';
import type { ScheduleStepOptions, StepScheduler } from '../../ports/step-scheduler.ts';

export interface SchedulerTarget {
  readonly groupName: string;
  readonly roleArn: string;
  readonly sendQueueArn: string;
  readonly deadLetterQueueArn: string;
}

const pad = (value: number, width = 2) => String(value).padStart(width, '0');

/** `at()` wants the wall-clock time in the schedule's zone, without offset or milliseconds. */
export function atExpression(epochMs: number, timeZone: string): string {
  const wall = wallTimeAt(epochMs, timeZone);
  return `at(${pad(wall.year, 4)}-${pad(wall.month)}-${pad(wall.day)}T${pad(wall.hour)}:${pad(wall.minute)}:${pad(wall.second)})`;
}

/**
 * The `at()` expression and zone for firing at `epochMs`, never earlier: seconds are rounded up,
 * and a wall time the zone repeats (clocks going back) that would name the earlier instant is
 * written in UTC instead, so the step cannot fire an hour early and be deferred in a loop.
 */
export function scheduleTime(epochMs: number, timeZone: string): { expression: string; timeZone: string } {
  const at = Math.ceil(epochMs / 1000) * 1000;
  const local = instantOf(wallTimeAt(at, timeZone), timeZone);
  if (local === at) return { expression: atExpression(at, timeZone), timeZone };
  return { expression: atExpression(at, 'UTC'), timeZone: 'UTC' };
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
    options: ScheduleStepOptions,
  ): Promise<'created' | 'exists'> {
    const when = scheduleTime(options.at ?? message.dueAt, options.timeZone);
    const flexible = options.flexibleWindowMinutes ?? 15;
    try {
      await this.#client.send(
        new CreateScheduleCommand({
          Name: name,
          GroupName: this.#target.groupName,
          // The name is deterministic, so a retried call is refused as a duplicate instead of sending twice.
          ClientToken: name.replace(/[^a-zA-Z0-9-_]/g, '_'),
          ScheduleExpression: when.expression,
          ScheduleExpressionTimezone: when.timeZone,
          // A little slack lets the service spread a burst of steps due at the same minute.
          FlexibleTimeWindow:
            flexible > 0 ? { Mode: 'FLEXIBLE', MaximumWindowInMinutes: flexible } : { Mode: 'OFF' },
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
