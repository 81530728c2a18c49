import { createHash } from 'node:crypto';
import type { APIGatewayProxyEventV2 } from 'aws-lambda';
import { forEachConcurrently } from '../core/concurrency.ts';
import type { Tracking } from '../core/config/engagement.ts';
import type { Order } from '../core/customers/model.ts';
import type { CustomerView } from '../core/domain/customer-view.ts';
import type { Enrolment } from '../core/domain/enrolment.ts';
import { verifyLink } from '../core/domain/links.ts';
import { encodeMessageTags } from '../core/domain/message-tags.ts';
import type { SendRecord } from '../core/domain/send-record.ts';
import { replyAddressFor } from '../core/inbound/receive-reply.ts';
import { trackedLinks } from '../core/rendering/tracked-links.ts';
import type { Chaos } from './chaos.ts';
import { functionUrlEvent } from './events/function-url-event.ts';
import { sesEvent } from './events/ses-event.ts';
import type { LearnedStops } from './invariants.ts';
import { type LocalRuntime, localNames } from './local-runtime.ts';
import type { StoredEmail } from './ses-local.ts';
import { readMailViews } from './table-views.ts';

/** How a simulated audience behaves; each a probability. */
export interface RecipientBehaviour {
  readonly hardBounce: number;
  readonly softBounce: number;
  /** Recipients on Apple Mail with Privacy Protection: every email "opened" by the proxy. */
  readonly appleMail: number;
  readonly open: number;
  /** Of those who open. */
  readonly click: number;
  readonly reply: number;
  readonly unsubscribe: number;
  readonly complaint: number;
  /** A purchase within the window: emailed customers, and held-out ones (the baseline). */
  readonly purchaseEmailed: number;
  readonly purchaseHeldOut: number;
}

export const defaultBehaviour: RecipientBehaviour = {
  hardBounce: 0.02,
  softBounce: 0.01,
  appleMail: 0.35,
  open: 0.4,
  click: 0.3,
  reply: 0.12,
  unsubscribe: 0.04,
  complaint: 0.005,
  purchaseEmailed: 0.14,
  purchaseHeldOut: 0.07,
};

export interface SimulationOptions {
  readonly seed: number;
  readonly behaviour?: Partial<RecipientBehaviour>;
  /** The reply domain when the config names none. @default 'reply.rekindle.local' */
  readonly replyDomain?: string | undefined;
  /** Message ids already played; skipped, and filled in as messages are played (for rounds). */
  readonly played?: Set<string>;
  /**
   * Under chaos, SES events are also delivered twice and held back to a later round (out of order
   * across messages); `late` carries the held-back ones between rounds and `final` flushes them.
   */
  readonly chaos?: Chaos;
  readonly late?: unknown[];
  readonly final?: boolean;
  /** Every distinct SES event published, by its EventBridge id: what "no event lost" is checked against. */
  readonly published?: Map<string, unknown>;
  /**
   * When the system first heard of each customer's unsubscribe and of their suppression (virtual
   * time): no email may be sent to a suppressed or unsubscribed customer after that.
   */
  readonly learned?: Map<string, LearnedStops>;
  /** What SES tracks in a sequence's emails (`trackingFor`): untracked opens and clicks leave no event. @default everything */
  readonly tracking?: (sequenceId: string) => Tracking;
}

export interface SimulationSummary {
  readonly emails: number;
  readonly events: number;
  readonly duplicatesIgnored: number;
  readonly machineOpens: number;
  readonly bounces: number;
  readonly complaints: number;
  readonly replies: number;
  readonly unsubscribes: number;
  readonly purchases: number;
}

/** mulberry32 seeded from a string: the same seed and message always behave the same. */
function random(seed: number, ...parts: readonly string[]): () => number {
  let state = createHash('sha256')
    .update([String(seed), ...parts].join('\u0000'))
    .digest()
    .readUInt32BE(0);
  return () => {
    state = (state + 0x6d2b79f5) | 0;
    let t = Math.imul(state ^ (state >>> 15), 1 | state);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4_294_967_296;
  };
}

/** Recipients acting at once; their own emails they read one after another. */
const recipientConcurrency = 4;

const iso = (at: number) => new Date(at).toISOString();

