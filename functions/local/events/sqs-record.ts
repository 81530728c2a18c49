import type { SQSEvent, SQSRecord } from 'aws-lambda';

/** One SQS message as a queue's event source hands it to Lambda, on its `receiveCount`-th receive. */
export function sqsRecord(message: {
  readonly messageId: string;
  readonly body: string;
  readonly queueArn: string;
  readonly receiveCount?: number;
  readonly sentAt?: number;
  readonly senderId?: string;
}): SQSRecord {
  const receiveCount = message.receiveCount ?? 1;
  const sent = String(message.sentAt ?? Date.now());
  return {
    messageId: message.messageId,
    receiptHandle: `${message.messageId}-${receiveCount}`,
    body: message.body,
    attributes: {
      ApproximateReceiveCount: String(receiveCount),
      SentTimestamp: sent,
      SenderId: message.senderId ?? 'local',
      ApproximateFirstReceiveTimestamp: sent,
    },
    messageAttributes: {},
    md5OfBody: '',
    eventSource: 'aws:sqs',
    eventSourceARN: message.queueArn,
    awsRegion: message.queueArn.split(':')[3] ?? 'eu-west-1',
  };
}

/** A batch of bodies, message ids `m0`, `m1`…, as one delivery of the queue's event source. */
export function sqsBatch(bodies: readonly string[], queueArn: string, receiveCount = 1): SQSEvent {
  return {
    Records: bodies.map((body, index) => sqsRecord({ messageId: `m${index}`, body, queueArn, receiveCount })),
  };
}
