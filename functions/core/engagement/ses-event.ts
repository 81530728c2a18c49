import { createHash } from 'node:crypto';
import * as z from 'zod';
import type { EngagementEvent, EngagementType } from '../domain/engagement-event.ts';
import { fromEventTags } from '../domain/message-tags.ts';
import { unsubscribeLinkTag } from '../domain/tracking.ts';

/**
 * SES event publishing records as EventBridge delivers them (source `aws.ses`, the configuration
 * set's EventBridge destination): the SES record is the `detail`. Only the fields we use are
 * checked; SES adds fields over time, so unknown ones pass through.
 */
const TimestampSchema = z.iso.datetime({ offset: true });

const MailSchema = z.object({
  timestamp: TimestampSchema,
  messageId: z.string().min(1),
  destination: z.array(z.string()).default([]),
  /** Message tags: SES publishes every value as a one-element array. */
  tags: z.record(z.string(), z.array(z.string())).default({}),
});

const RecipientSchema = z.object({ emailAddress: z.string() });

const DetailSchema = z.discriminatedUnion('eventType', [
  z.object({ eventType: z.literal('Send'), mail: MailSchema, send: z.object({}).optional() }),
  z.object({
    eventType: z.literal('Delivery'),
    mail: MailSchema,
    delivery: z.object({
      timestamp: TimestampSchema,
      recipients: z.array(z.string()).default([]),
      smtpResponse: z.string().optional(),
    }),
  }),
  z.object({
    eventType: z.literal('Open'),
    mail: MailSchema,
    open: z.object({
      timestamp: TimestampSchema,
      ipAddress: z.string().default(''),
      userAgent: z.string().default(''),
    }),
  }),
  z.object({
    eventType: z.literal('Click'),
    mail: MailSchema,
    click: z.object({
      timestamp: TimestampSchema,
      link: z.string(),
      /** The link's `ses:tags`, each value a one-element array like message tags. */
      linkTags: z.record(z.string(), z.array(z.string())).default({}),
      ipAddress: z.string().default(''),
      userAgent: z.string().default(''),
    }),
  }),
  z.object({
    eventType: z.literal('Bounce'),
    mail: MailSchema,
    bounce: z.object({
      timestamp: TimestampSchema,
      bounceType: z.string(),
      bounceSubType: z.string().default(''),
      bouncedRecipients: z
        .array(RecipientSchema.extend({ diagnosticCode: z.string().optional() }))
        .default([]),
      feedbackId: z.string().optional(),
    }),
  }),
  z.object({
    eventType: z.literal('Complaint'),
    mail: MailSchema,
    complaint: z.object({
      timestamp: TimestampSchema,
      complainedRecipients: z.array(RecipientSchema).default([]),
      complaintFeedbackType: z.string().optional(),
      feedbackId: z.string().optional(),
    }),
  }),
  z.object({ eventType: z.literal('Reject'), mail: MailSchema, reject: z.object({ reason: z.string() }) }),
  z.object({
    eventType: z.literal('DeliveryDelay'),
    mail: MailSchema,
    deliveryDelay: z.object({
      timestamp: TimestampSchema,
      delayType: z.string(),
      delayedRecipients: z.array(RecipientSchema).default([]),
    }),
  }),
  z.object({
    eventType: z.literal('Rendering Failure'),
    mail: MailSchema,
    failure: z.object({ errorMessage: z.string(), templateName: z.string().optional() }),
  }),
  z.object({
    eventType: z.literal('Subscription'),
    mail: MailSchema,
    subscription: z.object({
      timestamp: TimestampSchema,
      contactList: z.string().optional(),
      source: z.string().optional(),
      newTopicPreferences: z.unknown().optional(),
    }),
  }),
]);
export type SesEventDetail = z.infer<typeof DetailSchema>;

/** The EventBridge envelope SES events arrive in. */
export const SesEventBridgeEventSchema = z.object({
  id: z.string(),
  source: z.literal('aws.ses'),
  'detail-type': z.string(),
  time: z.string(),
  detail: DetailSchema,
});
export type SesEventBridgeEvent = z.infer<typeof SesEventBridgeEventSchema>;

