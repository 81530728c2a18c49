import { createHash } from 'node:crypto';
import { PutObjectCommand } from '@aws-sdk/client-s3';
import type { EventBridgeEvent } from 'aws-lambda';
import { S3ObjectStore } from '../adapters/s3/object-store.ts';
import type { RuntimeBundle } from '../build/runtime-bundle.ts';
import type { RecordResult } from '../core/engagement/record-ses-event.ts';
import type { LiveResult } from '../core/import/live/live-change.ts';
import { type TableStores, tableStores } from '../handlers/composition.ts';
import { ImportBucketPrefixes } from '../handlers/environment.ts';
import { reportKeyFor } from '../handlers/import-file.ts';
import type { ScoreSegmentResult } from '../handlers/score-segment.ts';
import { type AwsClients, createClients } from '../handlers/wiring.ts';
import type { Clock } from '../ports/clock.ts';
import type { Chaos } from './chaos.ts';
import { s3ObjectCreated } from './events/s3-notification.ts';
import { sesReceiptEvent } from './events/ses-receipt-event.ts';
import { startFunctionUrlServer } from './function-url-server.ts';
import { type LocalLogLevel, localComposition } from './local-composition.ts';
import { localNames } from './local-names.ts';
import type { LocalQueue } from './local-queue.ts';
import { RequestCounter } from './request-counter.ts';
import { startEmulators } from './runtime/emulators.ts';
import { createEventSources } from './runtime/event-sources.ts';
import { type LocalHandlers, localHandlers, type SenderHooks } from './runtime/local-handlers.ts';
import { exportEndpointEnvironment } from './runtime/process-environment.ts';
import { createLocalResources } from './runtime/resources.ts';
import type { ParallelFiring, SchedulerEmulator } from './scheduler-emulator/index.ts';
import { startSendWorker } from './send-worker/index.ts';
import type { SesLocal } from './ses-local.ts';

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
  readonly store: TableStores['customers'];
  /** Engagement events and counters, suppression, pauses, the inbound log and the report's data. */
  readonly engagement: Pick<
    TableStores,
    'ledger' | 'contacts' | 'pauses' | 'sendGuard' | 'inbound' | 'reports'
  >;
  readonly segmentationStore: TableStores['segmentation'];
  /** The one writer of enrolments and hold-outs (tests create enrolments through it). */
  readonly enrolments: TableStores['enrolments'];
  /** What each fanned-out scoreSegment invocation returned, in completion order. */
  readonly segmentResults: ScoreSegmentResult[];
  readonly handlers: LocalHandlers;
  /** Puts a file in the import bucket and delivers the ObjectCreated notification S3 would send. */
  dropImport(name: string, text: string): Promise<Awaited<ReturnType<LocalHandlers['importFile']>>>;
  /** Stores a raw inbound mail where the receipt rule would and runs receive-reply on it. */
  dropInbound(
    rawMime: string | Uint8Array,
    recipients: readonly string[],
  ): Promise<Awaited<ReturnType<LocalHandlers['receiveReply']>>>;
  /**
   * Publishes SES events (EventBridge shape) as the rule would, through the engagement queue; what
   * became of each, in order (the last delivery's outcome when the queue delivered it again).
   */
  publishSesEvents(events: readonly unknown[]): Promise<RecordResult[]>;
  /** The live endpoints' Function URLs on 127.0.0.1: Shopify's webhooks, and the helpdesks' under /zendesk, /gorgias, /freshdesk. */
  readonly webhooks: { readonly shopify: string; readonly helpdesk: string };
  /** Puts a Shopify or Stripe event on its partner bus (sources in `localNames`); undefined when no rule matches. */
  publishPartnerEvent(event: EventBridgeEvent<string, unknown>): Promise<LiveResult | undefined>;
  /** Resolves once every upload seen so far has been imported (with `importUploads`). */
  uploadsImported(): Promise<void>;
  stop(): Promise<void>;
}

/** What became of a file uploaded under `imports/` (with `importUploads`). */
export type UploadImport = { readonly key: string; readonly reportKey: string } & (
  | { readonly reports: Awaited<ReturnType<LocalHandlers['importFile']>> }
  | { readonly error: unknown }
);

export interface LocalRuntimeOptions extends SenderHooks {
  readonly clock: Clock;
  readonly bundle: RuntimeBundle;
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
  /**
   * Also points the SDK's standard AWS_ENDPOINT_URL_<SERVICE> variables (and region and dummy
   * credentials) at this stack, for CLI commands run in this process (`rekindle dev`, tests of
   * `rekindle import`/`forget`); `stop()` puts them back. The runtime's own clients never read them.
   * @default false
   */
  readonly exportEnvironment?: boolean;
  /**
   * Imports every file uploaded under `imports/` in the import bucket (by the AWS CLI, an SDK, a
   * browser), as the stack's S3 notification does, and writes its report beside it under
   * `reports/`. `rekindle dev` turns it on; tests that call `dropImport` leave it off, which
   * imports by itself. @default false
   */
  readonly importUploads?: boolean;
  /** Told of each upload imported (or failed) with `importUploads`. */
  readonly onUploadImported?: (outcome: UploadImport) => void;
}

