import { Duration } from 'aws-cdk-lib';
import * as events from 'aws-cdk-lib/aws-events';
import * as targets from 'aws-cdk-lib/aws-events-targets';
import type * as sqs from 'aws-cdk-lib/aws-sqs';
import { Construct } from 'constructs';
import type { BakedBundle } from '../../functions/build/runtime-bundle.ts';
import { EnvironmentNames } from '../../functions/handlers/environment.ts';
import { shopEventTypes } from '../../functions/handlers/ingest-event.ts';
import type { CustomerTable } from './data.ts';
import { asyncDeadLetterQueue } from './dead-letter-queue.ts';
import { RekindleFunction } from './rekindle-function.ts';

export interface EventIngestionProps {
  readonly runtimeBundle: BakedBundle;
  readonly table: CustomerTable;
  /**
   * The bus the shop puts its events on.
   * @default - the account's default bus
   */
  readonly eventBus?: events.IEventBus;
  /**
   * The `source` the shop's events carry.
   * @default 'shop'
   */
  readonly source?: string;
}

/**
 * Live shop events (orders, incidents, profile changes) from EventBridge into the table, through
 * the ingest-event function. A malformed event fails its invocation and, once Lambda's retries
 * are spent, lands whole on the dead-letter queue for someone to fix and replay.
 */
export class EventIngestion extends Construct {
  readonly ingestFunction: RekindleFunction;
  readonly rule: events.Rule;
  /** Events the function refused or EventBridge could not deliver. */
  readonly deadLetterQueue: sqs.Queue;

  constructor(scope: Construct, id: string, props: EventIngestionProps) {
    super(scope, id);
    this.deadLetterQueue = asyncDeadLetterQueue(this, 'DeadLetterQueue');
    this.ingestFunction = new RekindleFunction(this, 'IngestEvent', {
      entry: 'functions/handlers/ingest-event.ts',
      description: 'Rekindle: ingest an order, incident or customer event from EventBridge',
      runtimeBundle: props.runtimeBundle,
      timeout: Duration.seconds(30),
      environment: { [EnvironmentNames.tableName]: props.table.tableName },
      deadLetterQueue: this.deadLetterQueue,
    });
    props.table.grantReadWrite(this.ingestFunction);

    this.rule = new events.Rule(this, 'Rule', {
      description: 'Rekindle: shop events for ingest-event',
      ...(props.eventBus === undefined ? {} : { eventBus: props.eventBus }),
      eventPattern: { source: [props.source ?? 'shop'], detailType: [...shopEventTypes] },
      targets: [
        new targets.LambdaFunction(this.ingestFunction.function, {
          deadLetterQueue: this.deadLetterQueue,
          retryAttempts: 8,
          maxEventAge: Duration.hours(24),
        }),
      ],
    });
  }
}
