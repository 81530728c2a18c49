import { SendMessageBatchCommand, type SQSClient } from '@aws-sdk/client-sqs';
import type { SegmentTask } from '../../core/domain/segment-task.ts';
import type { SegmentFanOut } from '../../ports/segment-fan-out.ts';

/** The SegmentFanOut over an SQS queue whose consumer is the score-segment Lambda. */
export class SqsSegmentQueue implements SegmentFanOut {
  readonly #client: SQSClient;
  readonly #queueUrl: string;

  constructor(client: SQSClient, queueUrl: string) {
    this.#client = client;
    this.#queueUrl = queueUrl;
  }

  async dispatch(tasks: readonly SegmentTask[]): Promise<void> {
    for (let start = 0; start < tasks.length; start += 10) {
      let entries = tasks.slice(start, start + 10).map((task) => ({
        Id: `s${task.segment}`,
        MessageBody: JSON.stringify(task),
      }));
      // A batch may partly fail (throttling): resend only the failed entries.
      for (let attempt = 0; entries.length > 0; attempt += 1) {
        if (attempt > 5) throw new Error(`SQS refused ${entries.length} segment messages after 5 retries`);
        if (attempt > 0) await new Promise((resolve) => setTimeout(resolve, 100 * 2 ** attempt));
        const result = await this.#client.send(
          new SendMessageBatchCommand({ QueueUrl: this.#queueUrl, Entries: entries }),
        );
        const failed = new Set((result.Failed ?? []).map((failure) => failure.Id));
        entries = entries.filter((entry) => failed.has(entry.Id));
      }
    }
  }
}
