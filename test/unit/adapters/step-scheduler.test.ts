import {
  ConflictException,
  CreateScheduleCommand,
  GetScheduleCommand,
  ResourceNotFoundException,
  SchedulerClient,
  ThrottlingException,
} from '@aws-sdk/client-scheduler';
import { mockClient } from 'aws-sdk-client-mock';
import { afterEach, describe, expect, it } from 'vitest';
import {
  EventBridgeStepScheduler,
  flooredTime,
  SCHEDULE_TIME_FLOOR_MS,
} from '../../../functions/adapters/scheduler/step-scheduler.ts';
import { ScheduleNameTakenError } from '../../../functions/core/domain/schedule-name-taken-error.ts';
import type { StepMessage } from '../../../functions/core/domain/step-message.ts';
import { VirtualClock } from '../../../functions/local/virtual-clock.ts';

const scheduler = mockClient(SchedulerClient);
afterEach(() => scheduler.reset());

const NOW = Date.parse('2026-03-02T09:00:00.000Z');
const MINUTE = 60_000;
const target = {
  groupName: 'rekindle',
  roleArn: 'arn:aws:iam::123456789012:role/scheduler',
  sendQueueArn: 'arn:aws:sqs:eu-west-1:123456789012:send',
  deadLetterQueueArn: 'arn:aws:sqs:eu-west-1:123456789012:send-dlq',
};
const message: StepMessage = {
  version: 1,
  customerId: 'c1',
  enrolmentId: 'gentle-winback-20260302-xj4bnp4pahh6uqkb',
  sequenceId: 'gentle-winback',
  segmentId: 'lapsed',
  stepIndex: 0,
  dueAt: NOW,
};
const name = 'gentle-winback-20260302-xj4bnp4pahh6uqkb-s0';

function adapter(clock = new VirtualClock(NOW)) {
  return new EventBridgeStepScheduler(new SchedulerClient({ region: 'eu-west-1' }), target, clock);
}

const conflict = () =>
  new ConflictException({
    message: `Schedule ${name} already exists.`,
    Message: `Schedule ${name} already exists.`,
    $metadata: {},
  });
const createdExpressions = () =>
  scheduler.commandCalls(CreateScheduleCommand).map((call) => call.args[0].input.ScheduleExpression);

describe('the schedule-time floor', () => {
  it.each([
    ['hours in the past (a batch retried late)', NOW - 3 * 60 * MINUTE, NOW + 2 * MINUTE],
    ['now (step 0 while the window is open)', NOW, NOW + 2 * MINUTE],
    ['one minute ahead', NOW + MINUTE, NOW + 2 * MINUTE],
    ['exactly the floor ahead', NOW + 2 * MINUTE, NOW + 2 * MINUTE],
    ['just past the floor', NOW + 2 * MINUTE + 1, NOW + 2 * MINUTE + 1],
    ['tomorrow', NOW + 24 * 60 * MINUTE, NOW + 24 * 60 * MINUTE],
  ])('a step planned %s is scheduled no earlier than two minutes ahead', (_, at, expected) => {
    expect(SCHEDULE_TIME_FLOOR_MS).toBe(2 * MINUTE);
    expect(flooredTime(at, NOW)).toBe(expected);
  });

  it.each([
    ['in the past', NOW - 5 * MINUTE, 'at(2026-03-02T09:02:00)', 'UTC'],
    ['now, in the recipient zone', NOW, 'at(2026-03-02T14:32:00)', 'Asia/Kolkata'],
    ['a second past the floor, rounded up', NOW + 2 * MINUTE + 1, 'at(2026-03-02T09:02:01)', 'UTC'],
    ['next Monday, untouched', Date.parse('2026-03-09T08:00:00Z'), 'at(2026-03-09T08:00:00)', 'UTC'],
  ])('writes the at() of a step planned %s from the clock at the call', async (_, at, expression, zone) => {
    scheduler.on(CreateScheduleCommand).resolves({ ScheduleArn: 'arn' });
    await expect(adapter().scheduleStep(name, message, { timeZone: zone, at })).resolves.toBe('created');
    const input = scheduler.commandCalls(CreateScheduleCommand)[0]?.args[0].input;
    expect(input?.ScheduleExpression).toBe(expression);
    expect(input?.ScheduleExpressionTimezone).toBe(zone);
  });

  it('reads the clock at each call, so a retry an hour later is floored at its own time', async () => {
    scheduler.on(CreateScheduleCommand).resolves({ ScheduleArn: 'arn' });
    const clock = new VirtualClock(NOW);
    const steps = adapter(clock);
    await steps.scheduleStep(name, message, { timeZone: 'UTC' });
    clock.advanceBy(60 * MINUTE);
    await steps.scheduleStep(`${name}x`, message, { timeZone: 'UTC' });
    expect(createdExpressions()).toEqual(['at(2026-03-02T09:02:00)', 'at(2026-03-02T10:02:00)']);
  });
});

