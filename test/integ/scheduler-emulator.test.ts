import {
  ConflictException,
  CreateScheduleCommand,
  type CreateScheduleCommandInput,
  CreateScheduleGroupCommand,
  DeleteScheduleCommand,
  DeleteScheduleGroupCommand,
  GetScheduleCommand,
  GetScheduleGroupCommand,
  ListScheduleGroupsCommand,
  ListSchedulesCommand,
  paginateListSchedules,
  ResourceNotFoundException,
  SchedulerClient,
  UpdateScheduleCommand,
  ValidationException,
} from '@aws-sdk/client-scheduler';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { systemClock } from '../../functions/adapters/system-clock.ts';
import {
  type LocalSqsMessage,
  type LocalTarget,
  type SchedulerEmulator,
  startSchedulerEmulator,
  VirtualClockRequiredError,
} from '../../functions/local/scheduler-emulator/index.ts';
import { VirtualClock } from '../../functions/local/virtual-clock.ts';

const START = Date.parse('2025-03-01T00:00:00Z');
const MINUTE = 60_000;
const HOUR = 3_600_000;
const ACCOUNT = '123456789012';
const REGION = 'eu-west-1';
const ROLE = `arn:aws:iam::${ACCOUNT}:role/scheduler`;
const LAMBDA = `arn:aws:lambda:${REGION}:${ACCOUNT}:function:record`;
const FAILING = `arn:aws:lambda:${REGION}:${ACCOUNT}:function:failing`;
const CHAIN = `arn:aws:lambda:${REGION}:${ACCOUNT}:function:chain`;
const QUEUE = `arn:aws:sqs:${REGION}:${ACCOUNT}:send`;
const DLQ = `arn:aws:sqs:${REGION}:${ACCOUNT}:dlq`;

const clock = new VirtualClock(START);
const invoked: { arn: string; event: unknown; at: number }[] = [];
const queued: LocalSqsMessage[] = [];
const deadLettered: LocalSqsMessage[] = [];
const targets = new Map<string, LocalTarget>();
let emulator: SchedulerEmulator;
let client: SchedulerClient;

/** `at(...)` for an instant, in UTC. */
function atUtc(epochMs: number): string {
  return `at(${new Date(epochMs).toISOString().slice(0, 19)})`;
}

function input(
  name: string,
  overrides: Partial<CreateScheduleCommandInput> = {},
): CreateScheduleCommandInput {
  return {
    Name: name,
    ScheduleExpression: atUtc(clock.now() + 10 * MINUTE),
    FlexibleTimeWindow: { Mode: 'OFF' },
    Target: { Arn: LAMBDA, RoleArn: ROLE, Input: JSON.stringify({ name }) },
    ...overrides,
  };
}

async function rejection(promise: Promise<unknown>): Promise<unknown> {
  try {
    await promise;
  } catch (error: unknown) {
    return error;
  }
  throw new Error('expected the call to be rejected');
}

beforeAll(async () => {
  targets.set(LAMBDA, {
    kind: 'lambda',
    invoke: async (event) => {
      invoked.push({ arn: LAMBDA, event, at: clock.now() });
    },
  });
  targets.set(FAILING, {
    kind: 'lambda',
    invoke: async () => {
      throw new Error('downstream unavailable');
    },
  });
  targets.set(CHAIN, {
    kind: 'lambda',
    // A handler that plans the next step by calling the emulator over HTTP while it is being fired.
    invoke: async (event) => {
      invoked.push({ arn: CHAIN, event, at: clock.now() });
      await client.send(
        new CreateScheduleCommand(input('chained-second', { ScheduleExpression: atUtc(clock.now()) })),
      );
    },
  });
  targets.set(QUEUE, { kind: 'sqs', deliver: async (message) => void queued.push(message) });
  targets.set(DLQ, { kind: 'sqs', deliver: async (message) => void deadLettered.push(message) });
  emulator = await startSchedulerEmulator({
    clock,
    targets: (arn) => targets.get(arn),
    region: REGION,
    accountId: ACCOUNT,
  });
  client = new SchedulerClient({
    endpoint: emulator.endpoint,
    region: REGION,
    credentials: { accessKeyId: 'local', secretAccessKey: 'local' },
    maxAttempts: 1,
  });
});

afterAll(async () => {
  client.destroy();
  await emulator.stop();
});