/** An SES event as we store it, and the addresses it is about (bounced, complained, delivered). */
export interface ParsedSesEvent {
  readonly event: EngagementEvent;
  readonly recipients: readonly string[];
  /**
   * False when the message carries no Rekindle tags (sent by something else through the same set)
   * or tags that do not decode: such an event is stored apart and applied to no customer.
   */
  readonly attributed: boolean;
}

export type SesEventResult =
  | { readonly ok: true; readonly parsed: ParsedSesEvent }
  | { readonly ok: false; readonly reason: string };

export interface ParseOptions {
  /** Opens this soon after the send are likely machine opens. */
  readonly machineOpenMs: number;
}

const typeOf: Record<SesEventDetail['eventType'], EngagementType> = {
  Send: 'send',
  Delivery: 'delivery',
  Open: 'open',
  Click: 'click',
  Bounce: 'bounce',
  Complaint: 'complaint',
  Reject: 'reject',
  DeliveryDelay: 'delivery-delay',
  'Rendering Failure': 'rendering-failure',
  Subscription: 'subscription',
};

/** Apple Mail Privacy Protection fetches through proxies that send exactly this user agent. */
const APPLE_PROXY_USER_AGENT = 'Mozilla/5.0';
/** Security scanners and prefetchers that open (and click) everything, marked in their user agent. */
const SCANNER_PATTERN = /\b(bot|crawler|spider|scanner|barracuda|mimecast|proofpoint|preview)\b/i;

/**
 * True for an open that was probably not a person: Apple's MPP proxy (its generic user agent, or
 * Apple's 17.0.0.0/8 network), a known scanner, or an open within seconds of the send, which
 * happens when the mailbox provider prefetches the images. Seconds after the *send* rather than
 * after the delivery, because the delivery event may arrive after the open.
 */
export function isLikelyMachineOpen(
  open: { userAgent: string; ipAddress: string; at: number },
  sentAt: number,
  machineOpenMs: number,
): boolean {
  const userAgent = open.userAgent.trim();
  if (userAgent === APPLE_PROXY_USER_AGENT) return true;
  if (SCANNER_PATTERN.test(userAgent)) return true;
  if (open.ipAddress.startsWith('17.')) return true;
  return open.at - sentAt <= machineOpenMs;
}

const eventIdOf = (...parts: readonly string[]) =>
  createHash('sha256').update(parts.join('\u0000')).digest('hex').slice(0, 32);

const tag = (tags: Record<string, string[]>, name: string) => tags[name]?.[0];

/**
 * Parses an EventBridge SES event into the engagement event we store. The id is a hash of what
 * identifies the event (message, type, timestamp and what makes it unique), so SES or EventBridge
 * delivering it twice yields the same id and the same item.
 */
export function parseSesEvent(input: unknown, options: ParseOptions): SesEventResult {
  const result = SesEventBridgeEventSchema.safeParse(input);
  if (!result.success) return { ok: false, reason: z.prettifyError(result.error) };
  const { detail } = result.data;
  const { mail } = detail;
  const sentAt = Date.parse(mail.timestamp);
  // Decoded exactly, or not at all: an event whose tags no send of ours made stays unattributed.
  const ids = fromEventTags(mail.tags);
  const base = {
    type: typeOf[detail.eventType],
    customerId: ids.customerId ?? 'unknown',
    messageId: mail.messageId,
    enrolmentId: ids.enrolmentId,
    sequenceId: ids.sequenceId,
    segmentId: ids.segmentId,
    stepId: ids.stepId,
    stepIndex: ids.stepIndex,
  };
  const { at, recipients, unique, detailFields, machine } = specifics(detail, sentAt, options);
  const event: EngagementEvent = {
    ...base,
    eventId: eventIdOf(mail.messageId, detail.eventType, String(at), ...unique),
    at,
    ...(Object.keys(detailFields).length === 0 ? {} : { detail: detailFields }),
    ...(machine === undefined ? {} : { machine }),
  };
  return {
    ok: true,
    parsed: {
      event,
      recipients: recipients.map((address) => address.toLowerCase()),
      attributed: ids.customerId !== undefined,
    },
  };
}

