import * as z from 'zod';
import type { HelpdeskMapping } from '../../config/integrations.ts';
import { type IncidentKind, IncidentSchema } from '../../customers/model.ts';
import type { ParsedLive } from './live-change.ts';
import { accepted, header, hmacBase64, refused, sameSecret, type Verdict } from './signatures.ts';

/**
 * Helpdesk tickets as incidents. Zendesk (a trigger's webhook), Gorgias (an HTTP integration) and
 * Freshdesk (an automation rule's "Trigger webhook") all send a JSON body the owner writes from the
 * platform's placeholders; docs/integrations.md gives the body for each, and this module reads it.
 * A ticket becomes the incident `<platform>-<ticket id>`, open while the ticket is, resolved when
 * it is solved or closed; its kind comes from config `integrations.helpdesk`.
 */

export const helpdeskPlatforms = ['zendesk', 'gorgias', 'freshdesk'] as const;
export type HelpdeskPlatform = (typeof helpdeskPlatforms)[number];
export const isHelpdeskPlatform = (name: string): name is HelpdeskPlatform =>
  (helpdeskPlatforms as readonly string[]).includes(name);

export const HelpdeskHeaders = {
  zendeskSignature: 'X-Zendesk-Webhook-Signature',
  zendeskTimestamp: 'X-Zendesk-Webhook-Signature-Timestamp',
  /** Gorgias and Freshdesk do not sign: the owner adds this header with the shared secret. */
  token: 'X-Rekindle-Token',
} as const;

/** How far a Zendesk signature's timestamp may be from now: older requests are replays. */
export const zendeskTolerance = 60 * 60 * 1000;

/**
 * Whether a request is the platform's. Zendesk signs: `X-Zendesk-Webhook-Signature` is the base64
 * HMAC-SHA256 of the timestamp header followed by the raw body, under the webhook's signing
 * secret, and a timestamp more than an hour from now is refused as a replay. Gorgias and
 * Freshdesk sign nothing, so they must send the shared secret in `X-Rekindle-Token` (or, where a
 * platform cannot set headers, as `?token=` in the URL).
 */
export function verifyHelpdeskRequest(request: {
  readonly platform: HelpdeskPlatform;
  readonly headers: Readonly<Record<string, string | undefined>>;
  readonly query: Readonly<Record<string, string | undefined>>;
  readonly body: Buffer;
  readonly secret: string;
  readonly now: number;
}): Verdict {
  if (request.platform === 'zendesk') {
    const signature = header(request.headers, HelpdeskHeaders.zendeskSignature);
    const timestamp = header(request.headers, HelpdeskHeaders.zendeskTimestamp);
    if (signature === undefined || signature === '' || timestamp === undefined || timestamp === '')
      return refused(
        `no ${HelpdeskHeaders.zendeskSignature} and ${HelpdeskHeaders.zendeskTimestamp}: not signed by Zendesk`,
      );
    const signed = hmacBase64(request.secret, Buffer.concat([Buffer.from(timestamp), request.body]));
    if (!sameSecret(signature, signed))
      return refused(
        `${HelpdeskHeaders.zendeskSignature} does not match: altered, or signed with another secret`,
      );
    const at = Date.parse(timestamp);
    if (Number.isNaN(at))
      return refused(`${HelpdeskHeaders.zendeskTimestamp} "${timestamp}" is not a date-time`);
    if (Math.abs(request.now - at) > zendeskTolerance)
      return refused(
        `${HelpdeskHeaders.zendeskTimestamp} ${timestamp} is more than an hour from now: a replayed request`,
      );
    return accepted;
  }
  const token = header(request.headers, HelpdeskHeaders.token) ?? request.query.token;
  if (token === undefined || token === '')
    return refused(
      `no ${HelpdeskHeaders.token} header (${request.platform} does not sign requests; send the shared secret)`,
    );
  if (!sameSecret(token, request.secret)) return refused(`${HelpdeskHeaders.token} is not the shared secret`);
  return accepted;
}

const TagSchema = z.union([z.string(), z.object({ name: z.string() }).transform((tag) => tag.name)]);