const replies: Record<string, readonly string[]> = {
  en: [
    'Thanks for checking in. The last order was fine, I have just been busy.',
    'The record arrived scratched last time. Is there a discount?',
    'Please unsubscribe me.',
  ],
  hi: ['पूछने के लिए धन्यवाद, मैं जल्द ही फिर से ऑर्डर करूँगा।', 'कृपया ईमेल बंद करें।'],
  gu: ['પૂછવા બદલ આભાર, હું ફરીથી ઓર્ડર કરીશ.', 'કૃપા કરીને બંધ કરો'],
  si: ['විමසීමට ස්තූතියි, මම නැවත ඇණවුම් කරන්නම්.', 'කරුණාකර නවත්වන්න'],
};

/** A reply as a real mail client would send it: multipart, base64 UTF-8, Gmail-style quoting. */
function replyMime(input: {
  from: string;
  to: string;
  subject: string;
  text: string;
  original: string;
  at: number;
}): string {
  const quoted = input.original
    .split('\n')
    .slice(0, 6)
    .map((line) => `> ${line}`)
    .join('\r\n');
  const body = `${input.text}\r\n\r\nOn ${new Date(input.at).toUTCString()}, Shop <care@shop.example> wrote:\r\n${quoted}\r\n`;
  const encoded = Buffer.from(body, 'utf8').toString('base64').replace(/.{76}/g, '$&\r\n');
  const subject = `=?UTF-8?B?${Buffer.from(`Re: ${input.subject}`, 'utf8').toString('base64')}?=`;
  return [
    `From: ${input.from}`,
    `To: ${input.to}`,
    `Subject: ${subject}`,
    `Date: ${new Date(input.at).toUTCString()}`,
    `Message-ID: <${createHash('sha256').update(body).digest('hex').slice(0, 20)}@mail.example.com>`,
    'MIME-Version: 1.0',
    'Content-Type: multipart/alternative; boundary="sim-boundary"',
    '',
    '--sim-boundary',
    'Content-Type: text/plain; charset="UTF-8"',
    'Content-Transfer-Encoding: base64',
    '',
    encoded,
    '--sim-boundary--',
    '',
  ].join('\r\n');
}

/**
 * Plays the recipients of everything in the SES outbox: SES events in the EventBridge shape
 * (send, delivery, Apple MPP machine opens, opens, clicks, a few bounces and complaints; each
 * message's events shuffled and one repeated, as EventBridge may) fed to record-engagement,
 * replies as real MIME through the inbound bucket and receive-reply, one-click unsubscribes
 * through the unsubscribe handler, and purchases for emailed and held-out customers through the
 * store. Deterministic for a seed; running it again records nothing twice.
 */
