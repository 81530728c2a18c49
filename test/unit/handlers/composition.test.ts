import { Logger } from '@aws-lambda-powertools/logger';
import { Metrics } from '@aws-lambda-powertools/metrics';
import { CreateScheduleCommand, SchedulerClient } from '@aws-sdk/client-scheduler';
import { SESv2Client, SendEmailCommand } from '@aws-sdk/client-sesv2';
import { mockClient } from 'aws-sdk-client-mock';
import { afterEach, describe, expect, it } from 'vitest';
import { buildRuntimeBundle } from '../../../functions/build/runtime-bundle.ts';
import type { StepMessage } from '../../../functions/core/domain/step-message.ts';
import { dynamoDbClient } from '../../../functions/handlers/clients/dynamodb.ts';
import {
  ingestEventDeps,
  recordEngagementDeps,
  sendStepDeps,
  stripeEventDeps,
  tableStores,
} from '../../../functions/handlers/composition.ts';
import {
  EnvironmentError,
  EnvironmentNames,
  ReplyEnvironment,
  readEnvironment,
  SendEnvironment,
} from '../../../functions/handlers/environment.ts';
import { createClients } from '../../../functions/handlers/wiring.ts';
import { localComposition } from '../../../functions/local/local-composition.ts';
import { localNames } from '../../../functions/local/local-names.ts';
import { VirtualClock } from '../../../functions/local/virtual-clock.ts';

const scheduler = mockClient(SchedulerClient);
const ses = mockClient(SESv2Client);
afterEach(() => {
  scheduler.reset();
  ses.reset();
});

const sendEnvironment = {
  [EnvironmentNames.tableName]: 'table-from-env',
  [EnvironmentNames.scheduleGroup]: 'group-from-env',
  [EnvironmentNames.schedulerRoleArn]: 'arn:aws:iam::123456789012:role/scheduler',
  [EnvironmentNames.sendQueueArn]: 'arn:aws:sqs:eu-west-1:123456789012:send',
  [EnvironmentNames.sendDeadLetterQueueArn]: 'arn:aws:sqs:eu-west-1:123456789012:send-dlq',
  [EnvironmentNames.configurationSet]: 'set-from-env',
  [EnvironmentNames.unsubscribeUrl]: 'https://unsubscribe.example/u',
  [EnvironmentNames.linkSecretArn]: 'arn:aws:secretsmanager:eu-west-1:123456789012:secret:link',
};

const message: StepMessage = {
  version: 1,
  customerId: 'c1',
  enrolmentId: 'gentle-winback-20260302-xj4bnp4pahh6uqkb',
  sequenceId: 'gentle-winback',
  segmentId: 'lapsed',
  stepIndex: 0,
  dueAt: Date.parse('2026-03-02T09:00:00Z'),
};

describe('readEnvironment', () => {
  it('reads each variable under its declared name into the names the composition root takes', () => {
    expect(readEnvironment(SendEnvironment, { ...sendEnvironment, UNRELATED: 'x' })).toEqual({
      tableName: 'table-from-env',
      scheduleGroup: 'group-from-env',
      schedulerRoleArn: 'arn:aws:iam::123456789012:role/scheduler',
      sendQueueArn: 'arn:aws:sqs:eu-west-1:123456789012:send',
      sendDeadLetterQueueArn: 'arn:aws:sqs:eu-west-1:123456789012:send-dlq',
      configurationSet: 'set-from-env',
      unsubscribeUrl: 'https://unsubscribe.example/u',
      linkSecretArn: 'arn:aws:secretsmanager:eu-west-1:123456789012:secret:link',
    });
  });

  it('names every missing or malformed variable at once', () => {
    const { TABLE_NAME: _, ...withoutTable } = sendEnvironment;
    const read = () => readEnvironment(SendEnvironment, { ...withoutTable, SEND_QUEUE_ARN: 'send' });
    expect(read).toThrow(EnvironmentError);
    expect(read).toThrow(/→ at TABLE_NAME/);
    expect(read).toThrow(/must be an ARN\s+→ at SEND_QUEUE_ARN/);
  });

  it('gives the inbound prefix its default when the variable is absent', () => {
    const names = readEnvironment(ReplyEnvironment, {
      TABLE_NAME: 't',
      INBOUND_BUCKET: 'b',
      SES_CONFIGURATION_SET: 's',
      LINK_SECRET_ARN: 'arn:aws:secretsmanager:eu-west-1:1:secret:k',
    });
    expect(names.inboundPrefix).toBe('');
  });
});