describe('schedule CRUD', () => {
  it('creates, reads, updates and deletes a schedule', async () => {
    const created = await client.send(
      new CreateScheduleCommand(
        input('crud', {
          Description: 'first',
          // Ten minutes ahead as Kolkata's wall clock reads it (a UTC wall time there is in the past).
          ScheduleExpression: atUtc(clock.now() + 10 * MINUTE + 5.5 * HOUR),
          ScheduleExpressionTimezone: 'Asia/Kolkata',
          Target: {
            Arn: LAMBDA,
            RoleArn: ROLE,
            Input: '{"a":1}',
            DeadLetterConfig: { Arn: DLQ },
            RetryPolicy: { MaximumRetryAttempts: 3 },
          },
        }),
      ),
    );
    expect(created.ScheduleArn).toBe(`arn:aws:scheduler:${REGION}:${ACCOUNT}:schedule/default/crud`);

    const read = await client.send(new GetScheduleCommand({ Name: 'crud' }));
    expect(read).toMatchObject({
      Arn: created.ScheduleArn,
      Name: 'crud',
      GroupName: 'default',
      Description: 'first',
      State: 'ENABLED',
      ScheduleExpressionTimezone: 'Asia/Kolkata',
      ActionAfterCompletion: 'NONE',
      FlexibleTimeWindow: { Mode: 'OFF' },
      Target: {
        Arn: LAMBDA,
        Input: '{"a":1}',
        DeadLetterConfig: { Arn: DLQ },
        RetryPolicy: { MaximumRetryAttempts: 3, MaximumEventAgeInSeconds: 86_400 },
      },
    });
    expect(read.CreationDate?.getTime()).toBe(clock.now());

    const updated = await client.send(
      new UpdateScheduleCommand({ ...input('crud'), Description: 'second', State: 'DISABLED' }),
    );
    expect(updated.ScheduleArn).toBe(created.ScheduleArn);
    const reread = await client.send(new GetScheduleCommand({ Name: 'crud', GroupName: 'default' }));
    expect(reread).toMatchObject({
      Description: 'second',
      State: 'DISABLED',
      ScheduleExpressionTimezone: 'UTC',
    });

    await client.send(new DeleteScheduleCommand({ Name: 'crud' }));
    expect(await rejection(client.send(new GetScheduleCommand({ Name: 'crud' })))).toBeInstanceOf(
      ResourceNotFoundException,
    );
  });

  it('lists with group, prefix and state filters, page by page', async () => {
    await client.send(new CreateScheduleGroupCommand({ Name: 'listing' }));
    for (const name of ['page-e', 'page-a', 'page-c', 'page-b', 'page-d']) {
      await client.send(new CreateScheduleCommand(input(name, { GroupName: 'listing' })));
    }
    await client.send(new CreateScheduleCommand(input('other', { GroupName: 'listing', State: 'DISABLED' })));
    await client.send(new CreateScheduleCommand(input('page-in-default')));

    const pages: string[][] = [];
    for await (const page of paginateListSchedules(
      { client, pageSize: 2 },
      { GroupName: 'listing', NamePrefix: 'page-' },
    )) {
      pages.push((page.Schedules ?? []).map((summary) => summary.Name ?? ''));
    }
    expect(pages).toEqual([['page-a', 'page-b'], ['page-c', 'page-d'], ['page-e']]);

    const disabled = await client.send(new ListSchedulesCommand({ GroupName: 'listing', State: 'DISABLED' }));
    expect(disabled.Schedules?.map((summary) => summary.Name)).toEqual(['other']);
    expect(disabled.Schedules?.[0]).toMatchObject({
      Arn: `arn:aws:scheduler:${REGION}:${ACCOUNT}:schedule/listing/other`,
      GroupName: 'listing',
      State: 'DISABLED',
      Target: { Arn: LAMBDA },
    });
    expect(disabled.NextToken).toBeUndefined();

    const everywhere = await client.send(new ListSchedulesCommand({ NamePrefix: 'page-' }));
    expect(everywhere.Schedules).toHaveLength(6);

    const groups = await client.send(new ListScheduleGroupsCommand({}));
    expect(groups.ScheduleGroups?.map((group) => group.Name)).toEqual(['default', 'listing']);
    const group = await client.send(new GetScheduleGroupCommand({ Name: 'listing' }));
    expect(group).toMatchObject({
      State: 'ACTIVE',
      Arn: `arn:aws:scheduler:${REGION}:${ACCOUNT}:schedule-group/listing`,
    });

    // Deleting a group deletes its schedules with it.
    await client.send(new DeleteScheduleGroupCommand({ Name: 'listing' }));
    await client.send(new DeleteScheduleCommand({ Name: 'page-in-default' }));
    expect((await client.send(new ListSchedulesCommand({}))).Schedules).toEqual([]);
    expect(await rejection(client.send(new DeleteScheduleGroupCommand({ Name: 'default' })))).toBeInstanceOf(
      ValidationException,
    );
  });

  it('reads the endpoint from AWS_ENDPOINT_URL_SCHEDULER', async () => {
    const previous = process.env.AWS_ENDPOINT_URL_SCHEDULER;
    process.env.AWS_ENDPOINT_URL_SCHEDULER = emulator.endpoint;
    const fromEnvironment = new SchedulerClient({
      region: REGION,
      credentials: { accessKeyId: 'local', secretAccessKey: 'local' },
    });
    try {
      const groups = await fromEnvironment.send(new ListScheduleGroupsCommand({}));
      expect(groups.ScheduleGroups?.map((group) => group.Name)).toEqual(['default']);
    } finally {
      fromEnvironment.destroy();
      if (previous === undefined) delete process.env.AWS_ENDPOINT_URL_SCHEDULER;
      else process.env.AWS_ENDPOINT_URL_SCHEDULER = previous;
    }
  });
});

