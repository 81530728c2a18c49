import { Logger } from '@aws-lambda-powertools/logger';
import { DynamoCustomerStore } from '../adapters/dynamo/customer-store.ts';
import { DynamoEngagementStore } from '../adapters/dynamo/engagement-store.ts';
import { DynamoEnrolmentStore } from '../adapters/dynamo/enrolment-store.ts';
import { DynamoSegmentationStore } from '../adapters/dynamo/segmentation-store.ts';
import { EventBridgeStepScheduler } from '../adapters/scheduler/step-scheduler.ts';
import { SesMailer } from '../adapters/ses/ses-mailer.ts';
import type { RuntimeBundle } from '../build/runtime-bundle.ts';
import { redactingReplacer } from '../core/redact.ts';
import type { SendStepHandlerDeps } from '../handlers/send-step.ts';
import type { AwsClients } from '../handlers/wiring.ts';
import type { Clock } from '../ports/clock.ts';
import { localNames } from './local-names.ts';

/** How loud the local handlers are; the demo keeps them quiet. */
export type LocalLogLevel = 'DEBUG' | 'INFO' | 'WARN' | 'ERROR' | 'SILENT';

/**
 * The adapters the local handlers share, over the local stack's names: what the CDK app wires from
 * its environment variables on AWS. Built once per thread (the send worker builds its own).
 */
export function localAdapters(clients: AwsClients, clock: Clock) {
  return {
    store: new DynamoCustomerStore(clients.dynamodb, localNames.tableName),
    engagement: new DynamoEngagementStore(clients.dynamodb, localNames.tableName),
    /** The one writer of enrolments and hold-outs. */
    enrolments: new DynamoEnrolmentStore(clients.dynamodb, localNames.tableName),
    segmentationStore: new DynamoSegmentationStore(clients.dynamodb, localNames.tableName),
    stepScheduler: new EventBridgeStepScheduler(
      clients.scheduler,
      {
        groupName: localNames.scheduleGroup,
        roleArn: localNames.schedulerRoleArn,
        sendQueueArn: localNames.sendQueueArn,
        deadLetterQueueArn: localNames.sendDeadLetterQueueArn,
      },
      clock,
    ),
    sesMailer: new SesMailer(clients.sesv2, localNames.configurationSet),
  };
}

/** The unsubscribe links the local handlers sign. */
const localLinks = {
  unsubscribeUrl: localNames.unsubscribeUrl,
  signingKey: localNames.linkSigningKey,
} as const;

export const localLogger = (serviceName: string, logLevel: LocalLogLevel = 'WARN') =>
  new Logger({ serviceName, logLevel, jsonReplacerFn: redactingReplacer });

/**
 * send-step's dependencies over the local adapters, as its Lambda wires them: the runtime's thread
 * (which may wrap the stores, mailer and scheduler) and the send worker build it the same way.
 */
export function localSendStepDeps(
  adapters: ReturnType<typeof localAdapters>,
  context: { clock: Clock; bundle: Pick<RuntimeBundle, 'config' | 'templates'>; logLevel?: LocalLogLevel },
): SendStepHandlerDeps {
  return {
    store: adapters.store,
    enrolments: adapters.enrolments,
    guard: adapters.engagement,
    mailer: adapters.sesMailer,
    scheduler: adapters.stepScheduler,
    clock: context.clock,
    config: context.bundle.config,
    templates: context.bundle.templates,
    links: localLinks,
    logger: localLogger('send-step', context.logLevel),
  };
}
