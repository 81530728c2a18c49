import type { Logger } from '@aws-lambda-powertools/logger';
import type { ApplyLiveDeps } from '../core/import/live/live-change.ts';
import { readShopifyEvent } from '../core/import/live/shopify.ts';
import { ShopifyEventEnvironment } from './environment.ts';
import { lazyHandler } from './lazy-handler.ts';
import { liveEventHandler } from './live-event.ts';

export interface ShopifyEventDeps extends ApplyLiveDeps {
  readonly logger: Logger;
}

/**
 * Shopify's webhooks through its Amazon EventBridge delivery (detail-type `shopifyWebhook`). No
 * HMAC: only Shopify can put events on its partner event source. An event that cannot be read
 * fails the invocation and lands on the dead-letter queue whole; redelivery writes the same items.
 */
export function makeHandler(deps: ShopifyEventDeps) {
  return liveEventHandler(readShopifyEvent, (event) => ({ eventId: event.id, source: event.source }), deps);
}

export const handler = lazyHandler(async () => {
  // The AWS SDK and the adapters load on the first event, not with the module.
  const { lambdaComposition } = await import('./wiring.ts');
  const { shopifyEventDeps } = await import('./composition.ts');
  return makeHandler(
    shopifyEventDeps({
      ...lambdaComposition(ShopifyEventEnvironment),
      inboundBucket: process.env.INBOUND_BUCKET,
    }),
  );
});
