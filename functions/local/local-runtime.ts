import { createHash } from 'node:crypto';
import { CreateBucketCommand, PutObjectCommand } from '@aws-sdk/client-s3';
import { CreateScheduleGroupCommand } from '@aws-sdk/client-scheduler';
import type { S3Event } from 'aws-lambda';
import type { DynamoCustomerStore } from '../adapters/dynamo/customer-store.ts';
import { DynamoForgottenRegister } from '../adapters/dynamo/privacy-store.ts';
import type { DynamoSegmentationStore } from '../adapters/dynamo/segmentation-store.ts';
import { noMetrics } from '../adapters/no-metrics.ts';
import { S3ObjectStore } from '../adapters/s3/object-store.ts';
import { S3ObjectReader } from '../adapters/s3/object-stream.ts';
import type { RuntimeBundle } from '../build/runtime-bundle.ts';
import { forEachConcurrently } from '../core/concurrency.ts';
import type { SegmentTask } from '../core/domain/segment-task.ts';
import { engagementBatching, type RecordResult } from '../core/engagement/record-ses-event.ts';
import { scoringModel } from '../core/segments/model-adapter.ts';
import { defaultSegmentConcurrency } from '../core/segments/plan-run.ts';
import { ImportBucketPrefixes } from '../handlers/environment.ts';
import { makeHandler as makeImportFile } from '../handlers/import-file.ts';
import { makeHandler as makePlanSegmentation } from '../handlers/plan-segmentation.ts';
import {
  makeHandler as makeReceiveReply,
  S3RawMailSource,
  sesReceiptEvent,
} from '../handlers/receive-reply.ts';
import { makeHandler as makeRecordEngagement } from '../handlers/record-engagement.ts';
import { makeHandler as makeScoreSegment, type ScoreSegmentResult } from '../handlers/score-segment.ts';
import { makeHandler as makeSegmentCustomers } from '../handlers/segment-customers.ts';
import { makeHandler as makeSendStep, type SendStepHandlerDeps } from '../handlers/send-step.ts';
import { makeHandler as makeUnsubscribe } from '../handlers/unsubscribe.ts';
import { type AwsClients, createClients } from '../handlers/wiring.ts';
import type { Clock } from '../ports/clock.ts';
import type { CustomerStore } from '../ports/customer-store.ts';
import type { EngagementStore } from '../ports/engagement-store.ts';
import type { EnrolmentStore } from '../ports/enrolment-store.ts';
import type { Mailer } from '../ports/mailer.ts';
import type { StepScheduler } from '../ports/step-scheduler.ts';
import { createCustomerTable } from './bootstrap-table.ts';
import type { Chaos } from './chaos.ts';
import { startDynamoDbLocal } from './dynamodb-local.ts';
import { type LocalLogLevel, localAdapters, localLogger, localSendStepDeps } from './local-adapters.ts';
import { account, localNames, region } from './local-names.ts';
import { LocalQueue } from './local-queue.ts';
import { RequestCounter } from './request-counter.ts';
import { startS3Local } from './s3-local.ts';
import {
  type ParallelFiring,
  type SchedulerEmulator,
  startSchedulerEmulator,
} from './scheduler-emulator/index.ts';
import { startSendWorker } from './send-worker/index.ts';
import { type SesLocal, startSesLocal } from './ses-local.ts';

export { localNames };

