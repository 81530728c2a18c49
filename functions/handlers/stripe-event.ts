import type { Logger } from '@aws-lambda-powertools/logger';
import type { ApplyLiveDeps } from '../core/import/live/live-change.ts';
import { readStripeEvent } from '../core/import/live/stripe.ts';
import { dynamoDbClient } from './clients/dynamodb.ts';
import { stripeEventDeps } from './composition/core.ts';
import { StripeEventEnvironment } from './environment.ts';
import { lambdaComposition } from './lambda.ts';
import { lazyHandler } from './lazy-handler.ts';
import { liveEventHandler } from './live-event.ts';

export interface StripeEventDeps extends Pick<ApplyLiveDeps, 'store' | 'forgotten' | 'now'> {
  readonly logger: Logger;
}

/**
 * Stripe events through Stripe's Amazon EventBridge event destination: charges as orders and
 * customers as customers. An event that cannot be read lands on the dead-letter queue whole.
 */
export function makeHandler(deps: StripeEventDeps) {
  return liveEventHandler(
    readStripeEvent,
    (event) => ({ eventId: event.id, detailType: event['detail-type'] }),
    deps,
  );
}

export const handler = lazyHandler(async () => {
  // The clients are built on the first event; their SDK packages load with the module, in Lambda's
  // init phase.
  return makeHandler(
    stripeEventDeps(lambdaComposition(StripeEventEnvironment, () => ({ dynamodb: dynamoDbClient() }))),
  );
});