/**
 * Starts the local stack: the emulators on 127.0.0.1 (runtime/emulators.ts), the table, schedule
 * group and buckets (runtime/resources.ts), every handler from the composition root over the
 * runtime's own clients (runtime/local-handlers.ts), and the queues and schedule targets between
 * them (runtime/event-sources.ts). Nothing global changes unless `exportEnvironment` asks for it.
 * `stop()` ends every server (and puts the environment back).
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
  const sources = createEventSources(options.chaos === undefined ? {} : { chaos: options.chaos });
  const emulators = await startEmulators({
    clock: options.clock,
    targets: sources.schedulerTargets,
    ...(options.parallelSends === undefined ? {} : { parallelSends: options.parallelSends }),
  });
  const stoppable: { stop(): Promise<void> }[] = [emulators];
  const exported =
    options.exportEnvironment === true ? exportEndpointEnvironment(emulators.target) : undefined;
  const stop = async () => {
    await Promise.allSettled(stoppable.reverse().map((server) => server.stop()));
    exported?.restore();
  };
  try {
    // The same client factory as in Lambda, pointed at this runtime's emulators.
    const clients = createClients(emulators.target);
    const requests = new RequestCounter();
    requests.attach(clients);
    options.chaos?.attachToDynamoDb(clients.dynamodb.middlewareStack);
    await createLocalResources(clients);

    const composition = localComposition({
      clients,
      clock: options.clock,
      bundle: options.bundle,
      ...(options.logLevel === undefined ? {} : { logLevel: options.logLevel }),
    });
    const stores = tableStores(clients, localNames.tableName);
    const handlers = localHandlers(composition, stores, sources, options);
    let sendStep: (event: Parameters<LocalHandlers['sendStep']>[0]) => Promise<{
      batchItemFailures: { itemIdentifier: string }[];
    }> = handlers.sendStep;
    if (options.sendWorker === true) {
      const worker = await startSendWorker({
        bundle: options.bundle.serialized,
        target: emulators.target,
        requests,
        ...(options.logLevel === undefined ? {} : { logLevel: options.logLevel }),
        ...(options.onSendOutcome === undefined ? {} : { onOutcome: options.onSendOutcome }),
      });
      stoppable.push(worker);
      sendStep = (event) => worker.invoke(event, options.clock.now());
    }
    sources.connect({ ...handlers, sendStep });
    let uploads = Promise.resolve();
    if (options.importUploads === true) {
      emulators.s3.onObjectCreated((object) => {
        if (object.bucket !== localNames.importBucket || !object.key.startsWith(ImportBucketPrefixes.imports))
          return;
        // One at a time, in upload order; a failure is reported, never thrown into s3rver.
        uploads = uploads.then(async () => {
          try {
            const reports = await handlers.importFile(
              s3ObjectCreated(object.bucket, object.key, object.size),
            );
            options.onUploadImported?.({ key: object.key, reportKey: reportKeyFor(object.key), reports });
          } catch (error: unknown) {
            options.onUploadImported?.({ key: object.key, reportKey: reportKeyFor(object.key), error });
          }
        });
      });
    }
    const shopifyServer = await startFunctionUrlServer(handlers.shopifyWebhook);
    stoppable.push(shopifyServer);
    const helpdeskServer = await startFunctionUrlServer(handlers.helpdeskWebhook);
    stoppable.push(helpdeskServer);

    const objects = new S3ObjectStore(clients.s3);
    return {
      clock: options.clock,
      clients,
      requests,
      endpoints: emulators.endpoints,
      ses: emulators.ses,
      scheduler: emulators.scheduler,
      sendQueue: sources.sendQueue,
      segmentQueue: sources.segmentQueue,
      engagementQueue: sources.engagementQueue,
      store: stores.customers,
      segmentationStore: stores.segmentation,
      enrolments: stores.enrolments,
      segmentResults: sources.segmentResults,
      // The engagement side of the table, one store per aggregate.
      engagement: stores,
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
      publishSesEvents: sources.publishSesEvents,
      webhooks: { shopify: `${shopifyServer.url}/`, helpdesk: `${helpdeskServer.url}/` },
      publishPartnerEvent: sources.publishPartnerEvent,
      uploadsImported: () => uploads,
      stop,
    };
  } catch (error: unknown) {
    await stop();
    throw error;
  }
}
