import { Arn, Duration, Stack, TimeZone } from 'aws-cdk-lib';
import * as iam from 'aws-cdk-lib/aws-iam';
import { SqsEventSource } from 'aws-cdk-lib/aws-lambda-event-sources';
import * as scheduler from 'aws-cdk-lib/aws-scheduler';
import * as sqs from 'aws-cdk-lib/aws-sqs';
import { Construct } from 'constructs';
import type { BakedBundle, RuntimeBundle } from '../../functions/build/runtime-bundle.ts';
import { defaultSegmentConcurrency, segmenterSchedule } from '../../functions/core/segments/plan-run.ts';
import { EnvironmentNames } from '../../functions/handlers/environment.ts';
import type { CustomerTable } from './data.ts';
import { RekindleFunction } from './rekindle-function.ts';
import type { StepScheduling } from './scheduling.ts';

export interface SegmenterProps {
  readonly runtimeBundle: BakedBundle & Pick<RuntimeBundle, 'config'>;
  readonly table: CustomerTable;
  readonly scheduling: StepScheduling;
  /**
   * When the segmenter runs, as an EventBridge Scheduler expression.
   * @default - `segmentation.schedule` of the config
   */
  readonly scheduleExpression?: string;
  /**
   * The IANA zone `scheduleExpression` is read in.
   * @default - `segmentation.timeZone` of the config, else `shop.fallbackTimeZone`
   */
  readonly timeZone?: string;
  /**
   * Segments scored at once. Each writes up to ≈ 5,000 WCU/s, so this bounds the table's peak
   * write rate (docs/segmentation-at-scale.md). SQS event sources accept 2 to 1000.
   * @default 4
   */
  readonly maxConcurrency?: number;
}

/**
 * The daily segmentation fan-out: a recurring schedule runs plan-segmentation, which fits the
 * model on a sample and puts one message per scan segment on the segment queue; score-segment
 * consumes it with bounded concurrency, scoring, enrolling and scheduling each first step.
 * A segment failing three times, and a planner invocation failing after its retries, land on
 * the dead-letter queue.
 */
export class Segmenter extends Construct {
  readonly planFunction: RekindleFunction;
  readonly scoreFunction: RekindleFunction;
  readonly segmentQueue: sqs.Queue;
  readonly deadLetterQueue: sqs.Queue;
  readonly schedule: scheduler.Schedule;
  /** Assumed by EventBridge Scheduler; may only invoke the planner and park a failed run. */
  readonly scheduleRole: iam.Role;

  constructor(scope: Construct, id: string, props: SegmenterProps) {
    super(scope, id);
    const { config } = props.runtimeBundle;
    this.deadLetterQueue = new sqs.Queue(this, 'DeadLetterQueue', {
      encryption: sqs.QueueEncryption.SQS_MANAGED,
      enforceSSL: true,
      retentionPeriod: Duration.days(14),
    });
    // A segment takes about 40 s at 50,000 customers; the function may run the 15 min maximum.
    const scoreTimeout = Duration.minutes(15);
    this.segmentQueue = new sqs.Queue(this, 'SegmentQueue', {
      encryption: sqs.QueueEncryption.SQS_MANAGED,
      enforceSSL: true,
      // Six times the function timeout, as Lambda advises for SQS sources: a batch retried after a
      // throttle is not handed out again while it is still being scored. A failed segment waits 90 min.
      visibilityTimeout: Duration.minutes(scoreTimeout.toMinutes() * 6),
      retentionPeriod: Duration.days(1),
      deadLetterQueue: { queue: this.deadLetterQueue, maxReceiveCount: 3 },
    });

    this.planFunction = new RekindleFunction(this, 'PlanSegmentation', {
      entry: 'functions/handlers/plan-segmentation.ts',
      description: 'Rekindle: plan the daily segmentation run (fit the model, fan out the segments)',
      runtimeBundle: props.runtimeBundle,
      timeout: Duration.minutes(15),
      memorySize: 1024,
      environment: {
        [EnvironmentNames.tableName]: props.table.tableName,
        [EnvironmentNames.segmentQueueUrl]: this.segmentQueue.queueUrl,
      },
      deadLetterQueue: this.deadLetterQueue,
    });
    props.table.grantReadWrite(this.planFunction);
    this.segmentQueue.grantSendMessages(this.planFunction);

    this.scoreFunction = new RekindleFunction(this, 'ScoreSegment', {
      entry: 'functions/handlers/score-segment.ts',
      description: 'Rekindle: score one scan segment of customers and enrol new segment members',
      runtimeBundle: props.runtimeBundle,
      timeout: scoreTimeout,
      memorySize: 1024,
      environment: {
        [EnvironmentNames.tableName]: props.table.tableName,
        ...props.scheduling.environment,
      },
    });
    props.table.grantReadWrite(this.scoreFunction);
    props.scheduling.grantScheduleSteps(this.scoreFunction);
    this.scoreFunction.function.addEventSource(
      new SqsEventSource(this.segmentQueue, {
        batchSize: 1,
        maxConcurrency: props.maxConcurrency ?? defaultSegmentConcurrency,
        reportBatchItemFailures: true,
      }),
    );

    const stack = Stack.of(this);
    this.scheduleRole = new iam.Role(this, 'ScheduleRole', {
      description: 'Rekindle: EventBridge Scheduler running the segmenter',
      assumedBy: new iam.ServicePrincipal('scheduler.amazonaws.com', {
        conditions: {
          StringEquals: { 'aws:SourceAccount': stack.account },
          ArnEquals: {
            'aws:SourceArn': Arn.format(
              { service: 'scheduler', resource: 'schedule-group', resourceName: 'default' },
              stack,
            ),
          },
        },
      }),
      inlinePolicies: {
        InvokeSegmenter: new iam.PolicyDocument({
          statements: [
            new iam.PolicyStatement({
              actions: ['lambda:InvokeFunction'],
              resources: [this.planFunction.function.functionArn],
            }),
            new iam.PolicyStatement({
              actions: ['sqs:SendMessage'],
              resources: [this.deadLetterQueue.queueArn],
            }),
          ],
        }),
      },
    });
    const role = this.scheduleRole;
    const functionArn = this.planFunction.function.functionArn;
    const deadLetterArn = this.deadLetterQueue.queueArn;
    // In the default group, outside the step group, so step-scheduling grants cannot touch it.
    this.schedule = new scheduler.Schedule(this, 'Schedule', {
      description: 'Rekindle: run the segmenter',
      schedule: scheduler.ScheduleExpression.expression(
        props.scheduleExpression ?? segmenterSchedule(config).expression,
        TimeZone.of(props.timeZone ?? segmenterSchedule(config).timeZone),
      ),
      target: {
        bind: () => ({
          arn: functionArn,
          role,
          retryPolicy: { maximumRetryAttempts: 2, maximumEventAgeInSeconds: 3600 },
          deadLetterConfig: { arn: deadLetterArn },
        }),
      },
    });
  }
}
