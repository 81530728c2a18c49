import type { Logger } from '@aws-lambda-powertools/logger';
import type { ApplyLiveDeps } from '../core/import/live/live-change.ts';
import { readShopifyEvent } from '../core/import/live/shopify.ts';
import { dynamoDbClient } from './clients/dynamodb.ts';
import { s3Client } from './clients/s3.ts';
import { shopifyEventDeps } from './composition/objects.ts';
import { ShopifyEventEnvironment } from './environment.ts';
import { lambdaComposition } from './lambda.ts';
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
  // The clients are built on the first event; their SDK packages load with the module, in Lambda's
  // init phase.
  const lambda = lambdaComposition(ShopifyEventEnvironment, () => ({
    dynamodb: dynamoDbClient(),
    s3: s3Client(),
  }));
  return makeHandler(shopifyEventDeps({ ...lambda, inboundBucket: process.env.INBOUND_BUCKET }));
});
