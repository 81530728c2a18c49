import { createHash } from 'node:crypto';
import type { ContactStatusStore } from '../../ports/contact-status-store.ts';
import type { CustomerStore } from '../../ports/customer-store.ts';
import type { EngagementLedger } from '../../ports/engagement-ledger.ts';
import type { EnrolmentStore } from '../../ports/enrolment-store.ts';
import type { InboundLog } from '../../ports/inbound-log.ts';
import type { Mailer } from '../../ports/mailer.ts';
import type { MetricsSink } from '../../ports/metrics-sink.ts';
import type { ForgottenRegister } from '../../ports/privacy-store.ts';
import type { SequencePauses } from '../../ports/sequence-pauses.ts';
import type { RekindleConfig } from '../config/schema.ts';
import { purchasesOf } from '../customers/model.ts';
import type { CustomerView } from '../domain/customer-view.ts';
import type { EngagementEvent } from '../domain/engagement-event.ts';
import type { InboundRecord } from '../domain/inbound-record.ts';
import {
  type LinkClaims,
  type ReplyClaims,
  signReplyToken,
  verifyLink,
  verifyReplyToken,
} from '../domain/links.ts';
import { recordEngagementEvent } from '../engagement/record-ses-event.ts';
import { unsubscribeCustomer } from '../engagement/unsubscribe.ts';
import { type Classification, classifyInbound } from './classify.ts';
import { type AuthenticationVerdicts, type ParsedReply, parseReply } from './parse-reply.ts';
import { extractNewText } from './reply-text.ts';

/** The signed address a reply to one step comes back to: `r+<token>@<replyDomain>` (undefined if too long). */
export function replyAddressFor(
  claims: ReplyClaims,
  signingKey: string,
  replyDomain: string,
): string | undefined {
  const token = signReplyToken(claims, signingKey);
  return token === undefined ? undefined : `r+${token}@${replyDomain}`;
}

/** The reply token among the envelope recipients, if one is addressed to our reply domain. */
export function replyTokenIn(
  recipients: readonly string[],
  replyDomain: string | undefined,
): string | undefined {
  for (const recipient of recipients) {
    // Case-insensitive: relays upper-case local parts (`R+…`), and the token verifies in either case.
    const match = /^r\+(\d{1,3}\.[A-Za-z2-7]+\.[A-Za-z2-7]+)@([^@\s]+)$/i.exec(recipient.trim());
    if (match === null) continue;
    if (replyDomain !== undefined && match[2]?.toLowerCase() !== replyDomain.toLowerCase()) continue;
    return match[1];
  }
  return undefined;
}

/** One received mail as the receipt rule hands it over; `raw` is absent when it was too big to read. */
export interface InboundMail {
  readonly mailId: string;
  readonly s3Key: string;
  readonly receivedAt: number;
  readonly recipients: readonly string[];
  readonly size: number;
  readonly raw?: Uint8Array;
  /** SES's receipt verdicts (spfVerdict, dkimVerdict, dmarcVerdict, spam, virus), when the event carries them. */
  readonly verdicts?: AuthenticationVerdicts;
}

export interface ReceiveReplyDeps {
  /** Replies, and bounces and complaints that came back by mail, as engagement events. */
  readonly ledger: EngagementLedger;
  /** Unsubscribe requests by mail, and the suppression of a bounce or complaint by mail. */
  readonly contacts: Pick<ContactStatusStore, 'customersByEmail' | 'suppress' | 'unsubscribe'>;
  /** A complaint by mail may pause its sequence, as SES's would. */
  readonly pauses: Pick<SequencePauses, 'pauseSequence'>;
  /** Mail that was not a reply we could attribute, kept on record with the reason. */
  readonly inbound: InboundLog;
  readonly enrolments: Pick<EnrolmentStore, 'endActiveEnrolments'>;
  readonly customers: Pick<CustomerStore, 'getCustomerView'>;
  readonly mailer: Mailer;
  readonly signingKey: string;
  readonly config: Pick<RekindleConfig, 'engagement' | 'sender' | 'shop'>;
  readonly metrics: MetricsSink;
  /** Mail from or about a person erased on request is not kept, acted on or forwarded. */
  readonly forgotten: ForgottenRegister;
}

export type ReplyOutcome =
  | {
      readonly kind: 'reply';
      readonly customerId: string;
      readonly forwarded: boolean;
      readonly newText: string;
    }
  | { readonly kind: 'duplicate'; readonly customerId: string }
  | { readonly kind: 'unsubscribed'; readonly customerId: string; readonly locale: string }
  | { readonly kind: 'auto-reply' | 'rejected'; readonly reason: string }
  /** From or about an erased person: recorded without anything personal; its raw mail is for the caller to delete. */
  | { readonly kind: 'forgotten' };

