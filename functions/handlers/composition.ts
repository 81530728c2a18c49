import type { Logger } from '@aws-lambda-powertools/logger';
import type { Metrics } from '@aws-lambda-powertools/metrics';
import { DynamoContactStatusStore } from '../adapters/dynamo/contact-status-store.ts';
import { DynamoCustomerDirectory } from '../adapters/dynamo/customer-directory.ts';
import { DynamoCustomerStore } from '../adapters/dynamo/customer-store.ts';
import { DynamoEngagementLedger } from '../adapters/dynamo/engagement-ledger.ts';
import { DynamoEnrolmentStore } from '../adapters/dynamo/enrolment-store.ts';
import { DynamoInboundLog } from '../adapters/dynamo/inbound-log.ts';
import { DynamoForgottenRegister, DynamoPrivacyStore } from '../adapters/dynamo/privacy-store.ts';
import { DynamoReportReader } from '../adapters/dynamo/report-reader.ts';
import { DynamoSegmentationStore } from '../adapters/dynamo/segmentation-store.ts';
import { DynamoSendGuard } from '../adapters/dynamo/send-guard.ts';
import { DynamoSequencePauses } from '../adapters/dynamo/sequence-pauses.ts';
import { noMetrics } from '../adapters/no-metrics.ts';
import { S3ObjectStore } from '../adapters/s3/object-store.ts';
import { S3ObjectReader } from '../adapters/s3/object-stream.ts';
import { S3RawMailSource } from '../adapters/s3/raw-mail-source.ts';
import { EventBridgeStepScheduler } from '../adapters/scheduler/step-scheduler.ts';
import { SesMailer } from '../adapters/ses/ses-mailer.ts';
import { scoringModel } from '../core/segments/model-adapter.ts';
import type { Clock } from '../ports/clock.ts';
import type { MetricsSink } from '../ports/metrics-sink.ts';
import type { SegmentFanOut } from '../ports/segment-fan-out.ts';
import type { StackNames } from './environment.ts';
import type { HelpdeskWebhookDeps } from './helpdesk-webhook.ts';
import type { ImportFileDeps } from './import-file.ts';
import type { IngestEventDeps } from './ingest-event.ts';
import type { SecretSource } from './integration-secrets.ts';
import type { PlanSegmentationDeps } from './plan-segmentation.ts';
import type { ReceiveReplyHandlerDeps } from './receive-reply.ts';
import type { RecordEngagementDeps } from './record-engagement.ts';
import type { LoadedBundle } from './runtime-bundle.ts';
import type { ScoreSegmentDeps } from './score-segment.ts';
import type { SegmentCustomersDeps } from './segment-customers.ts';
import type { SendStepHandlerDeps } from './send-step.ts';
import type { ShopifyEventDeps } from './shopify-event.ts';
import type { ShopifyWebhookDeps } from './shopify-webhook.ts';
import type { StripeEventDeps } from './stripe-event.ts';
import type { UnsubscribeHandlerDeps } from './unsubscribe.ts';
import { type AwsClients, powertoolsMetrics } from './wiring.ts';

/**
 * What every handler's dependencies are made from, in any environment: on Lambda the SDK's default
 * clients, the names read from the function's environment, the system clock (lambda.ts); locally
 * the runtime's emulators, `localNames` and the virtual clock (local/local-runtime.ts). `N` is the
 * names a handler needs, so a Lambda reads only the variables it is given.
 */
export interface Composition<N extends keyof StackNames = keyof StackNames> {
  readonly clients: AwsClients;
  readonly names: Pick<StackNames, N>;
  readonly clock: Clock;
  /** A logger per function, by its service name. */
  readonly logger: (serviceName: string) => Logger;
  /** CloudWatch metrics (EMF) per function; absent locally, where nothing is published. */
  readonly metrics?: (serviceName: string) => Metrics;
}

/** The config and templates a function runs with (baked in on Lambda, built from files locally). */
export interface WithBundle {
  readonly bundle: LoadedBundle;
}

/** The link-signing key (Secrets Manager on Lambda, a fixed local key locally). */
export interface WithSecrets {
  readonly secrets: { readonly linkSigningKey: string };
}

/** Where plan-segmentation sends each scan segment: SQS on Lambda, the runtime's queue locally. */
export interface WithSegmentQueue {
  readonly segmentQueue: SegmentFanOut;
}

type SchedulingNames =
  | 'tableName'
  | 'scheduleGroup'
  | 'schedulerRoleArn'
  | 'sendQueueArn'
  | 'sendDeadLetterQueueArn';

