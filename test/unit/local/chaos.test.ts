import type { SQSEvent } from 'aws-lambda';
import { describe, expect, it } from 'vitest';
import { Chaos, ChaosCrash } from '../../../functions/local/chaos.ts';

/** An SQS batch as the local queue delivers it on its `receive`-th receive. */
function batch(messageIds: readonly string[], receive: number): SQSEvent {
  return {
    Records: messageIds.map((messageId) => ({
      messageId,
      receiptHandle: `${messageId}-${receive}`,
      body: '{}',
      attributes: {
        ApproximateReceiveCount: String(receive),
        SentTimestamp: String(Date.now()),
        SenderId: 'local',
        ApproximateFirstReceiveTimestamp: String(Date.now()),
      },
      messageAttributes: {},
      md5OfBody: '',
      eventSource: 'aws:sqs',
      eventSourceARN: 'arn:aws:sqs:eu-west-1:000000000000:queue',
      awsRegion: 'eu-west-1',
    })),
  };
}

describe('Chaos.invocation', () => {
  it('crashes a redelivered SQS batch at most once before and once after: the same messages are the same work', async () => {
    // Every fault fires the first time it is drawn.
    const chaos = new Chaos({ seed: 1, rate: 1 });
    let handled = 0;
    const invoke = chaos.invocation(
      'consumer',
      async () => {
        handled += 1;
      },
      1,
    );
    const outcomes: string[] = [];
    for (let receive = 1; receive <= 3; receive += 1) {
      try {
        await invoke(batch(['m1', 'm2'], receive));
        outcomes.push('ok');
      } catch (error: unknown) {
        outcomes.push(error instanceof ChaosCrash ? (error.message.split(' ')[0] ?? '') : 'other');
      }
    }
    expect(outcomes).toEqual(['handler-crash-before', 'handler-crash-after', 'ok']);
    expect(handled).toBe(2);
    // Other messages are other work.
    await expect(invoke(batch(['m3'], 1))).rejects.toThrow(ChaosCrash);
  });

  it('keys any other event by its whole payload', async () => {
    const chaos = new Chaos({ seed: 1, rate: 1 });
    const invoke = chaos.invocation('handler', async (_event: { id: number }) => 'done', 3);
    await expect(invoke({ id: 1 })).resolves.toBe('done');
    expect(chaos.injected['handler-crash-before']).toBe(1);
    expect(chaos.injected['handler-crash-after']).toBe(1);
  });
});