export interface LocalRuntime {
  readonly clock: Clock;
  readonly clients: AwsClients;
  /** Every AWS request the handlers made, by service and operation (the cost model's input). */
  readonly requests: RequestCounter;
  readonly endpoints: Readonly<Record<'dynamodb' | 'sesv2' | 's3' | 'scheduler', string>>;
  readonly ses: SesLocal;
  readonly scheduler: SchedulerEmulator;
  readonly sendQueue: LocalQueue;
  /** Segment tasks from plan-segmentation to score-segment; a failing segment is redelivered, then dead-lettered. */
  readonly segmentQueue: LocalQueue;
  /** SES events from the EventBridge rule to record-engagement, in batches as the event source takes them. */
  readonly engagementQueue: LocalQueue;
  readonly store: DynamoCustomerStore;
  /** Engagement events, counters, suppression and the report's data. */
  readonly engagement: EngagementStore;
  readonly segmentationStore: DynamoSegmentationStore;
  /** The one writer of enrolments and hold-outs (tests create enrolments through it). */
  readonly enrolments: EnrolmentStore;
  /** What each fanned-out scoreSegment invocation returned, in completion order. */
  readonly segmentResults: ScoreSegmentResult[];
  readonly handlers: {
    readonly importFile: ReturnType<typeof makeImportFile>;
    readonly segmentCustomers: ReturnType<typeof makeSegmentCustomers>;
    /** Fits and fans out: each segment is handed straight to scoreSegment, all at once. */
    readonly planSegmentation: ReturnType<typeof makePlanSegmentation>;
    readonly scoreSegment: ReturnType<typeof makeScoreSegment>;
    readonly sendStep: ReturnType<typeof makeSendStep>;
    readonly recordEngagement: ReturnType<typeof makeRecordEngagement>;
    readonly receiveReply: ReturnType<typeof makeReceiveReply>;
    readonly unsubscribe: ReturnType<typeof makeUnsubscribe>;
  };
  /** Puts a file in the import bucket and delivers the ObjectCreated notification S3 would send. */
  dropImport(name: string, text: string): Promise<Awaited<ReturnType<ReturnType<typeof makeImportFile>>>>;
  /** Stores a raw inbound mail where the receipt rule would and runs receive-reply on it. */
  dropInbound(
    rawMime: string | Uint8Array,
    recipients: readonly string[],
  ): Promise<Awaited<ReturnType<ReturnType<typeof makeReceiveReply>>>>;
  /**
   * Publishes SES events (EventBridge shape) as the rule would, through the engagement queue; what
   * became of each, in order (the last delivery's outcome when the queue delivered it again).
   */
  publishSesEvents(events: readonly unknown[]): Promise<RecordResult[]>;
  stop(): Promise<void>;
}

export interface LocalRuntimeOptions {
  readonly clock: Clock;
  readonly bundle: RuntimeBundle;
  /** Lets tests wrap the mailer (fault injection); defaults to SES through the emulator. */
  readonly wrapMailer?: (mailer: Mailer) => Mailer;
  /** Lets tests wrap the sender's store (fault injection); the runtime's `store` stays unwrapped. */
  readonly wrapStore?: (store: CustomerStore) => CustomerStore;
  /** Lets tests wrap the sender's enrolment store (fault injection around completing an enrolment). */
  readonly wrapEnrolments?: (enrolments: EnrolmentStore) => EnrolmentStore;
  /** Lets tests wrap the sender's step scheduler (fault injection, duplicate schedules). */
  readonly wrapScheduler?: (scheduler: StepScheduler) => StepScheduler;
  /** Sees every send-step outcome (the demo counts sent, deferred and exited steps). */
  readonly onSendOutcome?: SendStepHandlerDeps['onOutcome'];
  /**
   * Faults to inject (`rekindle demo --chaos`): crashes in every handler and inside the sender,
   * Scheduler redeliveries, SES throttling and transient DynamoDB errors. Handlers are then invoked
   * as their event sources invoke them, with retries.
   */
  readonly chaos?: Chaos;
  /**
   * Steps due close together are sent side by side, as the send queue's event source runs several
   * send-step invocations at once (see `ParallelFiring`). @default one at a time, in due order
   */
  readonly parallelSends?: ParallelFiring;
  /**
   * Runs send-step in a worker thread, as Lambda runs it apart from the other functions, so that
   * the sends use the second core. Not with `chaos` or the `wrap*` hooks: they wrap objects in
   * this thread. `handlers.sendStep` still runs here. @default false
   */
  readonly sendWorker?: boolean;
  /** Handler logs at this level; the demo keeps them quiet. @default 'WARN' */
  readonly logLevel?: LocalLogLevel;
}

/**
 * Starts DynamoDB Local, aws-ses-v2-local, s3rver and our Scheduler emulator on 127.0.0.1, points
 * the SDK at them through the standard AWS_ENDPOINT_URL_<SERVICE> variables, and wires the real
 * handlers behind the local targets. `stop()` ends every server and restores the environment.
 */