describe('the composition root', () => {
  const clock = new VirtualClock(message.dueAt);
  const logger = () => new Logger({ logLevel: 'SILENT' });

  it("builds the sender over the names it is given: the schedule group, role and queue, the configuration set, the links' URL and key", async () => {
    const bundle = await buildRuntimeBundle({
      configFile: 'config/rekindle.yaml',
      templatesDir: 'templates',
    });
    const deps = sendStepDeps({
      clients: createClients(),
      names: readEnvironment(SendEnvironment, sendEnvironment),
      clock,
      logger,
      bundle,
      secrets: { linkSigningKey: 'key-from-secret' },
    });
    scheduler.on(CreateScheduleCommand).resolves({});
    await deps.scheduler.scheduleStep('name', message, { timeZone: 'UTC' });
    const input = scheduler.commandCalls(CreateScheduleCommand)[0]?.args[0].input;
    expect(input?.GroupName).toBe('group-from-env');
    expect(input?.Target).toMatchObject({
      Arn: 'arn:aws:sqs:eu-west-1:123456789012:send',
      RoleArn: 'arn:aws:iam::123456789012:role/scheduler',
      DeadLetterConfig: { Arn: 'arn:aws:sqs:eu-west-1:123456789012:send-dlq' },
    });
    expect(deps.links).toEqual({
      unsubscribeUrl: 'https://unsubscribe.example/u',
      signingKey: 'key-from-secret',
    });
    expect(deps.metrics).toBeUndefined();
    ses.on(SendEmailCommand).resolves({ MessageId: 'm1' });
    await deps.mailer.send({
      from: 'shop@example.com',
      to: 'a@example.com',
      subject: 's',
      html: '<p>h</p>',
      text: 't',
      headers: [],
      tags: {},
    });
    expect(ses.commandCalls(SendEmailCommand)[0]?.args[0].input.ConfigurationSetName).toBe('set-from-env');
  });

  it('counts through Powertools metrics where the environment has them, and into nothing locally', async () => {
    const bundle = await buildRuntimeBundle({
      configFile: 'config/rekindle.yaml',
      templatesDir: 'templates',
    });
    const metrics = new Metrics({ namespace: 'Test', serviceName: 'record-engagement' });
    const lambda = recordEngagementDeps({
      clients: createClients(),
      names: { tableName: 't' },
      clock,
      logger,
      metrics: () => metrics,
      bundle,
    });
    expect(lambda.flushMetrics).toBeTypeOf('function');
    const local = recordEngagementDeps(localComposition({ clients: createClients(), clock, bundle }));
    expect(local.flushMetrics).toBeUndefined();
    expect(() => local.metrics.count('InvalidSesEvents', 1)).not.toThrow();
  });

  it('gives the local stack the same wiring over its own names and link key', async () => {
    const bundle = await buildRuntimeBundle({
      configFile: 'config/rekindle.yaml',
      templatesDir: 'templates',
    });
    const deps = sendStepDeps(localComposition({ clients: createClients(), clock, bundle }));
    expect(deps.links).toEqual({
      unsubscribeUrl: localNames.unsubscribeUrl,
      signingKey: localNames.linkSigningKey,
    });
    scheduler.on(CreateScheduleCommand).resolves({});
    await deps.scheduler.scheduleStep('name', message, { timeZone: 'UTC' });
    expect(scheduler.commandCalls(CreateScheduleCommand)[0]?.args[0].input.GroupName).toBe(
      localNames.scheduleGroup,
    );
  });

  it('builds a handler from only the clients it uses, and lets handlers share one set of stores', () => {
    const composition = { clients: { dynamodb: dynamoDbClient() }, names: { tableName: 't' }, clock, logger };
    const stores = tableStores(composition.clients, 't');
    const ingest = ingestEventDeps(composition, stores);
    const stripe = stripeEventDeps(composition, stores);
    expect(ingest.forgotten).toBe(stripe.forgotten);
    expect(ingest.store).toBe(stripe.store);
    // Each handler's own stores otherwise.
    expect(ingestEventDeps(composition).forgotten).not.toBe(ingest.forgotten);
  });

  it('builds each store once, and a copy of the stores (`{ ...stores }`) still holds every one', () => {
    const stores = tableStores({ dynamodb: dynamoDbClient() }, 't');
    expect(stores.ledger).toBe(stores.ledger);
    const copy = { ...stores };
    for (const name of ['customers', 'ledger', 'contacts', 'pauses', 'sendGuard', 'forgotten'] as const)
      expect(copy[name], name).toBe(stores[name]);
  });
});
