import { Logger } from '@aws-lambda-powertools/logger';
import type { SQSEvent } from 'aws-lambda';
import { describe, expect, it } from 'vitest';
import type { ModelRun } from '../../../functions/core/domain/scoring.ts';
import { makeHandler } from '../../../functions/handlers/score-segment.ts';
import { MemorySegmentationStore } from '../../support/memory-segmentation-store.ts';
import { configWith, fakeModel, MemoryScheduler, now, record } from '../core/segments/fixtures.ts';

const config = configWith([{ id: 'lapsed', when: { daysSinceLastOrder: { min: 120 } }, sequence: null }]);
const logger = new Logger({ serviceName: 'score-segment', logLevel: 'SILENT' });

const runAt = (createdAt: number, fittedOn: number): ModelRun => ({
  runId: '2026-11-23',
  createdAt,
  fit: { kind: 'bgnbd', parameters: { fittedOn }, diagnostics: { customers: fittedOn } },
  sampleSize: fittedOn,
  totalSegments: 1,
  horizonDays: 90,
});

const event = (...bodies: unknown[]): SQSEvent => ({
  Records: bodies.map((body, index) => ({
    messageId: `m${index}`,
    receiptHandle: `r${index}`,
    body: typeof body === 'string' ? body : JSON.stringify(body),
    attributes: {
      ApproximateReceiveCount: '1',
      SentTimestamp: '0',
      SenderId: 'scheduler',
      ApproximateFirstReceiveTimestamp: '0',
    },
    messageAttributes: {},
    md5OfBody: '',
    eventSource: 'aws:sqs',
    eventSourceARN: 'arn:aws:sqs:eu-west-1:000000000000:rekindle-segments',
    awsRegion: 'eu-west-1',
  })),
});

function handlerOver(store: MemorySegmentationStore) {
  return makeHandler({
    store,
    enrolments: store,
    scheduler: new MemoryScheduler(),
    config,
    logger,
    model: fakeModel,
  });
}

describe('score-segment', () => {
  it('reports a malformed task and a task for an unknown run as batch item failures, scoring the good one', async () => {
    const store = new MemorySegmentationStore([record('c1', [200])]);
    await store.putModelRun(runAt(now, 10));
    const handler = handlerOver(store);

    const result = await handler(
      event(
        'not json',
        { runId: '2026-11-23', segment: 0 },
        { runId: '1999-01-01', segment: 0, totalSegments: 1 },
        { runId: '2026-11-23', segment: 0, totalSegments: 1, plannedAt: now },
      ),
    );

    expect(result.batchItemFailures).toEqual([
      { itemIdentifier: 'm0' },
      { itemIdentifier: 'm1' },
      { itemIdentifier: 'm2' },
    ]);
    expect(result.reports).toMatchObject([{ runId: '2026-11-23', segment: 0, customers: 1, scored: 1 }]);
  });

  it('reads a run once per container, and again when the day was planned anew', async () => {
    const store = new MemorySegmentationStore([record('c1', [200])]);
    await store.putModelRun(runAt(now, 10));
    const handler = handlerOver(store);
    const task = { runId: '2026-11-23', segment: 0, totalSegments: 1 };

    await handler(event({ ...task, plannedAt: now }));
    await handler(event({ ...task, plannedAt: now }));
    expect(store.modelRunReads).toBe(1);

    // Planned again the same day: a newer fit under the same run id.
    await store.putModelRun(runAt(now + 3_600_000, 20));
    await handler(event({ ...task, plannedAt: now + 3_600_000 }));
    expect(store.modelRunReads).toBe(2);
    expect(store.scores.get('c1')).toMatchObject({ runId: '2026-11-23' });
  });
});
