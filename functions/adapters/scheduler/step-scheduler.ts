import {
  ConflictException,
  CreateScheduleCommand,
  GetScheduleCommand,
  ResourceNotFoundException,
  type SchedulerClient,
} from '@aws-sdk/client-scheduler';
import { ScheduleNameTakenError } from '../../core/domain/schedule-name-taken-error.ts';
import { type StepMessage, StepMessageSchema } from '../../core/domain/step-message.ts';
import { instantOf, wallTimeAt } from '../../core/policy/zoned-time.ts';
import type { Clock } from '../../ports/clock.ts';
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

/**
 * The schedule-time floor: a one-time schedule is never created less than this far ahead of the
 * clock at the moment of the CreateSchedule call. A step planned for "now" (the segmenter's step 0
 * while the recipient's window is open) is in the past by the time the call runs, or is retried,
 * and Scheduler rejects a past `at()` at create, so the batch would fail on every retry.
 */
export const SCHEDULE_TIME_FLOOR_MS = 2 * 60_000;

/** When a step planned for `at` is scheduled, with the clock at `now`: never before the floor. */
export function flooredTime(at: number, now: number): number {
  return Math.max(at, now + SCHEDULE_TIME_FLOOR_MS);
}

/** How often a name taken by a schedule that completed (and was deleted) before we could read it is tried again. */
const CREATE_ATTEMPTS = 3;

/** The StepScheduler over EventBridge Scheduler: one-time schedules that put the step on the send queue. */
export class EventBridgeStepScheduler implements StepScheduler {
  readonly #client: SchedulerClient;
  readonly #target: SchedulerTarget;
  readonly #clock: Clock;

  /** `clock` is the one the handlers read (virtual in the local runtime): the floor is counted on it. */
  constructor(client: SchedulerClient, target: SchedulerTarget, clock: Clock) {
    this.#client = client;
    this.#target = target;
    this.#clock = clock;
  }

  async scheduleStep(
    name: string,
    message: StepMessage,
    options: ScheduleStepOptions,
  ): Promise<'created' | 'exists'> {
    for (let attempt = 1; ; attempt += 1) {
      try {
        await this.#create(name, message, options);
        return 'created';
      } catch (error: unknown) {
        if (!(error instanceof ConflictException)) throw error;
        // A conflict is success only when the schedule holding the name is this very step.
        const existing = await this.#existingStep(name);
        if (existing === 'gone') {
          // It fired and was deleted meanwhile: create again (the send ledger refuses a second send).
          if (attempt < CREATE_ATTEMPTS) continue;
          throw new Error(`Schedule ${name} conflicted ${attempt} times but was gone each time`, {
            cause: error,
          });
        }
        if (existing !== undefined && sameStep(existing, message)) return 'exists';
        throw new ScheduleNameTakenError(name, this.#target.groupName, message, existing, { cause: error });
      }
    }
  }

  async #create(name: string, message: StepMessage, options: ScheduleStepOptions): Promise<void> {
    // The clock is read right before the call, so a retried batch is floored at its own time.
    const when = scheduleTime(flooredTime(options.at ?? message.dueAt, this.#clock.now()), options.timeZone);
    const flexible = options.flexibleWindowMinutes ?? 15;
    await this.#client.send(
      new CreateScheduleCommand({
        Name: name,
        GroupName: this.#target.groupName,
        // No ClientToken of ours: the floor makes a retried call's request differ, and the name
        // alone refuses a duplicate (the SDK's own token keeps its retries of one call idempotent).
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
  }

  /**
   * The step message of the schedule holding `name`; `undefined` when its Input is not one,
   * `'gone'` when it completed and was deleted since the conflict.
   */
  async #existingStep(name: string): Promise<StepMessage | undefined | 'gone'> {
    try {
      const found = await this.#client.send(
        new GetScheduleCommand({ Name: name, GroupName: this.#target.groupName }),
      );
      const input = found.Target?.Input;
      if (input === undefined) return undefined;
      const parsed = StepMessageSchema.safeParse(parseJson(input));
      return parsed.success ? parsed.data : undefined;
    } catch (error: unknown) {
      if (error instanceof ResourceNotFoundException) return 'gone';
      throw error;
    }
  }
}

/** The same step of the same enrolment (a retry planning it again), whatever its planned time. */
function sameStep(existing: StepMessage, message: StepMessage): boolean {
  return (
    existing.enrolmentId === message.enrolmentId &&
    existing.customerId === message.customerId &&
    existing.stepIndex === message.stepIndex &&
    (existing.attempt ?? 0) === (message.attempt ?? 0) &&
    existing.retryOf === message.retryOf
  );
}

function parseJson(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return undefined;
  }
}
