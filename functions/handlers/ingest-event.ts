import type { Logger } from '@aws-lambda-powertools/logger';
import type { EventBridgeEvent } from 'aws-lambda';
import * as z from 'zod';
import { CustomerSchema, IncidentSchema, OrderSchema } from '../core/customers/model.ts';
import type { ForgottenRegister } from '../ports/privacy-store.ts';
import type { SegmentationStore } from '../ports/segmentation-store.ts';
import { dynamoDbClient } from './clients/dynamodb.ts';
import { ingestEventDeps } from './composition/core.ts';
import { ImportEnvironment } from './environment.ts';
import { lambdaComposition } from './lambda.ts';
import { lazyHandler } from './lazy-handler.ts';
import { MalformedEventError } from './malformed-event.ts';

/** The events the shop puts on its bus (source `shop`), by detail-type; the same schemas as imports. */
export const ShopEventSchemas = {
  'order.placed': OrderSchema,
  'incident.opened': IncidentSchema,
  'incident.resolved': z.lazy(() =>
    IncidentSchema.unwrap().safeExtend({ resolvedAt: IncidentSchema.unwrap().shape.resolvedAt.unwrap() }),
  ),
  'customer.updated': CustomerSchema,
} as const;
export type ShopEventType = keyof typeof ShopEventSchemas;
export const shopEventTypes: readonly string[] = Object.keys(ShopEventSchemas);

export interface IngestEventDeps {
  readonly store: Pick<SegmentationStore, 'putCustomers' | 'putOrders' | 'recordIncident'>;
  /** People erased on request: events about them are dropped, never written. */
  readonly forgotten: ForgottenRegister;
  readonly logger: Logger;
}

/** What an event about a person erased on request comes to: nothing written, nothing to retry. */
export const erasedResult = 'skipped: this person was erased on request (rekindle forget)';

export type IngestOutcome = { readonly type: ShopEventType; readonly id: string; readonly result: string };

// Own keys only: `in` would take "constructor" or "__proto__" for an event type.
const isShopEventType = (type: string): type is ShopEventType => Object.hasOwn(ShopEventSchemas, type);

/** Validates one shop event and writes it; every write is an idempotent put, so redelivery is harmless. */
export function makeHandler(deps: IngestEventDeps) {
  return async (event: EventBridgeEvent<string, unknown>): Promise<IngestOutcome> => {
    const type = event['detail-type'];
    const context = { eventId: event.id, source: event.source, detailType: type };
    if (!isShopEventType(type)) {
      const reason = `unknown detail-type "${type}": expected one of ${shopEventTypes.join(', ')}`;
      deps.logger.error('event refused', { ...context, reason });
      throw new MalformedEventError(reason);
    }
    const erased = async (customerId: string, email?: string) => {
      const gone = await deps.forgotten.forgotten({
        customerIds: [customerId],
        emails: email === undefined ? [] : [email],
      });
      if (gone.customerIds.size + gone.emails.size === 0) return false;
      deps.logger.info('event about an erased person dropped', context);
      return true;
    };
    const fail = (error: z.ZodError): never => {
      const reason = `${type} detail is invalid: ${z.prettifyError(error)}`;
      deps.logger.error('event refused', { ...context, reason });
      throw new MalformedEventError(reason);
    };
    switch (type) {
      case 'order.placed': {
        const parsed = ShopEventSchemas[type].safeParse(event.detail);
        if (!parsed.success) return fail(parsed.error);
        if (await erased(parsed.data.customerId))
          return { type, id: parsed.data.orderId, result: erasedResult };
        await deps.store.putOrders([parsed.data]);
        return { type, id: parsed.data.orderId, result: 'written' };
      }
      case 'customer.updated': {
        const parsed = ShopEventSchemas[type].safeParse(event.detail);
        if (!parsed.success) return fail(parsed.error);
        if (await erased(parsed.data.customerId, parsed.data.email))
          return { type, id: parsed.data.customerId, result: erasedResult };
        await deps.store.putCustomers([parsed.data]);
        return { type, id: parsed.data.customerId, result: 'written' };
      }
      case 'incident.opened':
      case 'incident.resolved': {
        const parsed = ShopEventSchemas[type].safeParse(event.detail);
        if (!parsed.success) return fail(parsed.error);
        if (await erased(parsed.data.customerId))
          return { type, id: parsed.data.incidentId, result: erasedResult };
        const result = await deps.store.recordIncident(parsed.data);
        deps.logger.info('incident recorded', { ...context, incidentId: parsed.data.incidentId, result });
        return { type, id: parsed.data.incidentId, result };
      }
    }
  };
}

export const handler = lazyHandler(async () => {
  // The clients are built on the first event; their SDK packages load with the module, in Lambda's
  // init phase.
  return makeHandler(
    ingestEventDeps(lambdaComposition(ImportEnvironment, () => ({ dynamodb: dynamoDbClient() }))),
  );
});
