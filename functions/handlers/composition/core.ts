import type { Logger } from '@aws-lambda-powertools/logger';
import type { Metrics } from '@aws-lambda-powertools/metrics';
import { DynamoContactStatusStore } from '../../adapters/dynamo/contact-status-store.ts';
import { DynamoCustomerDirectory } from '../../adapters/dynamo/customer-directory.ts';
import { DynamoCustomerStore } from '../../adapters/dynamo/customer-store.ts';
import { DynamoEngagementLedger } from '../../adapters/dynamo/engagement-ledger.ts';
import { DynamoEnrolmentStore } from '../../adapters/dynamo/enrolment-store.ts';
import { DynamoInboundLog } from '../../adapters/dynamo/inbound-log.ts';
import { DynamoForgottenRegister } from '../../adapters/dynamo/privacy-store.ts';
import { DynamoReportReader } from '../../adapters/dynamo/report-reader.ts';
import { DynamoSegmentationStore } from '../../adapters/dynamo/segmentation-store.ts';
import { DynamoSendGuard } from '../../adapters/dynamo/send-guard.ts';
import { DynamoSequencePauses } from '../../adapters/dynamo/sequence-pauses.ts';
import { noMetrics } from '../../adapters/no-metrics.ts';
import { scoringModel } from '../../core/segments/model-adapter.ts';
import type { Clock } from '../../ports/clock.ts';
import type { MetricsSink } from '../../ports/metrics-sink.ts';
import type { SegmentFanOut } from '../../ports/segment-fan-out.ts';
import type { AwsClients } from '../clients/client-options.ts';
import type { StackNames } from '../environment.ts';
import type { HelpdeskWebhookDeps } from '../helpdesk-webhook.ts';
import type { IngestEventDeps } from '../ingest-event.ts';
import type { SecretSource } from '../integration-secrets.ts';
import { powertoolsMetrics } from '../lambda.ts';
import type { PlanSegmentationDeps } from '../plan-segmentation.ts';
import type { RecordEngagementDeps } from '../record-engagement.ts';
import type { LoadedBundle } from '../runtime-bundle.ts';
import type { StripeEventDeps } from '../stripe-event.ts';
import type { UnsubscribeHandlerDeps } from '../unsubscribe.ts';

/*
 * The composition root: one function per handler, from the composition to its dependencies.
 * Lambda's wired exports, the local runtime and the send worker all build their handlers here, so
 * wiring is written once. `stores` lets a caller share one set of stores between handlers (the
 * local runtime does). The functions are split by the SDK clients their adapters use (this
 * module: DynamoDB alone; mailer.ts, scheduling.ts, sending.ts, replies.ts, objects.ts), since a
 * Lambda bundle requires every SDK package its imported modules import; composition.ts gathers
 * them all.
 */

/**
 * What every handler's dependencies are made from, in any environment: on Lambda the clients it
 * uses, the names read from the function's environment, the system clock (lambda.ts); locally the
 * runtime's emulators, `localNames` and the virtual clock (local/local-runtime.ts). `N` is the names
 * a handler needs, so a Lambda reads only the variables it is given; `C` the clients it needs, so a
 * Lambda builds (and loads the SDK of) only those.
 */
export interface Composition<
  N extends keyof StackNames = keyof StackNames,
  C extends keyof AwsClients = keyof AwsClients,
