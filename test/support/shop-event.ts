import type { EventBridgeEvent } from 'aws-lambda';

/** A shop event as EventBridge delivers it to ingest-event (source `shop`, one fixed account and time). */
export function shopEvent(
  detailType: string,
  detail: unknown,
  id = `evt-${detailType}`,
): EventBridgeEvent<string, unknown> {
  return {
    id,
    version: '0',
    account: '000000000000',
    time: '2026-11-23T09:00:00Z',
    region: 'eu-west-1',
    resources: [],
    source: 'shop',
    'detail-type': detailType,
    detail,
  };
}
