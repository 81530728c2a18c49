import { createHash } from 'node:crypto';
import { account, region } from '../local-names.ts';

/** Where each event type's own fields sit in the detail (`bounce`, `deliveryDelay`, `failure`, …). */
const detailKey = (eventType: string) =>
  eventType === 'Send'
    ? 'send'
    : eventType === 'DeliveryDelay'
      ? 'deliveryDelay'
      : eventType === 'Rendering Failure'
        ? 'failure'
        : eventType.toLowerCase();

/**
 * An SES event as the configuration set's EventBridge destination publishes it: `mail` (the sent
 * message, its headers and tags) and the event type's own fields under its key. `seed` names the
 * event: the same seed gives the same id, so a replayed run publishes the same events.
 */
export function sesEvent(input: {
  readonly eventType: string;
  readonly detailType: string;
  readonly mail: Readonly<Record<string, unknown>>;
  readonly fields: Readonly<Record<string, unknown>>;
  readonly at: number;
  readonly seed: string;
}) {
  return {
    version: '0',
    id: createHash('sha256').update(input.seed).digest('hex').slice(0, 36),
    'detail-type': input.detailType,
    source: 'aws.ses',
    account,
    time: new Date(input.at).toISOString(),
    region,
    resources: [],
    detail: { eventType: input.eventType, mail: input.mail, [detailKey(input.eventType)]: input.fields },
  };
}