const replyEventId = (mailId: string) =>
  createHash('sha256').update(`reply\u0000${mailId}`).digest('hex').slice(0, 32);

/** Control characters other than tab and newline are dropped from what we store. */
const clean = (text: string, max: number) =>
  text
    .slice(0, max * 4)
    .replace(/[^\P{Cc}\t\n]/gu, '')
    .trim()
    .slice(0, max);

/** Text for a header: no control characters at all (CR/LF would start a header of its own), nor line separators. */
const headerText = (text: string, max: number) =>
  text
    .slice(0, max * 4)
    .replace(/[\p{Cc}\u2028\u2029]+/gu, ' ')
    .replace(/ {2,}/g, ' ')
    .trim()
    .slice(0, max);

/**
 * One inbound mail: verify the signed reply address, parse the MIME, and either record a reply
 * (ending the enrolment and forwarding it to support with the customer's context), honour an
 * unsubscribe request, or keep an auto-reply or a rejected mail on record with the reason. Hostile
 * input never throws; the raw message stays in S3 whatever happens.
 */
export async function receiveReply(mail: InboundMail, deps: ReceiveReplyDeps): Promise<ReplyOutcome> {
  const { config } = deps;
  const reject = async (
    reason: string,
    extra: Partial<InboundRecord> = {},
    outcome: InboundRecord['outcome'] = 'rejected',
  ): Promise<ReplyOutcome> => {
    await deps.inbound.recordInbound({
      mailId: mail.mailId,
      receivedAt: mail.receivedAt,
      outcome,
      reason,
      s3Key: mail.s3Key,
      ...extra,
    });
    deps.metrics.count('InboundMail', 1, { outcome });
    return { kind: outcome === 'auto-reply' ? 'auto-reply' : 'rejected', reason };
  };

  /** True when the customer or the sender was erased on request (`rekindle forget`). */
  const aboutForgotten = async (customerId: string | undefined, from: string) => {
    const gone = await deps.forgotten.forgotten({
      customerIds: customerId === undefined ? [] : [customerId],
      emails: from === '' ? [] : [from],
    });
    return gone.customerIds.size + gone.emails.size > 0;
  };
  const forgotten = async (): Promise<ReplyOutcome> => {
    await deps.inbound.recordInbound({
      mailId: mail.mailId,
      receivedAt: mail.receivedAt,
      outcome: 'rejected',
      reason: 'from or about a person erased on request: nothing kept',
      s3Key: mail.s3Key,
    });
    deps.metrics.count('InboundMail', 1, { outcome: 'forgotten' });
    return { kind: 'forgotten' };
  };

  if (mail.raw === undefined || mail.size > config.engagement.maxInboundBytes) {
    return reject(`too large: ${mail.size} bytes (limit ${config.engagement.maxInboundBytes})`);
  }
  const token = replyTokenIn(mail.recipients, config.engagement.replyDomain);
  let parsed: ParsedReply;
  if (token === undefined) {
    // Not a reply: perhaps the List-Unsubscribe mailto ("unsubscribe-<token>" as the subject).
    try {
      parsed = await parseReply(mail.raw);
    } catch (error: unknown) {
      return reject(`unreadable MIME: ${error instanceof Error ? error.message : String(error)}`);
    }
    // The look-behind allows one attempt per run of token characters, so a long folded subject stays linear.
    const mailto = /(?<![A-Za-z0-9_-])unsubscribe-([A-Za-z0-9_-]+\.[A-Za-z0-9_-]+)/.exec(parsed.subject)?.[1];
    const unsubscribe = mailto === undefined ? undefined : verifyLink(mailto, deps.signingKey);
    if (await aboutForgotten(unsubscribe?.customerId, parsed.from)) return forgotten();
    // A bounce or auto-reply quoting the mailto subject is not a request; it is kept on record only.
    const machine = classifyInbound({ ...parsed, newText: '', raw: mail.raw });
    if (['bounce', 'feedback-report', 'auto-reply'].includes(machine.class))
      return reject(
        `${machine.class}: ${machine.rule}`,
        { from: clean(parsed.from, 300), subject: clean(parsed.subject, 300) },
        machine.class === 'auto-reply' ? 'auto-reply' : 'unattributed',
      );
    if (unsubscribe?.purpose === 'unsubscribe') {
      const view = await deps.customers.getCustomerView(unsubscribe.customerId);
      await unsubscribeCustomer(unsubscribe, view, mail.receivedAt, deps, 'mailto');
      deps.metrics.count('InboundMail', 1, { outcome: 'unsubscribe' });
      return { kind: 'unsubscribed', customerId: unsubscribe.customerId, locale: 'mailto' };
    }
    // The sender is kept on the record so that `rekindle forget` finds it, and its raw mail, by address.
    const sender = { from: clean(parsed.from, 300), subject: clean(parsed.subject, 300) };
    if (mailto !== undefined) return reject('forged or altered unsubscribe token', sender);
    return reject('not addressed to a reply address', sender, 'unattributed');
  }
  const verified = verifyReplyToken(token, deps.signingKey);
  if (verified === undefined) {
    const sender = await senderOf(mail.raw);
    if (await aboutForgotten(undefined, sender.from ?? '')) return forgotten();
    return reject('forged or altered reply token', sender);
  }

  try {
    parsed = await parseReply(mail.raw);
  } catch (error: unknown) {
    if (await aboutForgotten(verified.customerId, '')) return forgotten();
    return reject(`unreadable MIME: ${error instanceof Error ? error.message : String(error)}`, {
      customerId: verified.customerId,
    });
  }
  if (await aboutForgotten(verified.customerId, parsed.from)) return forgotten();
  const subject = clean(parsed.subject, 300);
  const from = clean(parsed.from, 300);
  const context = { customerId: verified.customerId, subject, from };
  const newText = clean(extractNewText(parsed.body), 5_000);
  const view = await deps.customers.getCustomerView(verified.customerId);
  const onFile = view?.customer.email.toLowerCase();
  // Only a person's reply ends the sequence as `reply` or is forwarded (docs/engagement.md, "Inbound mail").
  const classification = classifyInbound({
    ...parsed,
    newText,
    raw: mail.raw,
    fromCustomer: onFile !== undefined && onFile !== '' && parsed.from.trim().toLowerCase() === onFile,
  });
  if (classification.class === 'auto-reply')
    return reject(`auto-reply: ${classification.rule}`, context, 'auto-reply');
  if (classification.class === 'bounce' || classification.class === 'feedback-report') {
    const suppressed = await recordReport(classification, verified, view, mail, deps);
    return reject(
      `${classification.class}: ${classification.rule}${suppressed === '' ? '' : `; ${suppressed}`}`,
      context,
    );
  }
  if (classification.class === 'other') return reject(`other: ${classification.rule}`, context);

  const { enrolmentId, enrolment, send } = answeredMessage(view, verified);
  const claims: LinkClaims = { ...verified, enrolmentId, purpose: 'reply' };
  const asked = classification.class === 'unsubscribe-request' ? classification.unsubscribeLocale : undefined;
  if (asked !== undefined) {
    await unsubscribeCustomer(claims, view, mail.receivedAt, deps, `reply:${asked}`);
    deps.metrics.count('InboundMail', 1, { outcome: 'unsubscribe' });
    return { kind: 'unsubscribed', customerId: claims.customerId, locale: asked };
  }

  const event: EngagementEvent = {
    eventId: replyEventId(mail.mailId),
    type: 'reply',
    at: mail.receivedAt,
    customerId: claims.customerId,
    enrolmentId: claims.enrolmentId,
    stepIndex: claims.stepIndex,
    ...(enrolment === undefined ? {} : { sequenceId: enrolment.sequenceId, segmentId: enrolment.segmentId }),
    ...(send === undefined ? {} : { stepId: send.stepId }),
    ...(send?.messageId === undefined ? {} : { messageId: send.messageId }),
    detail: {
      kind: 'human',
      excerpt: newText.slice(0, 500),
      s3Key: mail.s3Key,
      from,
      ...(classification.alsoAsksToStop === undefined
        ? {}
        : { alsoAsksToStop: classification.alsoAsksToStop }),
    },
  };
  const stored = await deps.ledger.record(event);
  await deps.enrolments.endActiveEnrolments(claims.customerId, 'reply', mail.receivedAt, claims.enrolmentId);
  if (stored === 'duplicate') return { kind: 'duplicate', customerId: claims.customerId };
  deps.metrics.count('InboundMail', 1, { outcome: 'reply' });

  const supportAddress = config.engagement.supportAddress;
  let forwarded = false;
  if (supportAddress !== undefined) {
    try {
      await deps.mailer.send(
        forwardEmail({
          view,
          event,
          newText,
          subject,
          from,
          supportAddress,
          mail,
          deps,
          verdicts: parsed.verdicts,
        }),
      );
      forwarded = true;
    } catch {
      // The reply is recorded and the raw mail kept; a failed forward is counted for the alarm, not retried.
      deps.metrics.count('ReplyForwardFailed', 1);
    }
  }
  return { kind: 'reply', customerId: claims.customerId, forwarded, newText };
}