export async function simulateRecipients(
  runtime: LocalRuntime,
  options: SimulationOptions,
): Promise<SimulationSummary> {
  const behaviour = { ...defaultBehaviour, ...options.behaviour };
  const replyDomain = options.replyDomain ?? 'reply.rekindle.local';
  const emails = await runtime.ses.outbox();
  const summary = {
    emails: 0,
    events: 0,
    duplicatesIgnored: 0,
    machineOpens: 0,
    bounces: 0,
    complaints: 0,
    replies: 0,
    unsubscribes: 0,
    purchases: 0,
  };
  const now = runtime.clock.now();
  const carried = options.late?.splice(0) ?? [];

  // Each recipient reads their own mail in order; four recipients act at once, as people do.
  const inbox = new Map<string, { email: StoredEmail; claims: Claims }[]>();
  for (const email of emails) {
    // Played already in an earlier round: its events would only arrive again as duplicates.
    if (options.played?.has(email.messageId)) continue;
    options.played?.add(email.messageId);
    const claims = claimsOf(email);
    if (claims === undefined) continue;
    const mail = inbox.get(claims.customerId) ?? [];
    mail.push({ email, claims });
    inbox.set(claims.customerId, mail);
  }
  const recipients = [...inbox.values()];
  const everyRecipient = (phase: Phase) =>
    forEachConcurrently(recipients, recipientConcurrency, async (mail) => {
      for (const { email, claims } of mail) await play(email, claims, phase);
    });
  // SES publishes an email's Send event as it sends it, before its recipient does anything: every
  // new email's Send first, so that rates (the complaint rate that pauses a sequence) are over all
  // that was sent, as on AWS; then what the recipients did.
  const looked = new Map<string, { view: CustomerView; enrolment: Enrolment; send: SendRecord }>();
  // Whom each new email went to, for what, and who was held out: one parallel Scan of the profiles,
  // enrolments and sends, not a Query each.
  const { views, heldOut } = await runtime.requests.uncounted(() => readMailViews(runtime));
  // What the mail systems published, in the order they published it: through the engagement
  // queue in batches after each pass, as the rule and the queue's event source would carry it.
  const outbound: unknown[] = [];
  await everyRecipient('sent');
  await deliver(outbound.splice(0));
  await everyRecipient('recipient');
  await deliver(outbound.splice(0));

  async function play(email: StoredEmail, claims: Claims, phase: Phase): Promise<void> {
    if (phase === 'sent') {
      const view = views.get(claims.customerId);
      const enrolment = view?.enrolments.find((candidate) => candidate.enrolmentId === claims.enrolmentId);
      const send = view?.sends.find((candidate) => candidate.messageId === email.messageId);
      if (view === undefined || enrolment === undefined || send === undefined) return;
      looked.set(email.messageId, { view, enrolment, send });
      summary.emails += 1;
    }
    const found = looked.get(email.messageId);
    if (found === undefined) return;
    const { view, enrolment, send } = found;
    // Keyed by what was sent, not by SES's random message id: one seed plays the same recipients.
    const rng = random(options.seed, claims.enrolmentId, String(claims.stepIndex));
    const sentAt = send.sentAt ?? now;
    const mail = {
      timestamp: iso(sentAt),
      source: email.from,
      sendingAccountId: '000000000000',
      messageId: email.messageId,
      destination: email.destination.to,
      headersTruncated: false,
      headers: (email.headers ?? []).map((header) => ({ name: header.name, value: header.value })),
      commonHeaders: { from: [email.from], to: email.destination.to, subject: email.subject },
      // Encoded as the SES mailer encodes them, so the events go through the same tag parser.
      tags: {
        'ses:configuration-set': ['rekindle-local'],
        ...sesTags({
          sequence: enrolment.sequenceId,
          step: send.stepId,
          segment: enrolment.segmentId,
          customer: claims.customerId,
          enrolment: claims.enrolmentId,
          stepIndex: String(claims.stepIndex),
        }),
      },
    };
    const recipient = email.destination.to[0] ?? view.customer.email;
    const tracking = options.tracking?.(enrolment.sequenceId) ?? { opens: true, clicks: true };
    const events: unknown[] = [];
    const event = (detailType: string, eventType: string, fields: Record<string, unknown>) => {
      events.push(
        sesEvent({
          detailType,
          eventType,
          mail,
          fields,
          at: now,
          seed: `${email.messageId}${events.length}`,
        }),
      );
    };
    event('Email Sent', 'Send', {});
    if (phase === 'sent') {
      outbound.push(...publish(events));
      return;
    }
    if (rng() < behaviour.hardBounce) {
      event('Email Bounced', 'Bounce', {
        bounceType: 'Permanent',
        bounceSubType: 'General',
        bouncedRecipients: [
          {
            emailAddress: recipient,
            action: 'failed',
            status: '5.1.1',
            diagnosticCode: 'smtp; 550 5.1.1 user unknown',
          },
        ],
        timestamp: iso(sentAt + 3_000),
        feedbackId: `sim-${email.messageId}-bounce`,
      });
      summary.bounces += 1;
    } else {
      if (rng() < behaviour.softBounce) {
        event('Email Delivery Delayed', 'DeliveryDelay', {
          timestamp: iso(sentAt + 60_000),
          delayType: 'MailboxFull',
          expirationTime: iso(sentAt + 86_400_000),
          delayedRecipients: [
            { emailAddress: recipient, status: '4.2.2', diagnosticCode: 'smtp; 452 4.2.2 mailbox full' },
          ],
        });
      }
      event('Email Delivered', 'Delivery', {
        timestamp: iso(sentAt + 2_000),
        processingTimeMillis: 2_000,
        recipients: [recipient],
        smtpResponse: '250 2.6.0 Message received',
      });
      if (rng() < behaviour.appleMail && tracking.opens) {
        event('Email Opened', 'Open', {
          ipAddress: '104.28.40.110',
          timestamp: iso(sentAt + 4_000),
          userAgent: 'Mozilla/5.0',
        });
        summary.machineOpens += 1;
      }
      const opened = rng() < behaviour.open;
      const openedAt = sentAt + Math.floor(rng() * 36) * 3_600_000 + 600_000;
      if (opened) {
        const userAgent =
          'Mozilla/5.0 (Linux; Android 14) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/131.0 Mobile Safari/537.36';
        // SES reports only what the sequence tracks: an untracked open or click leaves no event.
        if (tracking.opens)
          event('Email Opened', 'Open', { ipAddress: '198.51.100.23', timestamp: iso(openedAt), userAgent });
        // Only a link SES tracks can be clicked: a content link, never the (no-track) unsubscribe one.
        const link = contentLink(email.body.html ?? '');
        if (rng() < behaviour.click && tracking.clicks && link !== undefined) {
          event('Email Clicked', 'Click', {
            ipAddress: '198.51.100.23',
            timestamp: iso(openedAt + 20_000),
            userAgent,
            link,
            linkTags: {},
          });
        }
      }
      if (rng() < behaviour.complaint) {
        event('Email Complaint Received', 'Complaint', {
          complainedRecipients: [{ emailAddress: recipient }],
          timestamp: iso(sentAt + 86_400_000),
          feedbackId: `sim-${email.messageId}-complaint`,
          complaintFeedbackType: 'abuse',
        });
        summary.complaints += 1;
      }
      if (opened && rng() < behaviour.reply) {
        const texts = replies[view.customer.locale.slice(0, 2)] ?? replies.en ?? [];
        const text = texts[Math.floor(rng() * texts.length)] ?? 'Thanks';
        const to = replyAddressFor(claims, localNames.linkSigningKey, replyDomain);
        if (to === undefined) return;
        const raw = replyMime({
          from: `${view.customer.firstName} <${recipient}>`,
          to,
          subject: email.subject,
          text,
          original: email.body.text ?? '',
          at: openedAt + 300_000,
        });
        const outcomes = await runtime.dropInbound(raw, [to]);
        // A reply ends its enrolment; only one asking to unsubscribe stops all mail.
        if (outcomes.some((outcome) => outcome.kind === 'unsubscribed'))
          learn(claims.customerId, 'unsubscribed');
        summary.replies += 1;
      } else if (opened && rng() < behaviour.unsubscribe) {
        const header =
          (email.headers ?? []).find((candidate) => candidate.name === 'List-Unsubscribe')?.value ?? '';
        const url = /<(https?:[^>]+)>/.exec(header)?.[1];
        if (url !== undefined) {
          await runtime.handlers.unsubscribe(oneClickPost(url));
          learn(claims.customerId, 'unsubscribed');
          summary.unsubscribes += 1;
        }
      }
    }
    // The Send event went out in the first phase. EventBridge promises neither order nor a single
    // delivery: the rest shuffled, one of them twice.
    const later = events.slice(1);
    shuffle(later, rng);
    if (later.length > 0) later.push(later[0]);
    outbound.push(...publish(later));
  }

  /** Publishes events as EventBridge would: each remembered; under chaos some held back, some twice. */
  function publish(events: readonly unknown[]): unknown[] {
    const deliveries: unknown[] = [];
    for (const published of events) {
      const id = (published as { id: string }).id;
      options.published?.set(id, published);
      if (options.chaos?.fires('ses-event-late', id) && options.late !== undefined) {
        options.late.push(published);
        continue;
      }
      deliveries.push(published);
      if (options.chaos?.fires('ses-event-duplicate', id)) deliveries.push(published);
    }
    return deliveries;
  }
  // Events held back in an earlier round arrive now, after newer ones; the last round flushes all.
  await deliver(carried);
  if (options.final === true) await deliver(options.late?.splice(0) ?? []);

  async function deliver(events: readonly unknown[]): Promise<void> {
    if (events.length === 0) return;
    for (const outcome of await runtime.publishSesEvents(events)) {
      if (outcome.kind === 'duplicate') summary.duplicatesIgnored += 1;
      else if (outcome.kind === 'recorded') summary.events += 1;
      if ((outcome.kind === 'recorded' || outcome.kind === 'duplicate') && outcome.suppressed !== undefined)
        learn(outcome.event.customerId, 'suppressed');
    }
  }

  function learn(customerId: string, stop: keyof LearnedStops): void {
    if (options.learned === undefined) return;
    const known = options.learned.get(customerId) ?? {};
    known[stop] ??= now;
    options.learned.set(customerId, known);
  }

  // Purchases: emailed customers return a little more often than the held-out baseline.
  // From the round's read: neither the held-out nor the first sends change while recipients act.
  const firstSend = new Map<string, number>();
  const assignments: { customerId: string; enrolmentId: string; enrolledAt: number; heldOut: boolean }[] = [
    ...heldOut.map((holdOut) => ({ ...holdOut, heldOut: true })),
  ];
  for (const view of views.values()) {
    for (const enrolment of view.enrolments) assignments.push({ ...enrolment, heldOut: false });
    for (const send of view.sends) {
      if (send.state !== 'sent' || send.sentAt === undefined) continue;
      const earlier = firstSend.get(send.enrolmentId);
      if (earlier === undefined || send.sentAt < earlier) firstSend.set(send.enrolmentId, send.sentAt);
    }
  }
  const orders: Order[] = [];
  for (const assignment of assignments) {
    const rng = random(options.seed, 'purchase', assignment.enrolmentId);
    const { heldOut } = assignment;
    const from = heldOut ? assignment.enrolledAt : firstSend.get(assignment.enrolmentId);
    if (from === undefined) continue;
    if (rng() >= (heldOut ? behaviour.purchaseHeldOut : behaviour.purchaseEmailed)) continue;
    const placedAt = from + Math.floor(rng() * Math.max(3_600_000, now - from));
    orders.push({
      orderId: `sim-${createHash('sha256').update(assignment.enrolmentId).digest('hex').slice(0, 12)}`,
      customerId: assignment.customerId,
      placedAt: iso(placedAt),
      amount: Math.round(15 + rng() * 60),
    });
  }
  // The shop's own order feed, not Rekindle's work.
  await runtime.requests.uncounted(() => runtime.store.putOrders(orders));
  summary.purchases = orders.length;
  return summary;
}

