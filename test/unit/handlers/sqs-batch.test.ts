import { Logger } from '@aws-lambda-powertools/logger';
import type { SQSEvent, SQSRecord } from 'aws-lambda';
import { describe, expect, it, vi } from 'vitest';
import { z } from 'zod';
import {
  MalformedRecordError,
  parseRecordBody,
  processQueueBatch,
} from '../../../functions/handlers/sqs-batch.ts';

const record = (messageId: string, body: string): SQSRecord => ({
  messageId,
  receiptHandle: `r-${messageId}`,
  body,
  attributes: {
    ApproximateReceiveCount: '1',
    SentTimestamp: '0',
    SenderId: 'test',
    ApproximateFirstReceiveTimestamp: '0',
  },
  messageAttributes: {},
  md5OfBody: '',
  eventSource: 'aws:sqs',
  eventSourceARN: 'arn:aws:sqs:eu-west-1:000000000000:rekindle-test',
  awsRegion: 'eu-west-1',
});

const TaskSchema = z.object({ customerId: z.string(), attempt: z.number() });

describe('parseRecordBody', () => {
  it('reads a body that is the schema', () => {
    const logger = new Logger({ logLevel: 'SILENT' });
    expect(
      parseRecordBody(record('m1', '{"customerId":"c1","attempt":2}'), TaskSchema, 'task', logger),
    ).toEqual({
      customerId: 'c1',
      attempt: 2,
    });
  });

  it.each([
    ['not JSON', '{"customerId":'],
    ['not the schema', '{"customerId":"asha@example.com","attempt":"two"}'],
  ])('logs a body that is %s by message id and issues, never the body, and throws', (_, body) => {
    const logger = new Logger({ logLevel: 'SILENT' });
    const error = vi.spyOn(logger, 'error');
    expect(() => parseRecordBody(record('m2', body), TaskSchema, 'task', logger)).toThrow(
      MalformedRecordError,
    );
    expect(error).toHaveBeenCalledOnce();
    expect(error.mock.calls[0]?.[0]).toBe('malformed task');
    expect(JSON.stringify(error.mock.calls[0])).toContain('"messageId":"m2"');
    expect(JSON.stringify(error.mock.calls[0])).not.toContain('asha@example.com');
  });
});

describe('processQueueBatch', () => {
  it('reports only the records whose handling threw, in turn, and does not throw when all fail', async () => {
    const event: SQSEvent = { Records: [record('a', 'ok'), record('b', 'fail'), record('c', 'ok')] };
    const handled: string[] = [];
    const handle = async (one: SQSRecord) => {
      handled.push(one.messageId);
      if (one.body === 'fail') throw new Error('no');
    };
    expect(await processQueueBatch(event, handle)).toEqual({ batchItemFailures: [{ itemIdentifier: 'b' }] });
    expect(handled).toEqual(['a', 'b', 'c']);
    const failing: SQSEvent = { Records: [record('d', 'fail')] };
    expect(await processQueueBatch(failing, handle)).toEqual({
      batchItemFailures: [{ itemIdentifier: 'd' }],
    });
  });
});
