import { Arn, Stack, Validations } from 'aws-cdk-lib';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as scheduler from 'aws-cdk-lib/aws-scheduler';
import { Construct } from 'constructs';
import { EnvironmentNames } from '../../functions/handlers/environment.ts';
import type { SendQueue } from './send-queue.ts';

export interface StepSchedulingProps {
  /** Where each step's one-time schedule delivers it. */
  readonly sendQueue: SendQueue;
}

/**
 * The schedule group holding one one-time schedule per pending step, and the role those schedules
 * run as, which may only put a message on the send queue (or its dead-letter queue).
 */
export class StepScheduling extends Construct {
  readonly scheduleGroup: scheduler.CfnScheduleGroup;
  /** Assumed by EventBridge Scheduler when a step schedule fires. */
  readonly role: iam.Role;
  readonly #sendQueue: SendQueue;

  constructor(scope: Construct, id: string, props: StepSchedulingProps) {
    super(scope, id);
    this.#sendQueue = props.sendQueue;
    // The L1 resource: the L2 ScheduleGroup always sets a physical name; CloudFormation names this one.
    this.scheduleGroup = new scheduler.CfnScheduleGroup(this, 'Group');
    const stack = Stack.of(this);
    this.role = new iam.Role(this, 'Role', {
      description: 'Rekindle: EventBridge Scheduler delivering due steps to the send queue',
      assumedBy: new iam.ServicePrincipal('scheduler.amazonaws.com', {
        conditions: {
          StringEquals: { 'aws:SourceAccount': stack.account },
          ArnEquals: { 'aws:SourceArn': this.scheduleGroup.attrArn },
        },
      }),
    });
    props.sendQueue.grantDeliverSteps(this.role);
  }

  get scheduleGroupName(): string {
    return this.scheduleGroup.ref;
  }

  /** The ARN pattern of every schedule in the group; no other schedule matches it. */
  get scheduleArnPattern(): string {
    return Arn.format(
      { service: 'scheduler', resource: 'schedule', resourceName: `${this.scheduleGroupName}/*` },
      Stack.of(this),
    );
  }

  /** What a function creating step schedules reads at cold start (SchedulingEnvironment, functions/handlers/environment.ts). */
  get environment(): Readonly<Record<string, string>> {
    return {
      [EnvironmentNames.scheduleGroup]: this.scheduleGroupName,
      [EnvironmentNames.schedulerRoleArn]: this.role.roleArn,
      [EnvironmentNames.sendQueueArn]: this.#sendQueue.queue.queueArn,
      [EnvironmentNames.sendDeadLetterQueueArn]: this.#sendQueue.deadLetterQueue.queueArn,
    };
  }

  /**
   * Create, read, update and delete schedules in this group only, and pass this construct's role
   * (and no other) to EventBridge Scheduler.
   */
  grantScheduleSteps(grantee: iam.IGrantable): void {
    iam.Grant.addToPrincipal({
      grantee,
      actions: [
        'scheduler:CreateSchedule',
        'scheduler:DeleteSchedule',
        'scheduler:GetSchedule',
        'scheduler:UpdateSchedule',
      ],
      resourceArns: [this.scheduleArnPattern],
    });
    grantee.grantPrincipal.addToPrincipalPolicy(
      new iam.PolicyStatement({
        actions: ['iam:PassRole'],
        resources: [this.role.roleArn],
        conditions: { StringEquals: { 'iam:PassedToService': 'scheduler.amazonaws.com' } },
      }),
    );
    if (Construct.isConstruct(grantee)) {
      Validations.of(grantee).acknowledge({
        id: `AwsSolutions-IAM5[Resource::${this.nagScheduleArnPattern()}]`,
        reason:
          'Step schedules are created at run time, one per enrolment step, with generated names; the wildcard is confined to this schedule group.',
      });
    }
  }

  /** How cdk-nag prints `scheduleArnPattern`: pseudo parameters and the group's Ref in angle brackets. */
  private nagScheduleArnPattern(): string {
    const groupId = Stack.of(this).getLogicalId(this.scheduleGroup);
    return `arn:<AWS::Partition>:scheduler:<AWS::Region>:<AWS::AccountId>:schedule/<${groupId}>/*`;
  }
}
