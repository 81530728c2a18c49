import { Duration } from 'aws-cdk-lib';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as sqs from 'aws-cdk-lib/aws-sqs';
import { Construct } from 'constructs';

export interface SendQueueProps {
  /**
   * How long a received step stays invisible; at least six times the consumer's timeout.
   * @default Duration.minutes(3)
   */
  readonly visibilityTimeout?: Duration;
  /**
   * Receives before a step is parked on the dead-letter queue.
   * @default 3
   */
  readonly maxReceiveCount?: number;
}

/**
 * The queue every due step lands on (put there by its EventBridge Scheduler schedule), and its
 * dead-letter queue, which also takes the schedules' own failed deliveries. SQS-managed
 * encryption, so neither the scheduler nor the consumer needs KMS permissions; TLS only.
 */
export class SendQueue extends Construct {
  readonly queue: sqs.Queue;
  readonly deadLetterQueue: sqs.Queue;

  constructor(scope: Construct, id: string, props: SendQueueProps = {}) {
    super(scope, id);
    this.deadLetterQueue = new sqs.Queue(this, 'DeadLetterQueue', {
      encryption: sqs.QueueEncryption.SQS_MANAGED,
      enforceSSL: true,
      retentionPeriod: Duration.days(14),
    });
    this.queue = new sqs.Queue(this, 'Queue', {
      encryption: sqs.QueueEncryption.SQS_MANAGED,
      enforceSSL: true,
      visibilityTimeout: props.visibilityTimeout ?? Duration.minutes(3),
      retentionPeriod: Duration.days(4),
      deadLetterQueue: { queue: this.deadLetterQueue, maxReceiveCount: props.maxReceiveCount ?? 3 },
    });
  }

  /**
   * Only `sqs:SendMessage`, on the queue and its dead-letter queue: what an EventBridge Scheduler
   * target role needs to deliver a step, or park it when delivery keeps failing.
   */
  grantDeliverSteps(grantee: iam.IGrantable): iam.Grant {
    return iam.Grant.addToPrincipal({
      grantee,
      actions: ['sqs:SendMessage'],
      resourceArns: [this.queue.queueArn, this.deadLetterQueue.queueArn],
    });
  }
}
