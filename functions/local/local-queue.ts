import type { SQSBatchResponse, SQSEvent, SQSRecord } from 'aws-lambda';
import { forEachConcurrently } from '../core/concurrency.ts';
import { sqsRecord } from './events/sqs-record.ts';

export interface LocalQueueOptions {
  readonly arn: string;
  /** Deliveries before a message goes to the dead-letter list, as the queue's redrive policy. @default 3 */
  readonly maxReceiveCount?: number;
}

/**
 * Stands where an SQS queue stands on AWS (the send queue between the Scheduler and the sender, the
 * engagement queue between the SES events' rule and record-engagement): it wraps each message in the SQSEvent shape Lambda receives, honours partial batch failures by
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
  deliver(message: { body: string; messageId?: string }): Promise<void> {
    return this.deliverBatch([message]);
  }

  /**
   * Delivers messages in one SQSEvent, as an event source mapping does; the failed ones (reported,
   * or all of them when the consumer throws) are delivered again, up to maxReceiveCount receives.
   */
  async deliverBatch(messages: readonly { body: string; messageId?: string }[]): Promise<void> {
    const consumer = this.#consumer;
    if (consumer === undefined) throw new Error(`queue ${this.#arn} has no consumer`);
    let pending = messages.map((message) => {
      this.#sequence += 1;
      return { body: message.body, messageId: message.messageId ?? `local-${this.#sequence}` };
    });
    let reason = '';
    for (let receive = 1; receive <= this.#maxReceiveCount && pending.length > 0; receive += 1) {
      const records = pending.map((message) => this.#record(message.messageId, message.body, receive));
      try {
        const response = await consumer({ Records: records });
        const failed = new Set(response?.batchItemFailures.map((failure) => failure.itemIdentifier));
        pending = pending.filter((message) => failed.has(message.messageId));
        reason = 'reported as a batch item failure';
      } catch (error: unknown) {
        reason = error instanceof Error ? error.message : String(error);
      }
    }
    for (const message of pending) this.deadLetters.push({ body: message.body, reason });
  }

  /** Delivers many messages in batches of `batchSize`, `concurrency` batches at once. */
  async deliverAll(
    messages: readonly { body: string; messageId?: string }[],
    options: { batchSize: number; concurrency: number },
  ): Promise<void> {
    const batches: { body: string; messageId?: string }[][] = [];
    for (let start = 0; start < messages.length; start += options.batchSize)
      batches.push(messages.slice(start, start + options.batchSize));
    await forEachConcurrently(batches, options.concurrency, (batch) => this.deliverBatch(batch));
  }

  #record(messageId: string, body: string, receiveCount: number): SQSRecord {
    return sqsRecord({
      messageId,
      body,
      queueArn: this.#arn,
      receiveCount,
      senderId: 'scheduler.amazonaws.com',
    });
  }
}