describe('a schedule name already taken', () => {
  it('is success when the schedule holding it is this very step (a retry planning it again)', async () => {
    scheduler.on(CreateScheduleCommand).rejects(conflict());
    scheduler.on(GetScheduleCommand).resolves({
      Name: name,
      Target: { Arn: target.sendQueueArn, RoleArn: target.roleArn, Input: JSON.stringify(message) },
    });
    await expect(adapter().scheduleStep(name, message, { timeZone: 'UTC' })).resolves.toBe('exists');
    expect(scheduler.commandCalls(GetScheduleCommand)[0]?.args[0].input).toEqual({
      Name: name,
      GroupName: 'rekindle',
    });
  });

  it('is an error naming both when another enrolment holds it, so no customer is silently dropped', async () => {
    const other = { ...message, customerId: 'c2', enrolmentId: 'gentle-winback-20260302-other' };
    scheduler.on(CreateScheduleCommand).rejects(conflict());
    scheduler.on(GetScheduleCommand).resolves({
      Name: name,
      Target: { Arn: target.sendQueueArn, RoleArn: target.roleArn, Input: JSON.stringify(other) },
    });
    const attempt = adapter().scheduleStep(name, message, { timeZone: 'UTC' });
    await expect(attempt).rejects.toBeInstanceOf(ScheduleNameTakenError);
    await expect(attempt).rejects.toThrow(
      `Schedule ${name} in group rekindle is held by enrolment gentle-winback-20260302-other step 0, so enrolment ${message.enrolmentId} step 0 could not be scheduled under that name`,
    );
  });

  it.each([
    ['another step of the same enrolment', { ...message, stepIndex: 1 }],
    ['a deferral of the step', { ...message, attempt: 1 }],
    ['an operator retry of the step', { ...message, retryOf: NOW - MINUTE }],
  ])('is an error when %s holds it', async (_, holder) => {
    scheduler.on(CreateScheduleCommand).rejects(conflict());
    scheduler.on(GetScheduleCommand).resolves({
      Target: { Arn: target.sendQueueArn, RoleArn: target.roleArn, Input: JSON.stringify(holder) },
    });
    await expect(adapter().scheduleStep(name, message, { timeZone: 'UTC' })).rejects.toBeInstanceOf(
      ScheduleNameTakenError,
    );
  });

  it('is an error when the schedule holding it carries no step message', async () => {
    scheduler.on(CreateScheduleCommand).rejects(conflict());
    scheduler.on(GetScheduleCommand).resolves({
      Target: { Arn: target.sendQueueArn, RoleArn: target.roleArn, Input: '{"hello":1}' },
    });
    await expect(adapter().scheduleStep(name, message, { timeZone: 'UTC' })).rejects.toThrow(
      /is held by a schedule that is not a step message/,
    );
  });

  it('is created again when the schedule holding it completed and was deleted before it could be read', async () => {
    scheduler.on(CreateScheduleCommand).rejectsOnce(conflict()).resolves({ ScheduleArn: 'arn' });
    scheduler.on(GetScheduleCommand).rejects(
      new ResourceNotFoundException({
        message: `Schedule ${name} does not exist.`,
        Message: `Schedule ${name} does not exist.`,
        $metadata: {},
      }),
    );
    await expect(adapter().scheduleStep(name, message, { timeZone: 'UTC' })).resolves.toBe('created');
    expect(scheduler.commandCalls(CreateScheduleCommand)).toHaveLength(2);
  });

  it('gives up with an error when the name keeps conflicting and vanishing', async () => {
    scheduler.on(CreateScheduleCommand).rejects(conflict());
    scheduler
      .on(GetScheduleCommand)
      .rejects(new ResourceNotFoundException({ message: 'gone', Message: 'gone', $metadata: {} }));
    await expect(adapter().scheduleStep(name, message, { timeZone: 'UTC' })).rejects.toThrow(
      /conflicted 3 times but was gone each time/,
    );
  });

  it('passes any other failure through untouched', async () => {
    scheduler
      .on(CreateScheduleCommand)
      .rejects(new ThrottlingException({ message: 'slow down', Message: 'slow down', $metadata: {} }));
    await expect(adapter().scheduleStep(name, message, { timeZone: 'UTC' })).rejects.toBeInstanceOf(
      ThrottlingException,
    );
    expect(scheduler.commandCalls(GetScheduleCommand)).toHaveLength(0);
  });
});
