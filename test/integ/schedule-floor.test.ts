import {
  CreateScheduleCommand,
  CreateScheduleGroupCommand,
  SchedulerClient,
  ValidationException,
} from '@aws-sdk/client-scheduler';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { EventBridgeStepScheduler } from '../../functions/adapters/scheduler/step-scheduler.ts';
import { enrolmentIdFor } from '../../functions/core/domain/enrolment.ts';
import { ScheduleNameTakenError } from '../../functions/core/domain/schedule-name-taken-error.ts';
import { type StepMessage, scheduleNameFor } from '../../functions/core/domain/step-message.ts';
import {
  type SchedulerEmulator,
  startSchedulerEmulator,
} from '../../functions/local/scheduler-emulator/index.ts';
import { VirtualClock } from '../../functions/local/virtual-clock.ts';

/**
 * The adapter against the strict emulator: a step planned in the past is scheduled two minutes
 * ahead instead of refused, and a taken name is read back through GetSchedule before it counts.
 */
const START = Date.parse('2026-03-02T09:00:00Z');
const MINUTE = 60_000;
const GROUP = 'steps';
const target = {
  groupName: GROUP,
  roleArn: 'arn:aws:iam::000000000000:role/scheduler',
  sendQueueArn: 'arn:aws:sqs:us-east-1:000000000000:send',
  deadLetterQueueArn: 'arn:aws:sqs:us-east-1:000000000000:send-dlq',
};

const clock = new VirtualClock(START);
let emulator: SchedulerEmulator;
let client: SchedulerClient;
let steps: EventBridgeStepScheduler;

const stepOf = (customerId: string, stepIndex = 0): StepMessage => ({
  version: 1,
  customerId,
  enrolmentId: enrolmentIdFor(customerId, 'gentle-winback', START),
  sequenceId: 'gentle-winback',
  segmentId: 'lapsed',
  stepIndex,
  dueAt: START,
});

beforeAll(async () => {
  emulator = await startSchedulerEmulator({ clock, targets: () => undefined });
  client = new SchedulerClient({
    endpoint: emulator.endpoint,
    region: 'us-east-1',
    credentials: { accessKeyId: 'local', secretAccessKey: 'local' },
    maxAttempts: 1,
  });
  await client.send(new CreateScheduleGroupCommand({ Name: GROUP }));
  steps = new EventBridgeStepScheduler(client, target, clock);
});

afterAll(async () => {
  client?.destroy();
  await emulator?.stop();
});

describe('the schedule-time floor against the strict emulator', () => {
  it('schedules a step planned an hour ago (a batch retried late) two minutes ahead, where a raw at() is refused', async () => {
    clock.advanceTo(START + 60 * MINUTE);
    const message = stepOf('late');
    const refused = await client
      .send(
        new CreateScheduleCommand({
          Name: 'raw-past',
          GroupName: GROUP,
          ScheduleExpression: 'at(2026-03-02T09:00:00)',
          FlexibleTimeWindow: { Mode: 'OFF' },
          Target: { Arn: target.sendQueueArn, RoleArn: target.roleArn, Input: JSON.stringify(message) },
        }),
      )
      .then(
        () => undefined,
        (error: unknown) => error,
      );
    expect(refused).toBeInstanceOf(ValidationException);

    const name = scheduleNameFor(message.enrolmentId, 0);
    expect(await steps.scheduleStep(name, message, { timeZone: 'Europe/London', at: START })).toBe('created');
    const created = emulator.schedules().find((schedule) => schedule.name === name);
    expect(created).toMatchObject({ expression: 'at(2026-03-02T10:02:00)', timeZone: 'Europe/London' });
    expect(created?.nextScheduledAt).toBe(START + 62 * MINUTE);
  });

  it('reads a taken name back: the same step is there already, another enrolment is an error', async () => {
    const mine = stepOf('mine');
    const name = scheduleNameFor(mine.enrolmentId, 0);
    expect(await steps.scheduleStep(name, mine, { timeZone: 'UTC' })).toBe('created');
    clock.advanceBy(MINUTE);
    // A retry a minute later asks for another time under the same name: still this step.
    expect(await steps.scheduleStep(name, mine, { timeZone: 'UTC' })).toBe('exists');
    const other = stepOf('other');
    await expect(steps.scheduleStep(name, other, { timeZone: 'UTC' })).rejects.toBeInstanceOf(
      ScheduleNameTakenError,
    );
    await expect(steps.scheduleStep(name, { ...mine, stepIndex: 1 }, { timeZone: 'UTC' })).rejects.toThrow(
      `is held by enrolment ${mine.enrolmentId} step 0`,
    );
    expect(emulator.schedules().filter((schedule) => schedule.name === name)).toHaveLength(1);
  });
});
