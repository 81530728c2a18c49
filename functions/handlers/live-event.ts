import type { Logger } from '@aws-lambda-powertools/logger';
import type { EventBridgeEvent } from 'aws-lambda';
import {
  type ApplyLiveDeps,
  applyLiveChange,
  type LiveResult,
  type ParsedLive,
} from '../core/import/live/live-change.ts';
import { MalformedEventError } from './malformed-event.ts';

/** What a shop's EventBridge handler applies its events with. */
export interface LiveEventDeps extends ApplyLiveDeps {
  readonly logger: Logger;
}

/**
 * A handler of a shop's events through EventBridge: each event read by `read` and applied, logged
 * with `contextOf(event)` (ids, never personal data). An event that cannot be read is logged and
 * thrown, so it lands on the dead-letter queue whole; redelivery writes the same items.
 */
export function liveEventHandler(
  read: (detail: unknown) => ParsedLive,
  contextOf: (event: EventBridgeEvent<string, unknown>) => Readonly<Record<string, string>>,
  deps: LiveEventDeps,
) {
  return async (event: EventBridgeEvent<string, unknown>): Promise<LiveResult> => {
    const context = contextOf(event);
    const parsed = read(event.detail);
    if (!parsed.ok) {
      deps.logger.error('event refused', { ...context, reason: parsed.reason });
      throw new MalformedEventError(parsed.reason);
    }
    const outcome = await applyLiveChange(parsed.change, deps);
    deps.logger.info('event applied', { ...context, id: parsed.id, change: parsed.change.kind, ...outcome });
    return outcome;
  };
}