describe('errors the SDK raises as its own classes', () => {
  it('refuses a duplicate name in a group with ConflictException', async () => {
    await client.send(new CreateScheduleCommand(input('duplicate')));
    const error = await rejection(client.send(new CreateScheduleCommand(input('duplicate'))));
    expect(error).toBeInstanceOf(ConflictException);
    expect(error).toMatchObject({
      message: 'Schedule duplicate already exists.',
      $metadata: { httpStatusCode: 409 },
    });
    await client.send(new DeleteScheduleCommand({ Name: 'duplicate' }));
  });

  it('replays a create with the same ClientToken and request, and refuses a changed one', async () => {
    const request = input('idempotent', { ClientToken: 'token-1' });
    const first = await client.send(new CreateScheduleCommand(request));
    const replay = await client.send(new CreateScheduleCommand(request));
    expect(replay.ScheduleArn).toBe(first.ScheduleArn);
    const changed = await rejection(
      client.send(new CreateScheduleCommand({ ...request, ScheduleExpression: atUtc(clock.now() + HOUR) })),
    );
    expect(changed).toBeInstanceOf(ConflictException);
    await client.send(new DeleteScheduleCommand({ Name: 'idempotent' }));
  });

  it('reports missing schedules and groups with ResourceNotFoundException', async () => {
    const calls = [
      () => client.send(new GetScheduleCommand({ Name: 'missing' })),
      () => client.send(new DeleteScheduleCommand({ Name: 'missing' })),
      () => client.send(new UpdateScheduleCommand(input('missing'))),
      () => client.send(new CreateScheduleCommand(input('orphan', { GroupName: 'no-such-group' }))),
      () => client.send(new GetScheduleGroupCommand({ Name: 'no-such-group' })),
      () => client.send(new ListSchedulesCommand({ GroupName: 'no-such-group' })),
    ];
    for (const call of calls) expect(await rejection(call())).toBeInstanceOf(ResourceNotFoundException);
  });

  it.each<[string, CreateScheduleCommandInput]>([
    ['a bad expression', input('bad', { ScheduleExpression: 'at(2025-13-01T00:00:00)' })],
    ['a bad cron', input('bad', { ScheduleExpression: 'cron(0 9 * * * *)' })],
    ['a bad rate', input('bad', { ScheduleExpression: 'rate(0 hours)' })],
    ['a bad time zone', input('bad', { ScheduleExpressionTimezone: 'Europe/Atlantis' })],
    ['a flexible window without a size', input('bad', { FlexibleTimeWindow: { Mode: 'FLEXIBLE' } })],
    [
      'a window over 1440 minutes',
      input('bad', { FlexibleTimeWindow: { Mode: 'FLEXIBLE', MaximumWindowInMinutes: 1441 } }),
    ],
    ['a name over 64 characters', input('n'.repeat(65))],
    ['a name with a space', input('bad name')],
    [
      'too many retries',
      input('bad', { Target: { Arn: LAMBDA, RoleArn: ROLE, RetryPolicy: { MaximumRetryAttempts: 186 } } }),
    ],
    ['a target without a role', input('bad', { Target: { Arn: LAMBDA, RoleArn: '' } })],
    ['a start after the end', input('bad', { StartDate: new Date(START + HOUR), EndDate: new Date(START) })],
  ])('refuses %s with ValidationException', async (_case, request) => {
    const error = await rejection(client.send(new CreateScheduleCommand(request)));
    expect(error).toBeInstanceOf(ValidationException);
    expect(error).toMatchObject({ $metadata: { httpStatusCode: 400 } });
  });

  it.each<[string, CreateScheduleCommandInput, string]>([
    [
      'any string as the role',
      input('bad', { Target: { Arn: LAMBDA, RoleArn: 'my-role' } }),
      "1 validation error detected: Value 'my-role' at 'target.roleArn' failed to satisfy constraint: Member must satisfy regular expression pattern: ^arn:aws(-[a-z]+)?:iam::\\d{12}:role",
    ],
    [
      'a Lambda function as the dead-letter queue',
      input('bad', { Target: { Arn: LAMBDA, RoleArn: ROLE, DeadLetterConfig: { Arn: LAMBDA } } }),
      `1 validation error detected: Value '${LAMBDA}' at 'target.deadLetterConfig.arn' failed to satisfy constraint: Member must satisfy regular expression pattern`,
    ],
    [
      'a key name as the KMS key',
      input('bad', { KmsKeyArn: 'my-key' }),
      "1 validation error detected: Value 'my-key' at 'kmsKeyArn' failed to satisfy constraint: Member must satisfy regular expression pattern",
    ],
    [
      'two mistakes at once',
      input('bad', { KmsKeyArn: 'my-key', Target: { Arn: LAMBDA, RoleArn: '' } }),
      "3 validation errors detected: Value '' at 'target.roleArn' failed to satisfy constraint: Member must have length greater than or equal to 1; Value '' at 'target.roleArn' failed to satisfy constraint: Member must satisfy regular expression pattern: ^arn:aws(-[a-z]+)?:iam::\\d{12}:role\\/[\\w+=,.@/-]+$; Value 'my-key' at 'kmsKeyArn' failed to satisfy constraint: Member must satisfy regular expression pattern: ^arn:aws(-[a-z]+)?:kms:",
    ],
  ])(
    'checks the patterns the service model declares: refuses %s in its words',
    async (_case, request, message) => {
      const error = await rejection(client.send(new CreateScheduleCommand(request)));
      expect(error).toBeInstanceOf(ValidationException);
      expect(error instanceof Error ? error.message : '').toContain(message);
    },
  );

  it('refuses a one-time schedule whose time is over, in UTC or in its zone, at create and update', async () => {
    const now = clock.now();
    const kolkata = (epochMs: number) => atUtc(epochMs + 5.5 * HOUR);
    const past = [
      input('past-utc', { ScheduleExpression: atUtc(now - 1000) }),
      input('past-zone', {
        ScheduleExpression: kolkata(now - 1000),
        ScheduleExpressionTimezone: 'Asia/Kolkata',
      }),
      input('past-day', { ScheduleExpression: atUtc(now - 24 * HOUR) }),
    ];
    for (const request of past) {
      const error = await rejection(client.send(new CreateScheduleCommand(request)));
      expect(error).toBeInstanceOf(ValidationException);
      expect(error).toMatchObject({
        message: expect.stringMatching(/^The ScheduleExpression at\(.+\) is in the past/),
        $metadata: { httpStatusCode: 400 },
      });
    }
    const names = () => emulator.schedules().map((schedule) => schedule.name);
    expect(names()).not.toContain('past-utc');
    // The current second is not over yet, and a zone's wall time for now is now.
    await client.send(new CreateScheduleCommand(input('this-second', { ScheduleExpression: atUtc(now) })));
    await client.send(
      new CreateScheduleCommand(
        input('zone-now', { ScheduleExpression: kolkata(now), ScheduleExpressionTimezone: 'Asia/Kolkata' }),
      ),
    );
    const update = await rejection(
      client.send(
        new UpdateScheduleCommand(input('this-second', { ScheduleExpression: atUtc(now - 60_000) })),
      ),
    );
    expect(update).toBeInstanceOf(ValidationException);
    for (const name of ['this-second', 'zone-now'])
      await client.send(new DeleteScheduleCommand({ Name: name }));
  });

  it('refuses an out-of-range page size with ValidationException', async () => {
    expect(await rejection(client.send(new ListSchedulesCommand({ MaxResults: 101 })))).toBeInstanceOf(
      ValidationException,
    );
  });
});

