import { Duration } from 'aws-cdk-lib';
import * as events from 'aws-cdk-lib/aws-events';
import * as targets from 'aws-cdk-lib/aws-events-targets';
import * as ses from 'aws-cdk-lib/aws-ses';
import type * as sqs from 'aws-cdk-lib/aws-sqs';
import { Construct } from 'constructs';
import type { BakedBundle } from '../../functions/build/runtime-bundle.ts';
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
 * event bus, and a rule passes this configuration set's events, and no other's, to record-engagement.
 */
export class Engagement extends Construct {
  readonly recordFunction: RekindleFunction;
  readonly rule: events.Rule;
  /** Events the function could not store after its retries, or EventBridge could not deliver. */
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
    this.recordFunction = new RekindleFunction(this, 'RecordEngagement', {
      entry: 'functions/handlers/record-engagement.ts',
      description: 'Rekindle: record an SES sending event (counters, suppression, pauses)',
      runtimeBundle: props.runtimeBundle,
      timeout: Duration.seconds(30),
      environment: { [EnvironmentNames.tableName]: props.table.tableName },
      deadLetterQueue: this.deadLetterQueue,
    });
    props.table.grantReadWrite(this.recordFunction);

    this.rule = new events.Rule(this, 'Rule', {
      description: "Rekindle: SES events of Rekindle's configuration set for record-engagement",
      eventPattern: {
        source: ['aws.ses'],
        detail: {
          mail: { tags: { 'ses:configuration-set': [props.configurationSet.configurationSetName] } },
        },
      },
      targets: [
        new targets.LambdaFunction(this.recordFunction.function, {
          deadLetterQueue: this.deadLetterQueue,
          retryAttempts: 8,
          maxEventAge: Duration.hours(24),
        }),
      ],
    });
  }
}