> {
  readonly clients: Pick<AwsClients, C>;
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

/** The live endpoints' secrets (Secrets Manager on Lambda, read again after a refusal; fixed ones locally). */
export interface WithIntegrationSecrets {
  readonly integrationSecrets: SecretSource;
}

/** Where erasure deletes raw replies: the inbound bucket, when replies are deployed. */
export interface WithInboundBucket {
  readonly inboundBucket?: string | undefined;
}

/**
 * The stores over one table, each built in one place and on first use: a Lambda builds the ones
 * its handler takes, the local runtime shares one set between its handlers. The getters are the
 * object's own (not a class's), so spreading it, as `{ ...stores }`, still carries every store.
 */
export function tableStores(clients: Pick<AwsClients, 'dynamodb'>, tableName: string) {
  const { dynamodb } = clients;
  const once = <T>(build: () => T): (() => T) => {
    let built: T | undefined;
    return () => {
      built ??= build();
      return built;
    };
  };
  const customers = once(() => new DynamoCustomerStore(dynamodb, tableName));
  const ledger = once(() => new DynamoEngagementLedger(dynamodb, tableName));
  const contacts = once(() => new DynamoContactStatusStore(dynamodb, tableName));
  const pauses = once(() => new DynamoSequencePauses(dynamodb, tableName));
  const sendGuard = once(() => new DynamoSendGuard(dynamodb, tableName));
  const inbound = once(() => new DynamoInboundLog(dynamodb, tableName));
  const reports = once(() => new DynamoReportReader(dynamodb, tableName));
  const enrolments = once(() => new DynamoEnrolmentStore(dynamodb, tableName));
  const segmentation = once(() => new DynamoSegmentationStore(dynamodb, tableName));
  const forgotten = once(() => new DynamoForgottenRegister(dynamodb, tableName));
  return {
    get customers() {
      return customers();
    },
    /** Engagement events, their markers and counters. */
    get ledger() {
      return ledger();
    },
    /** Suppression and each customer's contact status. */
    get contacts() {
      return contacts();
    },
    get pauses() {
      return pauses();
    },
    /** The sender's one read of suppression, tombstone and pause. */
    get sendGuard() {
      return sendGuard();
    },
    get inbound() {
      return inbound();
    },
    get reports() {
      return reports();
    },
    /** The one writer of enrolments and hold-outs. */
    get enrolments() {
      return enrolments();
    },
    get segmentation() {
      return segmentation();
    },
    get forgotten() {
      return forgotten();
    },
  };
}
export type TableStores = ReturnType<typeof tableStores>;

/** A function's metrics as a sink, with its flush; nothing is counted without `metrics`. */
export function metricsOf(composition: Composition<never, never>, serviceName: string) {
  const metrics = composition.metrics?.(serviceName);
  if (metrics === undefined) return { metrics: noMetrics } satisfies { metrics: MetricsSink };
  return { metrics: powertoolsMetrics(metrics), flushMetrics: () => metrics.publishStoredMetrics() };
}

/** What the three segmenter handlers share: the segmentation store, the config and the model. */
export function segmenterDeps(
  c: Composition<never, never> & WithBundle,
  stores: TableStores,
  serviceName: string,
) {
  return {
    store: stores.segmentation,
    config: c.bundle.config,
    logger: c.logger(serviceName),
    model: scoringModel,
  };
}

/** What every handler that records engagement writes: the ledger, contact status, enrolments, erasures. */
export function engagementStores(stores: TableStores) {
  return {
    ledger: stores.ledger,
    contacts: stores.contacts,
    enrolments: stores.enrolments,
    forgotten: stores.forgotten,
  };
}

/** What every live-data path writes with: the segmentation store, the tombstones it checks first, the clock. */
export function liveDataDeps(c: Composition<never, never>, stores: TableStores) {
  return { store: stores.segmentation, forgotten: stores.forgotten, now: () => c.clock.now() };
}

export function ingestEventDeps(
  c: Composition<'tableName', 'dynamodb'>,
  stores = tableStores(c.clients, c.names.tableName),
): IngestEventDeps {
  return { store: stores.segmentation, forgotten: stores.forgotten, logger: c.logger('ingest-event') };
}

export function planSegmentationDeps(
  c: Composition<'tableName', 'dynamodb'> & WithBundle & WithSegmentQueue,
  stores = tableStores(c.clients, c.names.tableName),
): PlanSegmentationDeps {
  return { ...segmenterDeps(c, stores, 'plan-segmentation'), fanOut: c.segmentQueue, clock: c.clock };
}

export function recordEngagementDeps(
  c: Composition<'tableName', 'dynamodb'> & WithBundle,
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

export function unsubscribeDeps(
  c: Composition<'tableName', 'dynamodb'> & WithBundle & WithSecrets,
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

export function stripeEventDeps(
  c: Composition<'tableName', 'dynamodb'>,
  stores = tableStores(c.clients, c.names.tableName),
): StripeEventDeps {
  return { ...liveDataDeps(c, stores), logger: c.logger('stripe-event') };
}

export function helpdeskWebhookDeps(
  c: Composition<'tableName', 'dynamodb'> & WithBundle & WithIntegrationSecrets,
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