/** The stores over one table, each built in one place (handlers take the ones they need). */
export function tableStores(clients: Pick<AwsClients, 'dynamodb'>, tableName: string) {
  return {
    customers: new DynamoCustomerStore(clients.dynamodb, tableName),
    /** Engagement events, their markers and counters. */
    ledger: new DynamoEngagementLedger(clients.dynamodb, tableName),
    /** Suppression and each customer's contact status. */
    contacts: new DynamoContactStatusStore(clients.dynamodb, tableName),
    pauses: new DynamoSequencePauses(clients.dynamodb, tableName),
    /** The sender's one read of suppression, tombstone and pause. */
    sendGuard: new DynamoSendGuard(clients.dynamodb, tableName),
    inbound: new DynamoInboundLog(clients.dynamodb, tableName),
    reports: new DynamoReportReader(clients.dynamodb, tableName),
    /** The one writer of enrolments and hold-outs. */
    enrolments: new DynamoEnrolmentStore(clients.dynamodb, tableName),
    segmentation: new DynamoSegmentationStore(clients.dynamodb, tableName),
    forgotten: new DynamoForgottenRegister(clients.dynamodb, tableName),
  };
}
export type TableStores = ReturnType<typeof tableStores>;

/** The step scheduler: schedules in the group, targeting the send queue, as the scheduler role. */
export function stepScheduler(
  composition: Pick<Composition<SchedulingNames>, 'clients' | 'names' | 'clock'>,
): EventBridgeStepScheduler {
  const { clients, names, clock } = composition;
  return new EventBridgeStepScheduler(
    clients.scheduler,
    {
      groupName: names.scheduleGroup,
      roleArn: names.schedulerRoleArn,
      sendQueueArn: names.sendQueueArn,
      deadLetterQueueArn: names.sendDeadLetterQueueArn,
    },
    clock,
  );
}

export function mailer(composition: Composition<'configurationSet'>): SesMailer {
  return new SesMailer(composition.clients.sesv2, composition.names.configurationSet);
}

/** A function's metrics as a sink, with its flush; nothing is counted without `metrics`. */
function metricsOf(composition: Composition<never>, serviceName: string) {
  const metrics = composition.metrics?.(serviceName);
  if (metrics === undefined) return { metrics: noMetrics } satisfies { metrics: MetricsSink };
  return { metrics: powertoolsMetrics(metrics), flushMetrics: () => metrics.publishStoredMetrics() };
}

/** What the three segmenter handlers share: the segmentation store, the config and the model. */
function segmenterDeps(c: Composition<never> & WithBundle, stores: TableStores, serviceName: string) {
  return {
    store: stores.segmentation,
    config: c.bundle.config,
    logger: c.logger(serviceName),
    model: scoringModel,
  };
}

/** A segmenter that enrols: it also writes enrolments and schedules their first steps. */
function enrollingSegmenterDeps(
  c: Composition<SchedulingNames> & WithBundle,
  stores: TableStores,
  serviceName: string,
) {
  return {
    ...segmenterDeps(c, stores, serviceName),
    enrolments: stores.enrolments,
    scheduler: stepScheduler(c),
  };
}

/** What every handler that records engagement writes: the ledger, contact status, enrolments, erasures. */
function engagementStores(stores: TableStores) {
  return {
    ledger: stores.ledger,
    contacts: stores.contacts,
    enrolments: stores.enrolments,
    forgotten: stores.forgotten,
  };
}

/*
 * The composition root: one function per handler, from the composition to its dependencies.
 * Lambda's wired exports, the local runtime and the send worker all build their handlers here, so
 * wiring is written once. `stores` lets a caller share one set of stores between handlers (the
 * local runtime does). Separate functions, not one object, so each Lambda bundles only its own.
 */

export function importFileDeps(
  c: Composition<'tableName'> & WithBundle,
  stores = tableStores(c.clients, c.names.tableName),
): ImportFileDeps {
  return {
    store: stores.segmentation,
    objects: new S3ObjectStore(c.clients.s3),
    forgotten: stores.forgotten,
    reader: new S3ObjectReader(c.clients.s3),
    timeZone: c.bundle.config.shop.fallbackTimeZone,
    logger: c.logger('import-file'),
  };
}

export function ingestEventDeps(
  c: Composition<'tableName'>,
  stores = tableStores(c.clients, c.names.tableName),
): IngestEventDeps {
  return { store: stores.segmentation, forgotten: stores.forgotten, logger: c.logger('ingest-event') };
}

export function planSegmentationDeps(
  c: Composition<'tableName'> & WithBundle & WithSegmentQueue,
  stores = tableStores(c.clients, c.names.tableName),
): PlanSegmentationDeps {
  return { ...segmenterDeps(c, stores, 'plan-segmentation'), fanOut: c.segmentQueue, clock: c.clock };
}

export function scoreSegmentDeps(
  c: Composition<SchedulingNames> & WithBundle,
  stores = tableStores(c.clients, c.names.tableName),
): ScoreSegmentDeps {
  return enrollingSegmenterDeps(c, stores, 'score-segment');
}

export function segmentCustomersDeps(
  c: Composition<SchedulingNames> & WithBundle,
  stores = tableStores(c.clients, c.names.tableName),
): SegmentCustomersDeps {
  return { ...enrollingSegmenterDeps(c, stores, 'segment-customers'), clock: c.clock };
}

