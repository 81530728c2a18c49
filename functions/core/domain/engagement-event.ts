import * as z from 'zod';

/** What a recipient (or their mail system) did, as stored against the customer. */
export const EngagementTypeSchema = z.enum([
  'send',
  'delivery',
  'open',
  'click',
  'bounce',
  'complaint',
  'reject',
  'delivery-delay',
  'rendering-failure',
  'subscription',
  'reply',
  'unsubscribe',
]);
export type EngagementType = z.infer<typeof EngagementTypeSchema>;

/**
 * One engagement event. `eventId` is deterministic from the source event, so storing the same
 * event twice writes the same item. Events from SES carry our message tags back, hence the ids.
 */
export const EngagementEventFieldsSchema = z.lazy(() =>
  z.object({
    eventId: z.string().min(1),
    type: EngagementTypeSchema,
    at: z.number(),
    customerId: z.string().min(1),
    messageId: z.string().optional(),
    enrolmentId: z.string().optional(),
    sequenceId: z.string().optional(),
    stepIndex: z.number().int().optional(),
    /** The segment and step id the message was sent for (SES tags `segment`, `step`); for the counters. */
    segmentId: z.string().optional(),
    stepId: z.string().optional(),
    /** e.g. bounce type, the clicked link, the reply's classification. */
    detail: z.record(z.string(), z.union([z.string(), z.number(), z.boolean()])).optional(),
    /** An open that was probably a machine (Apple Mail Privacy Protection proxy, seconds after delivery). */
    machine: z.boolean().optional(),
  }),
);
export type EngagementEvent = z.infer<typeof EngagementEventFieldsSchema>;

/**
 * An engagement event as read back from the table. The table's own `type` attribute says
 * `engagement`, so the event's type is stored as `eventType` and read back into `type` here.
 */
export const EngagementEventSchema = z.lazy(() =>
  z.preprocess(
    (value) =>
      typeof value === 'object' && value !== null && 'eventType' in value && !('type' in value)
        ? { ...value, type: value.eventType }
        : value,
    EngagementEventFieldsSchema,
  ),
);
