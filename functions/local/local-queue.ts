import type { SQSBatchResponse, SQSEvent, SQSRecord } from 'aws-lambda';

export interface LocalQueueOptions {
  readonly arn: string;
  /** Deliveries before a message goes to the dead-letter list, as the queue's redrive policy. @default 3 */
  readonly maxReceiveCount?: number;
}

/**
 * Stands where the SQS send queue stands on AWS, between the Scheduler and its consumer Lambda:
 * it wraps each message in the SQSEvent shape Lambda receives, honours partial batch failures by
 * redelivering, and dead-letters after maxReceiveCount. (No SQS emulator is in the local stack.)
 */
export class LocalQueue {
  readonly deadLetters: { body: string; reason: string }[] = [];
  #consumer: ((event: SQSEvent) => Promise<SQSBatchResponse | undefined>) | undefined;
  readonly #arn: string;
  readonly #maxReceiveCount: number;
  #sequence = 0;

  constructor(options: LocalQueueOptions) {
    this.#arn = options.arn;
    this.#maxReceiveCount = options.maxReceiveCount ?? 3;
  }

  consumeWith(consumer: (event: SQSEvent) => Promise<SQSBatchResponse | undefined>): void {
    this.#consumer = consumer;
  }

  /** Delivers one message to the consumer, redelivering on failure like SQS would. */
  async deliver(message: { body: string; messageId?: string }): Promise<void> {
    const consumer = this.#consumer;
    if (consumer === undefined) throw new Error(`queue ${this.#arn} has no consumer`);
    this.#sequence += 1;
    const messageId = message.messageId ?? `local-${this.#sequence}`;
    let reason = '';
    for (let receive = 1; receive <= this.#maxReceiveCount; receive += 1) {
      const record = this.#record(messageId, message.body, receive);
      try {
        const response = await consumer({ Records: [record] });
        const failed =
          response?.batchItemFailures.some((failure) => failure.itemIdentifier === messageId) ?? false;
        if (!failed) return;
        reason = 'reported as a batch item failure';
      } catch (error: unknown) {
        reason = error instanceof Error ? error.message : String(error);
      }
    }
    this.deadLetters.push({ body: message.body, reason });
  }

  #record(messageId: string, body: string, receiveCount: number): SQSRecord {
    const now = String(Date.now());
    return {
      messageId,
      receiptHandle: `${messageId}-${receiveCount}`,
      body,
      attributes: {
        ApproximateReceiveCount: String(receiveCount),
        SentTimestamp: now,
        SenderId: 'scheduler.amazonaws.com',
        ApproximateFirstReceiveTimestamp: now,
      },
      messageAttributes: {},
      md5OfBody: '',
      eventSource: 'aws:sqs',
      eventSourceARN: this.#arn,
      awsRegion: this.#arn.split(':')[3] ?? 'eu-west-1',
    };
  }
}