export function sendStepDeps(
  c: Composition<SchedulingNames | 'configurationSet' | 'unsubscribeUrl'> & WithBundle & WithSecrets,
  stores = tableStores(c.clients, c.names.tableName),
): SendStepHandlerDeps {
  const metrics = c.metrics?.('send-step');
  return {
    store: stores.customers,
    enrolments: stores.enrolments,
    guard: stores.sendGuard,
    deferrals: stores.ledger,
    mailer: mailer(c),
    scheduler: stepScheduler(c),
    clock: c.clock,
    config: c.bundle.config,
    templates: c.bundle.templates,
    links: { unsubscribeUrl: c.names.unsubscribeUrl, signingKey: c.secrets.linkSigningKey },
    logger: c.logger('send-step'),
    ...(metrics === undefined ? {} : { metrics }),
  };
}

export function recordEngagementDeps(
  c: Composition<'tableName'> & WithBundle,
  stores = tableStores(c.clients, c.names.tableName),
): RecordEngagementDeps {
  return {
    ...engagementStores(stores),
    pauses: stores.pauses,
    config: c.bundle.config.engagement,
    ...metricsOf(c, 'record-engagement'),
    logger: c.logger('record-engagement'),
  };
}

export function receiveReplyDeps(
  c: Composition<'tableName' | 'configurationSet' | 'inboundBucket' | 'inboundPrefix'> &
    WithBundle &
    WithSecrets,
  stores = tableStores(c.clients, c.names.tableName),
): ReceiveReplyHandlerDeps {
  return {
    ...engagementStores(stores),
    pauses: stores.pauses,
    inbound: stores.inbound,
    customers: stores.customers,
    mailer: mailer(c),
    signingKey: c.secrets.linkSigningKey,
    config: c.bundle.config,
    ...metricsOf(c, 'receive-reply'),
    raw: new S3RawMailSource(c.clients.s3, c.names.inboundBucket),
    keyPrefix: c.names.inboundPrefix,
    logger: c.logger('receive-reply'),
  };
}

export function unsubscribeDeps(
  c: Composition<'tableName'> & WithBundle & WithSecrets,
  stores = tableStores(c.clients, c.names.tableName),
): UnsubscribeHandlerDeps {
  return {
    ...engagementStores(stores),
    customers: stores.customers,
    clock: c.clock,
    signingKey: c.secrets.linkSigningKey,
    shopName: c.bundle.config.shop.name,
    config: c.bundle.config.engagement,
    logger: c.logger('unsubscribe'),
  };
}

/** The live endpoints' secrets (Secrets Manager on Lambda, read again after a refusal; fixed ones locally). */
export interface WithIntegrationSecrets {
  readonly integrationSecrets: SecretSource;
}

/** Where erasure deletes raw replies: the inbound bucket, when replies are deployed. */
export interface WithInboundBucket {
  readonly inboundBucket?: string | undefined;
}

/** What every live-data path writes with: the segmentation store, the tombstones it checks first, the clock. */
function liveDataDeps(c: Composition<'tableName'>, stores: TableStores) {
  return { store: stores.segmentation, forgotten: stores.forgotten, now: () => c.clock.now() };
}

/** What Shopify's two paths share: the writes, erasure as `rekindle forget` does it, data requests into the data bucket. */
function shopDataDeps(c: Composition<'tableName' | 'importBucket'> & WithInboundBucket, stores: TableStores) {
  const objects = new S3ObjectStore(c.clients.s3);
  return {
    ...liveDataDeps(c, stores),
    privacy: new DynamoPrivacyStore(c.clients.dynamodb, c.names.tableName, objects, c.inboundBucket),
    customers: stores.customers,
    directory: new DynamoCustomerDirectory(c.clients.dynamodb, c.names.tableName),
    dataRequests: {
      write: (key: string, body: string) =>
        objects.putText(c.names.importBucket, key, body, 'application/json'),
    },
  };
}

export function shopifyWebhookDeps(
  c: Composition<'tableName' | 'importBucket'> & WithIntegrationSecrets & WithInboundBucket,
  stores = tableStores(c.clients, c.names.tableName),
): ShopifyWebhookDeps {
  return {
    ...shopDataDeps(c, stores),
    secrets: c.integrationSecrets,
    logger: c.logger('shopify-webhook'),
  };
}

export function shopifyEventDeps(
  c: Composition<'tableName' | 'importBucket'> & WithInboundBucket,
  stores = tableStores(c.clients, c.names.tableName),
): ShopifyEventDeps {
  return { ...shopDataDeps(c, stores), logger: c.logger('shopify-event') };
}

export function stripeEventDeps(
  c: Composition<'tableName'>,
  stores = tableStores(c.clients, c.names.tableName),
): StripeEventDeps {
  return { ...liveDataDeps(c, stores), logger: c.logger('stripe-event') };
}

export function helpdeskWebhookDeps(
  c: Composition<'tableName'> & WithBundle & WithIntegrationSecrets,
  stores = tableStores(c.clients, c.names.tableName),
): HelpdeskWebhookDeps {
  return {
    ...liveDataDeps(c, stores),
    secrets: c.integrationSecrets,
    directory: new DynamoCustomerDirectory(c.clients.dynamodb, c.names.tableName),
    mapping: c.bundle.config.integrations.helpdesk,
    logger: c.logger('helpdesk-webhook'),
  };
}