/**
 * The message a token answers: the newest enrolment that sent the token's step (else the active
 * one), and that enrolment and send as the customer view has them.
 */
function answeredMessage(view: CustomerView | undefined, claims: ReplyClaims) {
  const enrolmentId =
    view?.sends
      .filter((send) => send.stepIndex === claims.stepIndex && send.state === 'sent')
      .sort((a, b) => (b.sentAt ?? b.claimedAt) - (a.sentAt ?? a.claimedAt))[0]?.enrolmentId ??
    view?.enrolments.find((candidate) => candidate.state === 'active')?.enrolmentId ??
    '';
  const enrolment = view?.enrolments.find((candidate) => candidate.enrolmentId === enrolmentId);
  const send = view?.sends.find(
    (candidate) => candidate.enrolmentId === enrolmentId && candidate.stepIndex === claims.stepIndex,
  );
  return { enrolmentId, enrolment, send };
}

/**
 * A permanent bounce naming the token's customer's own address, or a feedback report about our
 * mail to them, is recorded as the SES hard bounce or complaint it is: against the message the
 * token names (so it counts once in the step's counters, whichever of SES and the mail reports it
 * first, and a complaint weighs in the sequence's complaint rate), suppressing the address and
 * ending its enrolments. Other addresses a report names are not trusted: anyone can write a report.
 */
