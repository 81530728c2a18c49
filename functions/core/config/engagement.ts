import * as z from 'zod';
import { DurationSchema } from './common.ts';

/**
 * Open and click tracking, which SES switches per message. Opens are off by default: the pixel says
 * when and where someone read the email, and Apple Mail Privacy Protection opens everything anyway.
 * Clicks are on: a click is something the reader chose to do, and `clicked` step conditions need it.
 * Either way the footer says what is tracked.
 */
export const TrackingSchema = z.strictObject({
  opens: z
    .boolean()
    .default(false)
    .describe('Track opens (a pixel): unreliable (Apple Mail opens everything) and the more intrusive.'),
  clicks: z
    .boolean()
    .default(true)
    .describe('Track clicks (links go through a redirect); `clicked` step conditions need it.'),
});
export type Tracking = z.infer<typeof TrackingSchema>;

/** A sequence's own choice; each field left out comes from `engagement.tracking`. */
export const TrackingOverrideSchema = z.strictObject({
  opens: z
    .boolean()
    .optional()
    .describe('Track opens in this sequence; left out, engagement.tracking.opens.'),
  clicks: z
    .boolean()
    .optional()
    .describe('Track clicks in this sequence; left out, engagement.tracking.clicks.'),
});
export type TrackingOverride = z.infer<typeof TrackingOverrideSchema>;

/** Engagement settings: suppression thresholds, replies, reporting. Owned by the engagement work. */
export const EngagementConfigSchema = z
  .strictObject({
    tracking: TrackingSchema.prefault({}).describe(
      'Open and click tracking for every sequence that does not choose its own (default opens off, clicks on).',
    ),
    complaintRateThreshold: z
      .number()
      .min(0)
      .max(1)
      .default(0.001)
      .describe('Complaints per sent email above which a sequence is paused (0.001 = 0.1%).'),
    complaintRateMinSends: z
      .number()
      .int()
      .positive()
      .default(200)
      .describe(
        'Sends a sequence needs before its complaint rate can pause it (one early complaint is noise).',
      ),
    supportAddress: z
      .email()
      .optional()
      .describe('Where replies are forwarded, with the customer context. Unset: replies are only recorded.'),
    replyDomain: z
      .string()
      .regex(/^[a-z0-9.-]+\.[a-z]{2,}$/i, 'expected a domain such as "reply.shop.example"')
      .optional()
      .describe('Domain of the signed reply addresses (r+<token>@<replyDomain>) that SES receives.'),
    attributionWindow: DurationSchema.default(2_592_000_000).describe(
      'A purchase this long after the first email counts as a return. Default "30d".',
    ),
    machineOpenSeconds: z
      .number()
      .int()
      .nonnegative()
      .default(10)
      .describe('An open this many seconds after the send or less is counted as a likely machine open.'),
    pauseFor: DurationSchema.default(7_776_000_000).describe(
      'How long "pause for 3 months" on the unsubscribe page pauses email. Default "90d".',
    ),
    maxInboundBytes: z
      .number()
      .int()
      .positive()
      .default(10_000_000)
      .describe('Inbound replies larger than this are recorded as rejected, not parsed.'),
  })
  .prefault({});
export type EngagementConfig = z.infer<typeof EngagementConfigSchema>;
