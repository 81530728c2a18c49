import { Arn, Duration, Stack, TimeZone } from 'aws-cdk-lib';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as scheduler from 'aws-cdk-lib/aws-scheduler';
import { Construct } from 'constructs';
import type { RuntimeBundle } from '../../functions/build/runtime-bundle.ts';
import { EnvironmentNames } from '../../functions/handlers/environment.ts';
import type { CustomerTable } from './data.ts';
import { RekindleFunction } from './rekindle-function.ts';
import type { StepScheduling } from './scheduling.ts';

export interface SegmenterProps {
  readonly runtimeBundle: Pick<RuntimeBundle, 'serialized'>;
  readonly table: CustomerTable;
  readonly scheduling: StepScheduling;
  /**
   * When the segmenter runs, as an EventBridge Scheduler expression.
   * @default 'cron(0 6 * * ? *)'
   */
  readonly scheduleExpression?: string;
  /**
   * The IANA zone `scheduleExpression` is read in.
   * @default 'Europe/London'
   */
  readonly timeZone?: string;
}

/**
 * The segment-customers function and the recurring schedule that runs it: it scores every
 * customer, enrols new segment members and schedules their first step.
 */
export class Segmenter extends Construct {
  readonly segmentFunction: RekindleFunction;
  readonly schedule: scheduler.Schedule;
  /** Assumed by EventBridge Scheduler; may only invoke the segment function. */
  readonly scheduleRole: iam.Role;

  constructor(scope: Construct, id: string, props: SegmenterProps) {
    super(scope, id);
    this.segmentFunction = new RekindleFunction(this, 'SegmentCustomers', {
      entry: 'functions/handlers/segment-customers.ts',
      description: 'Rekindle: segment customers and enrol new members in their sequence',
      runtimeBundle: props.runtimeBundle,
      timeout: Duration.minutes(15),
      memorySize: 1024,
      environment: {
        [EnvironmentNames.tableName]: props.table.tableName,
        ...props.scheduling.environment,
      },
    });
    props.table.grantReadWrite(this.segmentFunction);
    props.scheduling.grantScheduleSteps(this.segmentFunction);

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
              resources: [this.segmentFunction.function.functionArn],
            }),
          ],
        }),
      },
    });
    const role = this.scheduleRole;
    const functionArn = this.segmentFunction.function.functionArn;
    // In the default group, outside the step group, so step-scheduling grants cannot touch it.
    this.schedule = new scheduler.Schedule(this, 'Schedule', {
      description: 'Rekindle: run the segmenter',
      schedule: scheduler.ScheduleExpression.expression(
        props.scheduleExpression ?? 'cron(0 6 * * ? *)',
        TimeZone.of(props.timeZone ?? 'Europe/London'),
      ),
      target: {
        bind: () => ({
          arn: functionArn,
          role,
          retryPolicy: { maximumRetryAttempts: 2, maximumEventAgeInSeconds: 3600 },
        }),
      },
    });
  }
}
