import { Duration } from 'aws-cdk-lib';
import * as events from 'aws-cdk-lib/aws-events';
import * as targets from 'aws-cdk-lib/aws-events-targets';
import { SqsEventSource } from 'aws-cdk-lib/aws-lambda-event-sources';
import * as ses from 'aws-cdk-lib/aws-ses';
import * as sqs from 'aws-cdk-lib/aws-sqs';
import { Construct } from 'constructs';
import type { BakedBundle } from '../../functions/build/runtime-bundle.ts';
import { engagementBatching } from '../../functions/core/engagement/record-ses-event.ts';
import { EnvironmentNames } from '../../functions/handlers/environment.ts';
import type { CustomerTable } from './data.ts';
import { asyncDeadLetterQueue } from './dead-letter-queue.ts';
import { RekindleFunction } from './rekindle-function.ts';

export interface EngagementProps {
  readonly runtimeBundle: BakedBundle;
  readonly table: CustomerTable;
  /** The configuration set whose events are recorded. */
  readonly configurationSet: ses.ConfigurationSet;
}

/**
 * What recipients did: the configuration set publishes every sending event (send, delivery,
 * open, click, bounce, complaint, reject, delay, rendering failure, subscription) to the default
 * event bus; a rule passes this configuration set's events, and no other's, to the engagement
 * queue, and record-engagement takes them in batches (`engagementBatching`), each batch stored in
 * one DynamoDB transaction. An event that keeps failing lands on the dead-letter queue, as does one
 * EventBridge could not put on the queue.
 */
export class Engagement extends Construct {
  readonly recordFunction: RekindleFunction;
  readonly rule: events.Rule;
  /** SES events between the rule and record-engagement. */
  readonly queue: sqs.Queue;
  /** Events the function could not store after the queue's redeliveries, or EventBridge could not queue. */
  readonly deadLetterQueue: sqs.Queue;

  constructor(scope: Construct, id: string, props: EngagementProps) {
    super(scope, id);
    // SES can only publish to the default bus.
    const defaultBus = events.EventBus.fromEventBusName(this, 'DefaultBus', 'default');
    props.configurationSet.addEventDestination('ToEventBridge', {
      destination: ses.EventDestination.eventBus(defaultBus),
      events: Object.values(ses.EmailSendingEvent),
    });

    this.deadLetterQueue = asyncDeadLetterQueue(this, 'DeadLetterQueue');
    const timeout = Duration.seconds(30);
    this.queue = new sqs.Queue(this, 'Queue', {
      encryption: sqs.QueueEncryption.SQS_MANAGED,
      enforceSSL: true,
      // Six times the consumer's timeout, as Lambda advises for SQS event sources.
      visibilityTimeout: Duration.seconds(timeout.toSeconds() * 6),
      retentionPeriod: Duration.days(4),
      deadLetterQueue: { queue: this.deadLetterQueue, maxReceiveCount: 5 },
    });
    this.recordFunction = new RekindleFunction(this, 'RecordEngagement', {
      entry: 'functions/handlers/record-engagement.ts',
      description: 'Rekindle: record a batch of SES sending events (counters, suppression, pauses)',
      runtimeBundle: props.runtimeBundle,
      timeout,
      environment: { [EnvironmentNames.tableName]: props.table.tableName },
    });
    props.table.grantReadWrite(this.recordFunction);
    this.recordFunction.function.addEventSource(
      new SqsEventSource(this.queue, {
        batchSize: engagementBatching.batchSize,
        // A burst fills batches; a trickle is recorded within seconds.
        maxBatchingWindow: Duration.seconds(5),
        maxConcurrency: engagementBatching.maxConcurrency,
        reportBatchItemFailures: true,
      }),
    );

    this.rule = new events.Rule(this, 'Rule', {
      description: "Rekindle: SES events of Rekindle's configuration set for record-engagement",
      eventPattern: {
        source: ['aws.ses'],
        detail: {
          mail: { tags: { 'ses:configuration-set': [props.configurationSet.configurationSetName] } },
        },
      },
      targets: [
        new targets.SqsQueue(this.queue, {
          deadLetterQueue: this.deadLetterQueue,
          retryAttempts: 8,
          maxEventAge: Duration.hours(24),
        }),
      ],
    });
  }
}