async function recordReport(
  classification: Classification,
  claims: ReplyClaims,
  view: CustomerView | undefined,
  mail: InboundMail,
  deps: ReceiveReplyDeps,
): Promise<string> {
  const email = view?.customer.email.toLowerCase();
  if (email === undefined || email === '') return '';
  const bounced = (classification.bounced ?? []).find((entry) => entry.permanent && entry.address === email);
  if (classification.class === 'bounce' && bounced === undefined) return '';
  const { enrolmentId, enrolment, send } = answeredMessage(view, claims);
  const type = classification.class === 'feedback-report' ? 'complaint' : 'bounce';
  const event: EngagementEvent = {
    eventId: createHash('sha256').update(`${type}\u0000${mail.mailId}`).digest('hex').slice(0, 32),
    type,
    at: mail.receivedAt,
    customerId: claims.customerId,
    stepIndex: claims.stepIndex,
    ...(enrolmentId === '' ? {} : { enrolmentId }),
    ...(enrolment === undefined ? {} : { sequenceId: enrolment.sequenceId, segmentId: enrolment.segmentId }),
    ...(send === undefined ? {} : { stepId: send.stepId }),
    ...(send?.messageId === undefined ? {} : { messageId: send.messageId }),
    detail: {
      source: 'inbound-mail',
      rule: classification.rule.slice(0, 200),
      s3Key: mail.s3Key,
      ...(type === 'bounce' ? { bounceType: 'Permanent', status: bounced?.status ?? '' } : {}),
      ...(classification.feedbackType === undefined ? {} : { feedbackType: classification.feedbackType }),
    },
  };
  const recorded = await recordEngagementEvent(event, [email], { ...deps, config: deps.config.engagement });
  if (recorded.kind === 'recorded')
    deps.metrics.count('InboundMail', 1, { outcome: recorded.suppressed ?? type });
  const paused =
    recorded.kind === 'invalid' || recorded.pausedSequence === undefined
      ? ''
      : `; paused ${recorded.pausedSequence}`;
  return `suppressed ${email} (${recorded.kind === 'invalid' ? type : (recorded.suppressed ?? type)})${paused}`;
}

/** Who sent a mail refused before it was parsed, if it parses; for `rekindle forget`. */
async function senderOf(raw: Uint8Array): Promise<Partial<InboundRecord>> {
  try {
    const parsed = await parseReply(raw);
    return { from: clean(parsed.from, 300), subject: clean(parsed.subject, 300) };
  } catch {
    return {};
  }
}

/** SES's verdicts in one line for support; the receipt event's win over the headers SES added. */
function verdictLine(verdicts: AuthenticationVerdicts): string {
  const labels = [
    ['spf', 'SPF'],
    ['dkim', 'DKIM'],
    ['dmarc', 'DMARC'],
    ['spam', 'spam'],
    ['virus', 'virus'],
  ] as const;
  const shown = labels.flatMap(([key, label]) => {
    const value = verdicts[key];
    return value === undefined ? [] : [`${label} ${headerText(value, 20).toLowerCase()}`];
  });
  return shown.length === 0 ? 'none recorded' : shown.join(', ');
}