describe('firing', () => {
  it('fires one-time schedules in order of due time, then name, with the Input parsed as JSON', async () => {
    const base = clock.now();
    invoked.length = 0;
    await client.send(
      new CreateScheduleCommand(input('order-b', { ScheduleExpression: atUtc(base + 10 * MINUTE) })),
    );
    await client.send(
      new CreateScheduleCommand(input('order-a', { ScheduleExpression: atUtc(base + 10 * MINUTE) })),
    );
    await client.send(
      new CreateScheduleCommand(input('order-c', { ScheduleExpression: atUtc(base + 5 * MINUTE) })),
    );
    expect(emulator.nextDueAt()).toBe(base + 5 * MINUTE);

    const fired = await emulator.runUntil(base + HOUR);

    expect(fired.map((record) => [record.name, record.scheduledAt - base, record.outcome])).toEqual([
      ['order-c', 5 * MINUTE, 'succeeded'],
      ['order-a', 10 * MINUTE, 'succeeded'],
      ['order-b', 10 * MINUTE, 'succeeded'],
    ]);
    expect(invoked.map((call) => [call.event, call.at - base])).toEqual([
      [{ name: 'order-c' }, 5 * MINUTE],
      [{ name: 'order-a' }, 10 * MINUTE],
      [{ name: 'order-b' }, 10 * MINUTE],
    ]);
    expect(clock.now()).toBe(base + HOUR);
    for (const name of ['order-a', 'order-b', 'order-c'])
      await client.send(new DeleteScheduleCommand({ Name: name }));
  });

  it('deletes a schedule after firing with ActionAfterCompletion DELETE, and keeps a NONE one without refiring', async () => {
    const base = clock.now();
    await client.send(new CreateScheduleCommand(input('after-delete', { ActionAfterCompletion: 'DELETE' })));
    await client.send(new CreateScheduleCommand(input('after-none', { ActionAfterCompletion: 'NONE' })));

    const fired = await emulator.runUntil(base + HOUR);
    expect(fired.map((record) => record.name)).toEqual(['after-delete', 'after-none']);

    expect(await rejection(client.send(new GetScheduleCommand({ Name: 'after-delete' })))).toBeInstanceOf(
      ResourceNotFoundException,
    );
    const kept = await client.send(new GetScheduleCommand({ Name: 'after-none' }));
    expect(kept.State).toBe('ENABLED');
    expect(emulator.schedules().find((view) => view.name === 'after-none')).toMatchObject({
      completed: true,
    });
    expect(await emulator.runUntil(base + 2 * HOUR)).toEqual([]);
    await client.send(new DeleteScheduleCommand({ Name: 'after-none' }));
  });

  it('does not fire a disabled schedule', async () => {
    const base = clock.now();
    await client.send(new CreateScheduleCommand(input('disabled', { State: 'DISABLED' })));
    expect(await emulator.runUntil(base + HOUR)).toEqual([]);
    await client.send(
      new UpdateScheduleCommand({ ...input('disabled'), ScheduleExpression: atUtc(base + 2 * HOUR) }),
    );
    expect((await emulator.runUntil(base + 3 * HOUR)).map((record) => record.name)).toEqual(['disabled']);
    await client.send(new DeleteScheduleCommand({ Name: 'disabled' }));
  });

  it('fires a rate schedule from its StartDate until before its EndDate', async () => {
    const base = clock.now();
    await client.send(
      new CreateScheduleCommand(
        input('hourly', {
          ScheduleExpression: 'rate(1 hour)',
          StartDate: new Date(base + 30 * MINUTE),
          EndDate: new Date(base + 30 * MINUTE + 3 * HOUR),
        }),
      ),
    );
    const fired = await emulator.runUntil(base + 10 * HOUR);
    expect(fired.map((record) => record.scheduledAt - base)).toEqual([
      30 * MINUTE,
      90 * MINUTE,
      150 * MINUTE,
    ]);
    expect(emulator.schedules().find((view) => view.name === 'hourly')?.completed).toBe(true);
    await client.send(new DeleteScheduleCommand({ Name: 'hourly' }));
  });

  it('delivers an SQS target the Input as the body, with context attributes filled in', async () => {
    const base = clock.now();
    queued.length = 0;
    await client.send(
      new CreateScheduleCommand(
        input('to-queue', {
          ActionAfterCompletion: 'DELETE',
          Target: {
            Arn: QUEUE,
            RoleArn: ROLE,
            Input: 'step for <aws.scheduler.schedule-arn> at <aws.scheduler.scheduled-time>',
          },
        }),
      ),
    );
    await emulator.runUntil(base + HOUR);
    const scheduled = new Date(base + 10 * MINUTE).toISOString().replace('.000Z', 'Z');
    expect(queued.map((message) => message.body)).toEqual([
      `step for arn:aws:scheduler:${REGION}:${ACCOUNT}:schedule/default/to-queue at ${scheduled}`,
    ]);
  });

  it('reads at() and cron() in the schedule time zone across the New York DST change', async () => {
    invoked.length = 0;
    // A one-time schedule in the spring-forward gap fires an hour later on the wall clock (03:30 EDT).
    await client.send(
      new CreateScheduleCommand(
        input('ny-gap', {
          ScheduleExpression: 'at(2026-03-08T02:30:00)',
          ScheduleExpressionTimezone: 'America/New_York',
          ActionAfterCompletion: 'DELETE',
        }),
      ),
    );
    await client.send(
      new CreateScheduleCommand(
        input('ny-daily', {
          ScheduleExpression: 'cron(0 9 * * ? *)',
          ScheduleExpressionTimezone: 'America/New_York',
          StartDate: new Date('2026-03-07T00:00:00Z'),
          EndDate: new Date('2026-03-10T00:00:00Z'),
        }),
      ),
    );
    const fired = await emulator.runUntil(Date.parse('2026-03-11T00:00:00Z'));
    expect(fired.map((record) => [record.name, new Date(record.firedAt).toISOString()])).toEqual([
      ['ny-daily', '2026-03-07T14:00:00.000Z'],
      ['ny-gap', '2026-03-08T07:30:00.000Z'],
      ['ny-daily', '2026-03-08T13:00:00.000Z'],
      ['ny-daily', '2026-03-09T13:00:00.000Z'],
    ]);
    await client.send(new DeleteScheduleCommand({ Name: 'ny-daily' }));
  });

  it('fires a flexible schedule inside its window, at a time fixed by the schedule', async () => {
    const base = clock.now();
    const nominal = base + HOUR;
    const names = ['flex-1', 'flex-2', 'flex-3', 'flex-4', 'flex-5'];
    for (const name of names) {
      await client.send(
        new CreateScheduleCommand(
          input(name, {
            ScheduleExpression: atUtc(nominal),
            FlexibleTimeWindow: { Mode: 'FLEXIBLE', MaximumWindowInMinutes: 15 },
            ActionAfterCompletion: 'DELETE',
          }),
        ),
      );
    }
    const planned = new Map(emulator.schedules().map((view) => [view.name, view.nextDueAt]));
    const fired = await emulator.runUntil(base + 2 * HOUR);

    expect(fired.map((record) => record.name).sort()).toEqual(names);
    for (const record of fired) {
      expect(record.scheduledAt).toBe(nominal);
      expect(record.firedAt).toBe(planned.get(record.name));
      expect(record.firedAt).toBeGreaterThanOrEqual(nominal);
      expect(record.firedAt).toBeLessThan(nominal + 15 * MINUTE);
    }
    expect(new Set(fired.map((record) => record.firedAt)).size).toBeGreaterThan(1);
    expect(fired.map((record) => record.firedAt)).toEqual(
      [...fired.map((record) => record.firedAt)].sort((a, b) => a - b),
    );
  });

  it('retries a failing target up to MaximumRetryAttempts, then sends the event to its dead-letter queue', async () => {
    const base = clock.now();
    deadLettered.length = 0;
    await client.send(
      new CreateScheduleCommand(
        input('flaky', {
          ActionAfterCompletion: 'DELETE',
          Target: {
            Arn: FAILING,
            RoleArn: ROLE,
            Input: '{"step":1}',
            RetryPolicy: { MaximumRetryAttempts: 2 },
            DeadLetterConfig: { Arn: DLQ },
          },
        }),
      ),
    );
    const fired = await emulator.runUntil(base + HOUR);
    expect(fired.map((record) => [record.attempt, record.outcome, record.firedAt - base])).toEqual([
      [1, 'retrying', 10 * MINUTE],
      [2, 'retrying', 10 * MINUTE + 1000],
      [3, 'dead-lettered', 10 * MINUTE + 3000],
    ]);
    expect(fired[0]?.error).toBe('downstream unavailable');
    expect(deadLettered).toHaveLength(1);
    expect(deadLettered[0]?.body).toBe('{"step":1}');
    expect(deadLettered[0]?.attributes).toMatchObject({
      ERROR_MESSAGE: 'downstream unavailable',
      RETRY_ATTEMPTS: '2',
      SCHEDULE_ARN: `arn:aws:scheduler:${REGION}:${ACCOUNT}:schedule/default/flaky`,
      TARGET_ARN: FAILING,
    });
  });

  it('stops retrying once MaximumEventAgeInSeconds would be exceeded', async () => {
    const base = clock.now();
    await client.send(
      new CreateScheduleCommand(
        input('aged', {
          ActionAfterCompletion: 'DELETE',
          Target: { Arn: FAILING, RoleArn: ROLE, RetryPolicy: { MaximumEventAgeInSeconds: 60 } },
        }),
      ),
    );
    const fired = await emulator.runUntil(base + HOUR);
    // Retries back off 1, 2, 4, 8, 16 and 32 s; a seventh attempt would land 63 s after the first.
    const first = fired[0]?.firedAt ?? Number.NaN;
    expect(fired.map((record) => record.firedAt - first)).toEqual([0, 1000, 3000, 7000, 15_000, 31_000]);
    expect(fired.at(-1)?.outcome).toBe('dead-lettered');
    expect(emulator.deadLetters.at(-1)).toMatchObject({ name: 'aged', deadLetterArn: undefined });
  });

  it('dead-letters an unknown target at once, without retrying', async () => {
    const base = clock.now();
    const before = emulator.deadLetters.length;
    const unknown = `arn:aws:lambda:${REGION}:${ACCOUNT}:function:nobody`;
    await client.send(
      new CreateScheduleCommand(
        input('nowhere', {
          ActionAfterCompletion: 'DELETE',
          Target: { Arn: unknown, RoleArn: ROLE, Input: 'x' },
        }),
      ),
    );
    const fired = await emulator.runUntil(base + HOUR);
    expect(fired.map((record) => [record.attempt, record.outcome])).toEqual([[1, 'dead-lettered']]);
    expect(emulator.deadLetters.slice(before)).toMatchObject([
      { name: 'nowhere', targetArn: unknown, body: 'x' },
    ]);
  });

  it('fires, in the same run, a schedule that a handler creates over HTTP while being fired', async () => {
    const base = clock.now();
    invoked.length = 0;
    await client.send(
      new CreateScheduleCommand(
        input('chained-first', {
          ActionAfterCompletion: 'DELETE',
          Target: { Arn: CHAIN, RoleArn: ROLE, Input: '"start"' },
        }),
      ),
    );
    clock.advanceTo(base + 10 * MINUTE);
    const fired = await emulator.runDue();
    expect(fired.map((record) => [record.name, record.firedAt - base])).toEqual([
      ['chained-first', 10 * MINUTE],
      ['chained-second', 10 * MINUTE],
    ]);
    expect(invoked.map((call) => call.event)).toEqual(['start', { name: 'chained-second' }]);
    await client.send(new DeleteScheduleCommand({ Name: 'chained-second' }));
  });

  it('needs a VirtualClock to move time', async () => {
    const realTime = await startSchedulerEmulator({ clock: systemClock, targets: () => undefined });
    try {
      await expect(realTime.runUntil(Date.now() + HOUR)).rejects.toBeInstanceOf(VirtualClockRequiredError);
      await expect(realTime.advanceToNextDue()).rejects.toBeInstanceOf(VirtualClockRequiredError);
    } finally {
      await realTime.stop();
    }
  });
});

