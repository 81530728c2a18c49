import type { Logger } from '@aws-lambda-powertools/logger';
import type { EventBridgeEvent } from 'aws-lambda';
import { type ApplyLiveDeps, applyLiveChange, type LiveResult } from '../core/import/live/live-change.ts';
import { readStripeEvent } from '../core/import/live/stripe.ts';
import { StripeEventEnvironment } from './environment.ts';
import { MalformedEventError } from './ingest-event.ts';
import { lazyHandler } from './lazy-handler.ts';

export interface StripeEventDeps extends Pick<ApplyLiveDeps, 'store' | 'forgotten' | 'now'> {
  readonly logger: Logger;
}

/**
 * Stripe events through Stripe's Amazon EventBridge event destination: charges as orders and
 * customers as customers. An event that cannot be read lands on the dead-letter queue whole.
 */
export function makeHandler(deps: StripeEventDeps) {
  return async (event: EventBridgeEvent<string, unknown>): Promise<LiveResult> => {
    const context = { eventId: event.id, detailType: event['detail-type'] };
    const parsed = readStripeEvent(event.detail);
    if (!parsed.ok) {
      deps.logger.error('event refused', { ...context, reason: parsed.reason });
      throw new MalformedEventError(parsed.reason);
    }
    const outcome = await applyLiveChange(parsed.change, deps);
    deps.logger.info('event applied', { ...context, id: parsed.id, change: parsed.change.kind, ...outcome });
    return outcome;
  };
}

export const handler = lazyHandler(async () => {
  // The AWS SDK and the adapters load on the first event, not with the module.
  const { lambdaComposition } = await import('./wiring.ts');
  const { stripeEventDeps } = await import('./composition.ts');
  return makeHandler(stripeEventDeps(lambdaComposition(StripeEventEnvironment)));
});