type Claims = NonNullable<ReturnType<typeof claimsOf>>;

/** Tags as an SES event publishes them: encoded (message-tags.ts), each value a one-element array. */
function sesTags(tags: Record<string, string>): Record<string, string[]> {
  const encoded = encodeMessageTags(tags);
  if (!encoded.ok) throw new Error(encoded.reason);
  return Object.fromEntries(Object.entries(encoded.tags).map(([name, value]) => [name, [value]]));
}

/** The simulator plays a week in two passes: the Send events, then what the recipients did. */
type Phase = 'sent' | 'recipient';

/** The first link SES would track in this sent email's HTML, for a recipient to click. */
export function contentLink(html: string): string | undefined {
  return trackedLinks(html).find((link) => /^https?:/i.test(link));
}

/** The customer, enrolment and step an email was sent for, from its signed unsubscribe link. */

export function claimsOf(email: StoredEmail) {
  const header =
    (email.headers ?? []).find((candidate) => candidate.name === 'List-Unsubscribe')?.value ?? '';
  const token = /[?&]t=([\w-]+\.[\w-]+)/.exec(header)?.[1];
  return token === undefined ? undefined : verifyLinkLocal(token);
}

const verifyLinkLocal = (token: string) => {
  const claims = verifyLink(token, localNames.linkSigningKey);
  return claims?.purpose === 'unsubscribe' ? claims : undefined;
};

function shuffle<T>(items: T[], rng: () => number): void {
  for (let index = items.length - 1; index > 0; index -= 1) {
    const other = Math.floor(rng() * (index + 1));
    const held = items[index];
    const swapped = items[other];
    if (held === undefined || swapped === undefined) continue;
    items[index] = swapped;
    items[other] = held;
  }
}

/** The RFC 8058 POST a mailbox provider sends for the List-Unsubscribe URL. */
function oneClickPost(url: string): APIGatewayProxyEventV2 {
  return functionUrlEvent({
    method: 'POST',
    url: new URL(url),
    headers: { 'content-type': 'application/x-www-form-urlencoded', 'user-agent': 'mailbox-provider' },
    body: 'List-Unsubscribe=One-Click',
    sourceIp: '127.0.0.1',
    requestId: 'simulated',
    at: new Date(),
  });
}