/**
 * The reply as support receives it. Reply-To is the customer's address on file, never the mail's
 * From (which anyone can write); a different From and SES's verdicts are spelled out in the body.
 */
function forwardEmail(input: {
  view: CustomerView | undefined;
  event: EngagementEvent;
  newText: string;
  subject: string;
  from: string;
  supportAddress: string;
  mail: InboundMail;
  deps: ReceiveReplyDeps;
  verdicts: AuthenticationVerdicts;
}) {
  const { view, event, newText, subject, from } = input;
  const customer = view?.customer;
  const onFile = customer === undefined ? '' : headerText(customer.email, 300);
  const verdicts = { ...input.verdicts, ...input.mail.verdicts };
  const authFailed = (['spf', 'dkim', 'dmarc'] as const).filter(
    (key) => verdicts[key] !== undefined && verdicts[key]?.toLowerCase() !== 'pass',
  );
  const fromDiffers = from !== '' && onFile !== '' && from.toLowerCase() !== onFile.toLowerCase();
  // Support sees purchases as the segmenter counts them, and how many orders were refunded or cancelled.
  const purchases = purchasesOf(view?.orders ?? []);
  const notPurchases = (view?.orders.length ?? 0) - purchases.length;
  const lastOrder = purchases
    .map((order) => order.placedAt)
    .sort()
    .at(-1);
  const problems =
    view?.incidents.map(
      (incident) =>
        `- ${incident.occurredAt.slice(0, 10)} ${incident.kind}${incident.orderId === undefined ? '' : ` (order ${incident.orderId})`}: ${incident.resolvedAt === undefined ? 'unresolved' : `resolved ${incident.resolvedAt.slice(0, 10)}`}${incident.ticketOpen ? ', ticket open' : ''}${incident.resolution === undefined ? '' : ` — ${incident.resolution}`}`,
    ) ?? [];
  const warnings = [
    ...(fromDiffers
      ? [
          `Warning: sent from ${from}, not the address on file (${onFile}). Answering goes to ${onFile}; do not share order details with ${from}.`,
        ]
      : []),
    ...(onFile === ''
      ? [`Warning: no customer profile; the sender (${from || 'unknown'}) is unverified.`]
      : []),
    ...(authFailed.length > 0
      ? [
          `Warning: ${authFailed.map((key) => key.toUpperCase()).join(', ')} did not pass; the sender may be forged.`,
        ]
      : []),
  ];
  const lines = [
    `${clean(customer?.firstName ?? '', 100) || 'A customer'} (${onFile || from || 'unknown address'}) replied to a win-back email.`,
    ...(warnings.length === 0 ? [] : ['', ...warnings]),
    '',
    // Words about stopping inside a longer message are not acted on (classify.ts); support decides.
    ...(event.detail?.alsoAsksToStop === undefined
      ? []
      : ['Also asks to stop: nothing was changed; unsubscribe them if that is what they want.', '']),
    newText === '' ? '(no new text)' : newText,
    '',
    '— Context —',
    `Customer: ${event.customerId}${customer === undefined ? ' (profile not found)' : `, locale ${customer.locale}`}`,
    `From: ${from || 'none'}${fromDiffers ? ' (differs from the address on file)' : ''}`,
    `SES verdicts: ${verdictLine(verdicts)}`,
    `Sequence: ${event.sequenceId ?? 'unknown'}, step ${event.stepId ?? event.stepIndex ?? '?'} (segment ${event.segmentId ?? 'unknown'})`,
    `Orders: ${purchases.length}${lastOrder === undefined ? '' : `, last ${lastOrder.slice(0, 10)}`}${notPurchases === 0 ? '' : ` (and ${notPurchases} refunded, cancelled or voided)`}`,
    `Past problems:${problems.length === 0 ? ' none recorded' : `\n${problems.join('\n')}`}`,
    `Raw message: s3 key ${input.mail.s3Key}`,
  ];
  const text = lines.join('\n');
  const escapeHtml = (value: string) => value.replace(/[&<>"']/g, (char) => `&#${char.charCodeAt(0)};`);
  return {
    from: input.deps.config.sender.from,
    to: input.supportAddress,
    ...(onFile === '' ? {} : { replyTo: [onFile] }),
    subject: headerText(
      `Reply from ${headerText(customer?.firstName ?? '', 100) || event.customerId}: ${subject || '(no subject)'}`,
      200,
    ),
    text,
    html: `<pre style="font-family:inherit;white-space:pre-wrap">${escapeHtml(text)}</pre>`,
    headers: [],
    tags: { kind: 'reply-forward' },
  };
}