export async function startLocalRuntime(options: LocalRuntimeOptions): Promise<LocalRuntime> {
  if (
    options.sendWorker === true &&
    (options.chaos !== undefined ||
      options.wrapStore !== undefined ||
      options.wrapEnrolments !== undefined ||
      options.wrapMailer !== undefined ||
      options.wrapScheduler !== undefined)
  )
    throw new Error('sendWorker runs send-step in another thread: chaos and the wrap hooks cannot reach it');
  const started: { stop(): Promise<void> }[] = [];
  const savedEnv = { ...process.env };
  let exported: Record<string, string> = {};
  let profile: string | undefined;
  const stopAll = async () => {
    await Promise.allSettled(started.reverse().map((server) => server.stop()));
    for (const [name, value] of Object.entries(exported)) {
      if (process.env[name] !== value) continue;
      const before = savedEnv[name];
      if (before === undefined) delete process.env[name];
      else process.env[name] = before;
    }
    if (profile !== undefined && process.env.AWS_PROFILE === undefined) process.env.AWS_PROFILE = profile;
  };
  try {
    const track = <T extends { stop(): Promise<void> }>(server: T): T => {
      started.push(server);
      return server;
    };
    const sendQueue = new LocalQueue({ arn: localNames.sendQueueArn });
    const segmentQueue = new LocalQueue({ arn: localNames.segmentQueueArn });
    const engagementQueue = new LocalQueue({ arn: localNames.engagementQueueArn });
    /** Outcomes of the SES events in flight, by queue message id (see publishSesEvents). */
    const engagementOutcomes = new Map<string, RecordResult>();
    let publishedEvents = 0;
    const lambdaTargets = new Map<string, (event: unknown) => Promise<unknown>>();
    // allSettled, not all: a server that starts after another failed must still be stopped.
    const results = await Promise.allSettled([
      startDynamoDbLocal(),
      startSesLocal(),
      startS3Local({ buckets: [localNames.importBucket, localNames.inboundBucket] }),
      startSchedulerEmulator({
        clock: options.clock,
        region,
        accountId: account,
        ...(options.parallelSends === undefined ? {} : { parallel: options.parallelSends }),
        targets: (arn) => {
          if (arn === localNames.sendQueueArn) {
            return {
              kind: 'sqs',
              deliver: async (message) => {
                await sendQueue.deliver(message);
                // The Scheduler delivers at least once: now and then the same message arrives twice.
                if (options.chaos?.fires('scheduler-redelivery', message.body))
                  await sendQueue.deliver(message);
              },
            };
          }
          const invoke = lambdaTargets.get(arn);
          return invoke === undefined ? undefined : { kind: 'lambda', invoke };
        },
      }),
    ]);
    for (const result of results) if (result.status === 'fulfilled') track(result.value);
    const [dynamoResult, sesResult, s3Result, schedulerResult] = results;
    if (dynamoResult.status === 'rejected') throw dynamoResult.reason;
    if (sesResult.status === 'rejected') throw sesResult.reason;
    if (s3Result.status === 'rejected') throw s3Result.reason;
    if (schedulerResult.status === 'rejected') throw schedulerResult.reason;
    const [dynamo, ses, s3, scheduler] = [
      dynamoResult.value,
      sesResult.value,
      s3Result.value,
      schedulerResult.value,
    ];
    const endpoints = {
      dynamodb: dynamo.endpoint,
      sesv2: ses.endpoint,
      s3: s3.endpoint,
      scheduler: scheduler.endpoint,
    };
    // Dummy credentials; s3rver accepts only its own well-known pair, the others accept any.
    const target = { region, endpoints, credentials: { accessKeyId: 'S3RVER', secretAccessKey: 'S3RVER' } };
    // For commands a person (or a test) runs in this process against this stack: the SDK's standard
    // variables. The runtime's own clients never read them (see `target`), and stop() puts back
    // only what still holds this runtime's values, so a runtime left over elsewhere changes nothing.
    exported = {
      AWS_REGION: region,
      // Local runs are on Node 20 by design; Lambda runs Node 22.
      AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED: 'true',
      AWS_ACCESS_KEY_ID: target.credentials.accessKeyId,
      AWS_SECRET_ACCESS_KEY: target.credentials.secretAccessKey,
      AWS_ENDPOINT_URL_DYNAMODB: endpoints.dynamodb,
      AWS_ENDPOINT_URL_SESV2: endpoints.sesv2,
      AWS_ENDPOINT_URL_S3: endpoints.s3,
      AWS_ENDPOINT_URL_SCHEDULER: endpoints.scheduler,
    };
    Object.assign(process.env, exported);
    if (process.env.AWS_PROFILE !== undefined) {
      profile = process.env.AWS_PROFILE;
      delete process.env.AWS_PROFILE;
    }

    // The same client factory as in Lambda, pointed at this runtime's emulators.
    const clients = createClients(target);
    const requests = new RequestCounter();
    requests.attach(clients);
    options.chaos?.attachToDynamoDb(clients.dynamodb.middlewareStack);
    const chaos = options.chaos;
    /** As the event source invokes it: with retries and injected crashes under chaos, else directly. */
    const invoked = <E, R>(name: string, handler: (event: E) => Promise<R>, attempts = 3) =>
      chaos === undefined ? handler : chaos.invocation(name, handler, attempts);
    await createCustomerTable(clients.dynamodb, localNames.tableName);
    await clients.scheduler.send(new CreateScheduleGroupCommand({ Name: localNames.scheduleGroup }));
    await clients.s3
      .send(new CreateBucketCommand({ Bucket: localNames.importBucket }))
      .catch(() => undefined);
    await clients.s3
      .send(new CreateBucketCommand({ Bucket: localNames.inboundBucket }))
      .catch(() => undefined);

    const logger = (serviceName: string) => localLogger(serviceName, options.logLevel);
    const adapters = localAdapters(clients, options.clock);
    const { store, engagement, enrolments, segmentationStore, stepScheduler, sesMailer } = adapters;
    const objects = new S3ObjectStore(clients.s3);
    const forgotten = new DynamoForgottenRegister(clients.dynamodb, localNames.tableName);
    const segmentResults: ScoreSegmentResult[] = [];
    const scoreSegmentHandler = makeScoreSegment({
      store: segmentationStore,
      enrolments,
      scheduler: stepScheduler,
      config: options.bundle.config,
      logger: logger('score-segment'),
      model: scoringModel,
    });
    const scoreSegment = invoked('score-segment', scoreSegmentHandler);
    // As the segment queue's event source runs them on AWS (infra/constructs/segmentation.ts).
    const segmentConcurrency = defaultSegmentConcurrency;
    const senderStore = options.wrapStore?.(store) ?? store;
    const senderEnrolments = options.wrapEnrolments?.(enrolments) ?? enrolments;
    const senderMailer = options.wrapMailer?.(sesMailer) ?? sesMailer;
    const senderScheduler = options.wrapScheduler?.(stepScheduler) ?? stepScheduler;
    const handlers = {
      importFile: invoked(
        'import-file',
        makeImportFile({
          store: segmentationStore,
          objects,
          forgotten,
          reader: new S3ObjectReader(clients.s3),
          logger: logger('import-file'),
        }),
      ),
      segmentCustomers: makeSegmentCustomers({
        store: segmentationStore,
        enrolments,
        scheduler: stepScheduler,
        clock: options.clock,
        config: options.bundle.config,
        logger: logger('segment-customers'),
        model: scoringModel,
      }),
      scoreSegment,
      planSegmentation: invoked(
        'plan-segmentation',
        makePlanSegmentation({
          store: segmentationStore,
          // One message per segment on the local segment queue, at most `segmentConcurrency`
          // delivered at once like the event source mapping's maximum concurrency.
          fanOut: {
            dispatch: (tasks: readonly SegmentTask[]) =>
              forEachConcurrently(tasks, segmentConcurrency, (task) =>
                segmentQueue.deliver({
                  body: JSON.stringify(task),
                  messageId: `${task.runId}-s${task.segment}`,
                }),
              ),
          },
          clock: options.clock,
          config: options.bundle.config,
          logger: logger('plan-segmentation'),
          model: scoringModel,
        }),
      ),
      // The queue redelivers by itself, so the sender is invoked once per delivery.
      sendStep: invoked(
        'send-step',
        makeSendStep({
          ...localSendStepDeps(adapters, {
            clock: options.clock,
            bundle: options.bundle,
            ...(options.logLevel === undefined ? {} : { logLevel: options.logLevel }),
          }),
          store: chaos?.wrapStore(senderStore) ?? senderStore,
          enrolments: chaos?.wrapEnrolments(senderEnrolments) ?? senderEnrolments,
          mailer: chaos?.wrapMailer(senderMailer) ?? senderMailer,
          scheduler: chaos?.wrapScheduler(senderScheduler) ?? senderScheduler,
          ...(options.onSendOutcome === undefined ? {} : { onOutcome: options.onSendOutcome }),
        }),
        1,
      ),
      // The queue redelivers by itself, so the recorder is invoked once per delivery.
      recordEngagement: invoked(
        'record-engagement',
        makeRecordEngagement({
          store: engagement,
          enrolments,
          config: options.bundle.config.engagement,
          metrics: noMetrics,
          forgotten,
          logger: logger('record-engagement'),
          onOutcome: (result, messageId) => {
            if (engagementOutcomes.has(messageId)) engagementOutcomes.set(messageId, result);
          },
        }),
        1,
      ),
      receiveReply: invoked(
        'receive-reply',
        makeReceiveReply({
          store: engagement,
          enrolments,
          customers: store,
          mailer: sesMailer,
          signingKey: localNames.linkSigningKey,
          config: options.bundle.config,
          metrics: noMetrics,
          forgotten,
          raw: new S3RawMailSource(clients.s3, localNames.inboundBucket),
          keyPrefix: localNames.inboundPrefix,
          logger: logger('receive-reply'),
        }),
      ),
      unsubscribe: invoked(
        'unsubscribe',
        makeUnsubscribe({
          store: engagement,
          enrolments,
          customers: store,
          clock: options.clock,
          signingKey: localNames.linkSigningKey,
          shopName: options.bundle.config.shop.name,
          config: options.bundle.config.engagement,
          forgotten,
          logger: logger('unsubscribe'),
        }),
      ),
    };
    lambdaTargets.set(localNames.segmenterArn, handlers.segmentCustomers);
    lambdaTargets.set(localNames.planSegmentationArn, handlers.planSegmentation);
    if (options.sendWorker === true) {
      const worker = track(
        await startSendWorker({
          bundle: options.bundle.serialized,
          target,
          requests,
          ...(options.logLevel === undefined ? {} : { logLevel: options.logLevel }),
          ...(options.onSendOutcome === undefined ? {} : { onOutcome: options.onSendOutcome }),
        }),
      );
      sendQueue.consumeWith((event) => worker.invoke(event, options.clock.now()));
    } else sendQueue.consumeWith(handlers.sendStep);
    engagementQueue.consumeWith(handlers.recordEngagement);
    segmentQueue.consumeWith(async (event) => {
      const result = await scoreSegment(event);
      segmentResults.push(result);
      return result;
    });

    return {
      clock: options.clock,
      clients,
      requests,
      endpoints,
      ses,
      scheduler,
      sendQueue,
      segmentQueue,
      engagementQueue,
      store,
      segmentationStore,
      enrolments,
      segmentResults,
      engagement,
      handlers,
      dropImport: async (name, text) => {
        const key = `${ImportBucketPrefixes.imports}${name}`;
        await objects.putText(localNames.importBucket, key, text, 'text/plain');
        return handlers.importFile(s3ObjectCreated(localNames.importBucket, key, text.length));
      },
      dropInbound: async (rawMime, recipients) => {
        const body = typeof rawMime === 'string' ? Buffer.from(rawMime) : rawMime;
        const mailId = `local-${createHash('sha256').update(body).digest('hex').slice(0, 24)}`;
        await clients.s3.send(
          new PutObjectCommand({
            Bucket: localNames.inboundBucket,
            Key: `${localNames.inboundPrefix}${mailId}`,
            Body: body,
          }),
        );
        return handlers.receiveReply(sesReceiptEvent({ mailId, recipients, at: options.clock.now() }));
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
      stop: stopAll,
    };
  } catch (error: unknown) {
    await stopAll();
    throw error;
  }
}

/** The S3 ObjectCreated:Put notification as Lambda receives it. */
function s3ObjectCreated(bucket: string, key: string, size: number): S3Event {
  const encodedKey = encodeURIComponent(key).replace(/%2F/g, '/').replace(/%20/g, '+');
  return {
    Records: [
      {
        eventVersion: '2.1',
        eventSource: 'aws:s3',
        awsRegion: region,
        eventTime: new Date().toISOString(),
        eventName: 'ObjectCreated:Put',
        userIdentity: { principalId: 'local' },
        requestParameters: { sourceIPAddress: '127.0.0.1' },
        responseElements: { 'x-amz-request-id': 'local', 'x-amz-id-2': 'local' },
        s3: {
          s3SchemaVersion: '1.0',
          configurationId: 'rekindle-imports',
          bucket: { name: bucket, ownerIdentity: { principalId: 'local' }, arn: `arn:aws:s3:::${bucket}` },
          object: { key: encodedKey, size, eTag: '', sequencer: '0' },
        },
      },
    ],
  };
}