/** The body docs/integrations.md has each platform send (its placeholders filled in). */
export const HelpdeskTicketSchema = z.object({
  ticket_id: z
    .union([z.string(), z.number()])
    .transform((id) => String(id).trim())
    .pipe(
      z
        .string()
        .min(1, 'is empty')
        .regex(/^[^#\p{Cc}]+$/u, 'may not contain "#" or control characters'),
    ),
  status: z.string().trim().min(1, 'is empty'),
  /** Zendesk and Freshdesk render tags as one text (space- or comma-separated); Gorgias as a list. */
  tags: z.union([z.string(), z.array(TagSchema)]).nullish(),
  type: z.string().nullish(),
  requester_email: z.string().nullish(),
  created_at: z.string().nullish(),
  updated_at: z.string().nullish(),
  order_id: z.string().nullish(),
});
export type HelpdeskTicket = z.infer<typeof HelpdeskTicketSchema>;

/** Each platform's ticket statuses: which mean the ticket is still open, which that it is done. */
const statuses: Record<HelpdeskPlatform, { open: readonly string[]; solved: readonly string[] }> = {
  zendesk: { open: ['new', 'open', 'pending', 'hold', 'on-hold'], solved: ['solved', 'closed'] },
  gorgias: { open: ['open'], solved: ['closed'] },
  freshdesk: {
    open: ['open', 'pending', 'waiting on customer', 'waiting on third party'],
    solved: ['resolved', 'closed'],
  },
};

/** Tags as one text are comma-separated (Freshdesk, whose tags may hold spaces) or space-separated (Zendesk). */
const tagsOf = (tags: HelpdeskTicket['tags']): string[] =>
  (typeof tags === 'string' ? tags.split(tags.includes(',') ? ',' : /\s+/) : (tags ?? []))
    .map((tag) => tag.trim().toLowerCase())
    .filter((tag) => tag !== '');

/** The incident kind of a ticket under the mapping, or undefined when it is to be ignored. */
export function incidentKindOf(
  ticket: Pick<HelpdeskTicket, 'tags' | 'type'>,
  mapping: HelpdeskMapping,
): IncidentKind | undefined {
  const tags = new Set(tagsOf(ticket.tags));
  const type = (ticket.type ?? '').trim().toLowerCase();
  const rule = mapping.kinds.find(
    (candidate) =>
      candidate.tags.some((tag) => tags.has(tag)) || (type !== '' && candidate.types.includes(type)),
  );
  if (rule !== undefined) return rule.kind;
  return mapping.otherwise === 'ignore' ? undefined : mapping.otherwise;
}

/** An ISO 8601 date-time as the platforms write it, or undefined (the receipt time stands in). */
const instant = (text: string | null | undefined): string | undefined => {
  if (text === undefined || text === null || !/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}/.test(text.trim()))
    return undefined;
  const at = Date.parse(text.trim());
  return Number.isNaN(at) ? undefined : new Date(at).toISOString();
};

/** What a ticket is about, before its requester is found among our customers. */
export interface TicketFacts {
  readonly email: string;
  /** The incident for `customerId`: the caller names the customer (found by the requester's email). */
  incidentFor(customerId: string): ParsedLive;
}

/**
 * Reads a ticket body: the facts to record, or a change that writes nothing (a ticket no rule
 * maps, a ticket without a requester email), or why the body cannot be read.
 */
export function readHelpdeskTicket(
  platform: HelpdeskPlatform,
  body: unknown,
  mapping: HelpdeskMapping,
  now: number,
): { ok: true; facts: TicketFacts } | ParsedLive {
  const parsed = HelpdeskTicketSchema.safeParse(body);
  if (!parsed.success)
    return { ok: false, reason: `${platform} ticket is invalid: ${z.prettifyError(parsed.error)}` };
  const ticket = parsed.data;
  const id = `${platform}-${ticket.ticket_id}`;
  const status = ticket.status.toLowerCase();
  const known = statuses[platform];
  const solved = known.solved.includes(status);
  if (!solved && !known.open.includes(status))
    return {
      ok: false,
      reason: `${platform} ticket status "${ticket.status}" is none of ${[...known.open, ...known.solved].join(', ')}`,
    };
  const kind = incidentKindOf(ticket, mapping);
  if (kind === undefined)
    return {
      ok: true,
      id,
      change: { kind: 'ignored', reason: 'no rule of integrations.helpdesk maps its tags or type' },
    };
  const email = (ticket.requester_email ?? '').trim().toLowerCase();
  if (email === '')
    return { ok: true, id, change: { kind: 'ignored', reason: 'the ticket names no requester email' } };
  const received = new Date(now).toISOString();
  const orderId = (ticket.order_id ?? '').trim().replace(/^#/, '');
  return {
    ok: true,
    facts: {
      email,
      incidentFor(customerId) {
        const incident = IncidentSchema.safeParse({
          incidentId: id,
          customerId,
          kind,
          occurredAt: instant(ticket.created_at) ?? received,
          ...(orderId === '' ? {} : { orderId }),
          ...(solved ? { resolvedAt: instant(ticket.updated_at) ?? received } : {}),
          ticketOpen: !solved,
        });
        if (!incident.success)
          return { ok: false, reason: `${platform} ticket: ${z.prettifyError(incident.error)}` };
        return { ok: true, id, change: { kind: 'incident', incident: incident.data } };
      },
    },
  };
}
