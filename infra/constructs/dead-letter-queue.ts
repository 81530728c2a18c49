import { Duration, Validations } from 'aws-cdk-lib';
import * as sqs from 'aws-cdk-lib/aws-sqs';
import type { Construct } from 'constructs';

/**
 * A dead-letter queue for asynchronous Lambda invocations and EventBridge targets: SQS-managed
 * encryption, TLS only, 14 days to look and replay. The observability construct alarms on its depth.
 */
export function asyncDeadLetterQueue(scope: Construct, id: string): sqs.Queue {
  const queue = new sqs.Queue(scope, id, {
    encryption: sqs.QueueEncryption.SQS_MANAGED,
    enforceSSL: true,
    retentionPeriod: Duration.days(14),
  });
  Validations.of(queue).acknowledge({
    id: 'AwsSolutions-SQS3',
    reason:
      'This queue is itself a dead-letter queue, for asynchronous Lambda invocations and EventBridge targets (not an SQS redrive source, which is all cdk-nag recognises).',
  });
  return queue;
}
