import { SQSClient } from '@aws-sdk/client-sqs';
import { withoutSdkLogger } from './client-options.ts';

/** The SQS client: Lambda only (the local runtime has its own queues). */
export function sqsClient(): SQSClient {
  return withoutSdkLogger(new SQSClient({}));
}