describe('parallel firing', () => {
  const QUEUE_FLAKY = `arn:aws:sqs:${REGION}:${ACCOUNT}:flaky`;

  /** An emulator firing queue targets two at once within a minute, and what its targets saw. */
  async function parallelEmulator() {
    const time = new VirtualClock(START);
    const seen: { event: string; name: string; at: number }[] = [];
    let inFlight = 0;
    let mostInFlight = 0;
    const failedOnce = new Set<string>();
    // Each delivery takes a few real milliseconds, so deliveries allowed to overlap do.
    const work = (name: string) => async () => {
      inFlight += 1;
      mostInFlight = Math.max(mostInFlight, inFlight);
      seen.push({ event: 'start', name, at: time.now() });
      await new Promise((resolve) => setTimeout(resolve, 20));
      seen.push({ event: 'end', name, at: time.now() });
      inFlight -= 1;
    };
    const parallel = await startSchedulerEmulator({
      clock: time,
      targets: (arn) => {
        if (arn === QUEUE) return { kind: 'sqs', deliver: (message) => work(message.body)() };
        if (arn === QUEUE_FLAKY) {
          return {
            kind: 'sqs',
            deliver: async (message) => {
              await work(message.body)();
              if (failedOnce.has(message.body)) return;
              failedOnce.add(message.body);
              throw new Error('consumer unavailable');
            },
          };
        }
        if (arn === LAMBDA)
          return { kind: 'lambda', invoke: (event) => work(`lambda ${JSON.stringify(event)}`)() };
        return undefined;
      },
      region: REGION,
      accountId: ACCOUNT,
      parallel: { concurrency: 2, windowMs: MINUTE },
    });
    const parallelClient = new SchedulerClient({
      endpoint: parallel.endpoint,
      region: REGION,
      credentials: { accessKeyId: 'local', secretAccessKey: 'local' },
      maxAttempts: 1,
    });
    const at = (name: string, epochMs: number, arn = QUEUE) =>
      parallelClient.send(
        new CreateScheduleCommand({
          Name: name,
          ScheduleExpression: atUtc(epochMs),
          FlexibleTimeWindow: { Mode: 'OFF' },
          ActionAfterCompletion: 'DELETE',
          Target: { Arn: arn, RoleArn: ROLE, Input: name },
        }),
      );
    return {
      time,
      seen,
      at,
      mostInFlight: () => mostInFlight,
      emulator: parallel,
      stop: async () => {
        parallelClient.destroy();
        await parallel.stop();
      },
    };
  }

  it('delivers queue targets due within the window side by side, each at its own due time', async () => {
    const run = await parallelEmulator();
    try {
      for (const [name, second] of [
        ['a', 0],
        ['b', 10],
        ['c', 20],
        ['d', 30],
      ] as const)
        await run.at(name, START + HOUR + second * 1000);
      const fired = await run.emulator.runUntil(START + 2 * HOUR);
      expect(fired.map((record) => [record.name, record.firedAt - START - HOUR])).toEqual([
        ['a', 0],
        ['b', 10_000],
        ['c', 20_000],
        ['d', 30_000],
      ]);
      // Every delivery read its own due time on the clock, from start to end, however they overlapped.
      const starts = run.seen.filter((entry) => entry.event === 'start');
      expect(starts.map((entry) => [entry.name, entry.at - START - HOUR]).sort()).toEqual([
        ['a', 0],
        ['b', 10_000],
        ['c', 20_000],
        ['d', 30_000],
      ]);
      for (const end of run.seen.filter((entry) => entry.event === 'end'))
        expect(end.at).toBe(starts.find((start) => start.name === end.name)?.at);
      expect(run.mostInFlight()).toBe(2);
      expect(run.time.now()).toBe(START + 2 * HOUR);
    } finally {
      await run.stop();
    }
  });

  it('fires a Lambda target alone: what is due before it has finished, nothing due after it has started', async () => {
    const run = await parallelEmulator();
    try {
      await run.at('first', START + HOUR);
      await run.at('segmenter', START + HOUR + 10_000, LAMBDA);
      await run.at('after', START + HOUR + 20_000);
      await run.at('later', START + HOUR + 30_000);
      await run.emulator.runUntil(START + 2 * HOUR);
      const order = run.seen.map((entry) => `${entry.event} ${entry.name}`);
      expect(order.slice(0, 4)).toEqual([
        'start first',
        'end first',
        'start lambda "segmenter"',
        'end lambda "segmenter"',
      ]);
      expect(order.slice(4).sort()).toEqual(['end after', 'end later', 'start after', 'start later']);
    } finally {
      await run.stop();
    }
  });

  it('retries a failed delivery at its own time, after the window it failed in', async () => {
    const run = await parallelEmulator();
    try {
      await run.at('steady', START + HOUR + 30_000);
      await run.at('flaky', START + HOUR, QUEUE_FLAKY);
      const fired = await run.emulator.runUntil(START + 2 * HOUR);
      expect(
        fired.map((record) => [record.name, record.attempt, record.outcome, record.firedAt - START - HOUR]),
      ).toEqual([
        ['flaky', 1, 'retrying', 0],
        ['steady', 1, 'succeeded', 30_000],
        ['flaky', 2, 'succeeded', 1000],
      ]);
      expect(
        run.seen.filter((entry) => entry.name === 'flaky').map((entry) => entry.at - START - HOUR),
      ).toEqual([0, 0, 1000, 1000]);
    } finally {
      await run.stop();
    }
  });
});