interface Specifics {
  at: number;
  recipients: string[];
  unique: string[];
  detailFields: Record<string, string | number | boolean>;
  machine?: boolean;
}

function specifics(detail: SesEventDetail, sentAt: number, options: ParseOptions): Specifics {
  const destination = detail.mail.destination;
  switch (detail.eventType) {
    case 'Send':
      return { at: sentAt, recipients: destination, unique: [], detailFields: {} };
    case 'Delivery':
      return {
        at: Date.parse(detail.delivery.timestamp),
        recipients: detail.delivery.recipients,
        unique: detail.delivery.recipients,
        detailFields: {},
      };
    case 'Open': {
      const at = Date.parse(detail.open.timestamp);
      const { userAgent, ipAddress } = detail.open;
      return {
        at,
        recipients: destination,
        unique: [ipAddress, userAgent],
        // The IP address and user agent only decide `machine`; neither is stored (docs/security.md).
        detailFields: {},
        machine: isLikelyMachineOpen({ userAgent, ipAddress, at }, sentAt, options.machineOpenMs),
      };
    }
    case 'Click': {
      // Which link it was: `kind: unsubscribe` keeps the click out of `clicked` conditions (tracking.ts).
      const linkKind = tag(detail.click.linkTags, unsubscribeLinkTag.name);
      return {
        at: Date.parse(detail.click.timestamp),
        recipients: destination,
        unique: [detail.click.link, detail.click.ipAddress, detail.click.userAgent],
        detailFields: {
          link: detail.click.link.slice(0, 1_000),
          ...(linkKind === undefined ? {} : { linkKind: linkKind.slice(0, 100) }),
        },
      };
    }
    case 'Bounce': {
      const bounced = detail.bounce.bouncedRecipients.map((recipient) => recipient.emailAddress);
      const recipients = bounced.length === 0 ? destination : bounced;
      const diagnostic = detail.bounce.bouncedRecipients[0]?.diagnosticCode;
      return {
        at: Date.parse(detail.bounce.timestamp),
        recipients,
        unique: [detail.bounce.feedbackId ?? '', ...recipients],
        detailFields: {
          bounceType: detail.bounce.bounceType,
          bounceSubType: detail.bounce.bounceSubType,
          ...(diagnostic === undefined ? {} : { diagnosticCode: diagnostic.slice(0, 500) }),
        },
      };
    }
    case 'Complaint': {
      const complained = detail.complaint.complainedRecipients.map((recipient) => recipient.emailAddress);
      const recipients = complained.length === 0 ? destination : complained;
      const feedbackType = detail.complaint.complaintFeedbackType;
      return {
        at: Date.parse(detail.complaint.timestamp),
        recipients,
        unique: [detail.complaint.feedbackId ?? '', ...recipients],
        detailFields: feedbackType === undefined ? {} : { complaintFeedbackType: feedbackType },
      };
    }
    case 'Reject':
      return {
        at: sentAt,
        recipients: destination,
        unique: [],
        detailFields: { reason: detail.reject.reason.slice(0, 500) },
      };
    case 'DeliveryDelay': {
      const recipients = detail.deliveryDelay.delayedRecipients.map((recipient) => recipient.emailAddress);
      return {
        at: Date.parse(detail.deliveryDelay.timestamp),
        recipients,
        unique: recipients,
        detailFields: { delayType: detail.deliveryDelay.delayType },
      };
    }
    case 'Rendering Failure':
      return {
        at: sentAt,
        recipients: destination,
        unique: [],
        detailFields: { errorMessage: detail.failure.errorMessage.slice(0, 500) },
      };
    case 'Subscription':
      return {
        at: Date.parse(detail.subscription.timestamp),
        recipients: destination,
        unique: [detail.subscription.contactList ?? ''],
        detailFields:
          detail.subscription.contactList === undefined
            ? {}
            : { contactList: detail.subscription.contactList },
      };
  }
}
