import type { EventBridgeEvent, SQSBatchResponse, SQSEvent } from 'aws-lambda';
import { forEachConcurrently } from '../../core/concurrency.ts';
import type { SegmentTask } from '../../core/domain/segment-task.ts';
import { engagementBatching, type RecordResult } from '../../core/engagement/record-ses-event.ts';
import type { LiveResult } from '../../core/import/live/live-change.ts';
import { shopifyEventDetailType } from '../../core/import/live/shopify.ts';
import { stripeEventTypes } from '../../core/import/live/stripe.ts';
import { defaultSegmentConcurrency } from '../../core/segments/plan-run.ts';
import type { ScoreSegmentResult } from '../../handlers/score-segment.ts';
import type { SegmentFanOut } from '../../ports/segment-fan-out.ts';
import type { Chaos } from '../chaos.ts';
import { localNames } from '../local-names.ts';
import { LocalQueue } from '../local-queue.ts';
import type { TargetResolver } from '../scheduler-emulator/index.ts';

type SqsConsumer = (event: SQSEvent) => Promise<SQSBatchResponse>;

/** The handlers the event sources invoke, as their event source mappings and schedules would. */
export interface EventConsumers {
  readonly sendStep: SqsConsumer;
  readonly scoreSegment: (event: SQSEvent) => Promise<ScoreSegmentResult>;
  readonly recordEngagement: SqsConsumer;
  /** The daily schedules' Lambda targets. */
  readonly segmentCustomers: (event: unknown) => Promise<unknown>;
  readonly planSegmentation: (event: unknown) => Promise<unknown>;
  /** The partner event buses' rules' targets (infra/constructs/shop-integrations.ts). */
  readonly shopifyEvent: (event: EventBridgeEvent<string, unknown>) => Promise<LiveResult>;
  readonly stripeEvent: (event: EventBridgeEvent<string, unknown>) => Promise<LiveResult>;
}

/**
 * What stands between the local handlers where AWS has queues, rules and schedules: the send,
 * segment and engagement queues, and the Scheduler's targets. Built before the handlers (which
 * publish to it), then connected to them.
 */
export interface EventSources {
  readonly sendQueue: LocalQueue;
  /** Segment tasks from plan-segmentation to score-segment; a failing segment is redelivered, then dead-lettered. */
  readonly segmentQueue: LocalQueue;
  /** SES events from the EventBridge rule to record-engagement, in batches as the event source takes them. */
  readonly engagementQueue: LocalQueue;
  /** A schedule's target ARN: the send queue, or one of the daily schedules' Lambdas once connected. */
  readonly schedulerTargets: TargetResolver;
  /** plan-segmentation's fan-out: one message per segment on the segment queue. */
  readonly segmentFanOut: SegmentFanOut;
  /** What each fanned-out score-segment invocation returned, in completion order. */
  readonly segmentResults: ScoreSegmentResult[];
  /** record-engagement's `onOutcome`: what became of each SES event in flight. */
  recordOutcome(result: RecordResult, messageId: string): void;
  /** Publishes SES events as the rule would; what became of each, in order. */
  publishSesEvents(events: readonly unknown[]): Promise<RecordResult[]>;
  /**
   * Puts an event on a partner event bus as Shopify or Stripe would: the rule whose source and
   * detail-type match delivers it to its function; undefined when no rule matches it.
   */
  publishPartnerEvent(event: EventBridgeEvent<string, unknown>): Promise<LiveResult | undefined>;
  connect(consumers: EventConsumers): void;
}

export function createEventSources(options: { readonly chaos?: Chaos } = {}): EventSources {
  const sendQueue = new LocalQueue({ arn: localNames.sendQueueArn });
  const segmentQueue = new LocalQueue({ arn: localNames.segmentQueueArn });
  const engagementQueue = new LocalQueue({ arn: localNames.engagementQueueArn });
  const lambdaTargets = new Map<string, (event: unknown) => Promise<unknown>>();
  let partnerConsumers: Pick<EventConsumers, 'shopifyEvent' | 'stripeEvent'> | undefined;
  const segmentResults: ScoreSegmentResult[] = [];
  /** Outcomes of the SES events in flight, by queue message id (see publishSesEvents). */
  const engagementOutcomes = new Map<string, RecordResult>();
  let publishedEvents = 0;
  return {
    sendQueue,
    segmentQueue,
    engagementQueue,
    segmentResults,
    schedulerTargets: (arn) => {
      if (arn === localNames.sendQueueArn) {
        return {
          kind: 'sqs',
          deliver: async (message) => {
            await sendQueue.deliver(message);
            // The Scheduler delivers at least once: now and then the same message arrives twice.
            if (options.chaos?.fires('scheduler-redelivery', message.body)) await sendQueue.deliver(message);
          },
        };
      }
      const invoke = lambdaTargets.get(arn);
      return invoke === undefined ? undefined : { kind: 'lambda', invoke };
    },
    // At most `defaultSegmentConcurrency` delivered at once, as the segment queue's event source
    // mapping's maximum concurrency (infra/constructs/segmentation.ts).
    segmentFanOut: {
      dispatch: (tasks: readonly SegmentTask[]) =>
        forEachConcurrently(tasks, defaultSegmentConcurrency, (task) =>
          segmentQueue.deliver({ body: JSON.stringify(task), messageId: `${task.runId}-s${task.segment}` }),
        ),
    },
    recordOutcome: (result, messageId) => {
      if (engagementOutcomes.has(messageId)) engagementOutcomes.set(messageId, result);
    },
    publishSesEvents: async (events) => {
      const messages = events.map((event) => {
        publishedEvents += 1;
        return { body: JSON.stringify(event), messageId: `ses-event-${publishedEvents}` };
      });
      // Until the recorder reports: a message the queue dead-lettered unread stays failed.
      const unread = { kind: 'failed', error: new Error('never read by record-engagement') } as const;
      for (const message of messages) engagementOutcomes.set(message.messageId, unread);
      await engagementQueue.deliverAll(messages, {
        batchSize: engagementBatching.batchSize,
        concurrency: engagementBatching.maxConcurrency,
      });
      return messages.map((message) => {
        const outcome = engagementOutcomes.get(message.messageId) ?? unread;
        engagementOutcomes.delete(message.messageId);
        return outcome;
      });
    },
    publishPartnerEvent: async (event) => {
      if (partnerConsumers === undefined) throw new Error('the event sources are not connected yet');
      const type = event['detail-type'];
      if (event.source === localNames.shopifyEventSource && type === shopifyEventDetailType)
        return partnerConsumers.shopifyEvent(event);
      if (
        event.source === localNames.stripeEventSource &&
        (stripeEventTypes as readonly string[]).includes(type)
      )
        return partnerConsumers.stripeEvent(event);
      return undefined;
    },
    connect: (consumers) => {
      partnerConsumers = consumers;
      lambdaTargets.set(localNames.segmenterArn, consumers.segmentCustomers);
      lambdaTargets.set(localNames.planSegmentationArn, consumers.planSegmentation);
      sendQueue.consumeWith(consumers.sendStep);
      engagementQueue.consumeWith(consumers.recordEngagement);
      segmentQueue.consumeWith(async (event) => {
        const result = await consumers.scoreSegment(event);
        segmentResults.push(result);
        return result;
      });
    },
  };
}
