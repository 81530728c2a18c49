import {
  helpdeskWebhookDeps,
  importFileDeps,
  planSegmentationDeps,
  receiveReplyDeps,
  recordEngagementDeps,
  scoreSegmentDeps,
  segmentCustomersDeps,
  sendStepDeps,
  shopifyEventDeps,
  shopifyWebhookDeps,
  stripeEventDeps,
  type TableStores,
  unsubscribeDeps,
} from '../../handlers/composition.ts';
import { makeHandler as makeHelpdeskWebhook } from '../../handlers/helpdesk-webhook.ts';
import { makeHandler as makeImportFile } from '../../handlers/import-file.ts';
import { fixedSecrets } from '../../handlers/integration-secrets.ts';
import { makeHandler as makePlanSegmentation } from '../../handlers/plan-segmentation.ts';
import { makeHandler as makeReceiveReply } from '../../handlers/receive-reply.ts';
import { makeHandler as makeRecordEngagement } from '../../handlers/record-engagement.ts';
import { makeHandler as makeScoreSegment } from '../../handlers/score-segment.ts';
import { makeHandler as makeSegmentCustomers } from '../../handlers/segment-customers.ts';
import { makeHandler as makeSendStep, type SendStepHandlerDeps } from '../../handlers/send-step.ts';
import { makeHandler as makeShopifyEvent } from '../../handlers/shopify-event.ts';
import { makeHandler as makeShopifyWebhook } from '../../handlers/shopify-webhook.ts';
import { makeHandler as makeStripeEvent } from '../../handlers/stripe-event.ts';
import { makeHandler as makeUnsubscribe } from '../../handlers/unsubscribe.ts';
import type { CustomerStore } from '../../ports/customer-store.ts';
import type { EnrolmentStore } from '../../ports/enrolment-store.ts';
import type { Mailer } from '../../ports/mailer.ts';
import type { StepScheduler } from '../../ports/step-scheduler.ts';
import type { Chaos } from '../chaos.ts';
import type { LocalComposition } from '../local-composition.ts';
import { localNames } from '../local-names.ts';
import type { EventSources } from './event-sources.ts';

/** Every handler of the local stack, invoked as its event source would invoke it. */
export interface LocalHandlers {
  readonly importFile: ReturnType<typeof makeImportFile>;
  readonly segmentCustomers: ReturnType<typeof makeSegmentCustomers>;
  /** Fits and fans out: each segment goes on the segment queue, to scoreSegment. */
  readonly planSegmentation: ReturnType<typeof makePlanSegmentation>;
  readonly scoreSegment: ReturnType<typeof makeScoreSegment>;
  readonly sendStep: ReturnType<typeof makeSendStep>;
  readonly recordEngagement: ReturnType<typeof makeRecordEngagement>;
  readonly receiveReply: ReturnType<typeof makeReceiveReply>;
  readonly unsubscribe: ReturnType<typeof makeUnsubscribe>;
  /** Live data from the shop's platforms: two Function URLs and two EventBridge rules' targets. */
  readonly shopifyWebhook: ReturnType<typeof makeShopifyWebhook>;
  readonly helpdeskWebhook: ReturnType<typeof makeHelpdeskWebhook>;
  readonly shopifyEvent: ReturnType<typeof makeShopifyEvent>;
  readonly stripeEvent: ReturnType<typeof makeStripeEvent>;
}

/** Hooks around the sender: its dependencies (fault injection in tests) and its outcomes. */
export interface SenderHooks {
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
}

/**
 * The local stack's handlers, each from the composition root as its Lambda is, sharing `stores`;
 * under `chaos`, each is invoked with retries and injected crashes as its event source would.
 */
export function localHandlers(
  composition: LocalComposition,
  stores: TableStores,
  sources: EventSources,
  options: SenderHooks & { readonly chaos?: Chaos },
): LocalHandlers {
  const { chaos } = options;
  /** As the event source invokes it: with retries and injected crashes under chaos, else directly. */
  const invoked = <E, R>(name: string, handler: (event: E) => Promise<R>, attempts = 3) =>
    chaos === undefined ? handler : chaos.invocation(name, handler, attempts);
  const sender = sendStepDeps(composition, stores);
  // Erasure deletes raw replies from the local inbound bucket, as on AWS when replies are deployed.
  const live = {
    ...composition,
    integrationSecrets: fixedSecrets(localNames.integrationSecrets),
    inboundBucket: localNames.inboundBucket,
  };
  // The hooks (and chaos) wrap the whole stores the sender is given, not just the part it uses.
  const senderStore = options.wrapStore?.(stores.customers) ?? stores.customers;
  const senderEnrolments = options.wrapEnrolments?.(stores.enrolments) ?? stores.enrolments;
  const senderMailer = options.wrapMailer?.(sender.mailer) ?? sender.mailer;
  const senderScheduler = options.wrapScheduler?.(sender.scheduler) ?? sender.scheduler;
  return {
    importFile: invoked('import-file', makeImportFile(importFileDeps(composition, stores))),
    segmentCustomers: makeSegmentCustomers(segmentCustomersDeps(composition, stores)),
    scoreSegment: invoked('score-segment', makeScoreSegment(scoreSegmentDeps(composition, stores))),
    planSegmentation: invoked(
      'plan-segmentation',
      makePlanSegmentation(
        planSegmentationDeps({ ...composition, segmentQueue: sources.segmentFanOut }, stores),
      ),
    ),
    // The queue redelivers by itself, so the sender is invoked once per delivery.
    sendStep: invoked(
      'send-step',
      makeSendStep({
        ...sender,
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
        ...recordEngagementDeps(composition, stores),
        onOutcome: sources.recordOutcome,
      }),
      1,
    ),
    receiveReply: invoked('receive-reply', makeReceiveReply(receiveReplyDeps(composition, stores))),
    unsubscribe: invoked('unsubscribe', makeUnsubscribe(unsubscribeDeps(composition, stores))),
    shopifyWebhook: makeShopifyWebhook(shopifyWebhookDeps(live, stores)),
    helpdeskWebhook: makeHelpdeskWebhook(helpdeskWebhookDeps(live, stores)),
    shopifyEvent: invoked('shopify-event', makeShopifyEvent(shopifyEventDeps(live, stores))),
    stripeEvent: invoked('stripe-event', makeStripeEvent(stripeEventDeps(composition, stores))),
  };
}