describe('real time', () => {
  it('polls the system clock and fires what falls due', async () => {
    const calls: unknown[] = [];
    const realTime = await startSchedulerEmulator({
      clock: systemClock,
      targets: (arn) =>
        arn === LAMBDA ? { kind: 'lambda', invoke: async (event) => void calls.push(event) } : undefined,
    });
    const realClient = new SchedulerClient({
      endpoint: realTime.endpoint,
      region: REGION,
      credentials: { accessKeyId: 'local', secretAccessKey: 'local' },
      maxAttempts: 1,
    });
    try {
      await realClient.send(
        new CreateScheduleCommand(input('now', { ScheduleExpression: atUtc(Date.now()) })),
      );
      realTime.startRealTime(20);
      await vi.waitFor(() => expect(calls).toEqual([{ name: 'now' }]), { timeout: 30_000 });
    } finally {
      realClient.destroy();
      await realTime.stop();
    }
  });
});

describe('stop', () => {
  it('closes the server and its keep-alive connections', async () => {
    const count = (type: string) =>
      process.getActiveResourcesInfo().filter((resource) => resource === type).length;
    // Handles closed by earlier tests leave the list a loop turn after their close callbacks.
    await new Promise((resolve) => setTimeout(resolve, 100));
    const serversBefore = count('TCPServerWrap');
    const socketsBefore = count('TCPSocketWrap');
    const other = await startSchedulerEmulator({ clock: new VirtualClock(START), targets: () => undefined });
    const otherClient = new SchedulerClient({
      endpoint: other.endpoint,
      region: REGION,
      credentials: { accessKeyId: 'local', secretAccessKey: 'local' },
      maxAttempts: 1,
    });
    await otherClient.send(new ListSchedulesCommand({}));
    expect(count('TCPServerWrap')).toBe(serversBefore + 1);
    // The server's end of the keep-alive connection (the client's idle end is unref'd by its agent).
    expect(count('TCPSocketWrap')).toBeGreaterThan(socketsBefore);

    await other.stop();

    await vi.waitFor(() => {
      expect(count('TCPServerWrap')).toBe(serversBefore);
      expect(count('TCPSocketWrap')).toBe(socketsBefore);
    });
    const afterStop = await rejection(otherClient.send(new ListSchedulesCommand({})));
    expect(afterStop).toMatchObject({ code: 'ECONNREFUSED' });
    otherClient.destroy();
  });
});
