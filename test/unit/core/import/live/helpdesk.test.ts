import { describe, expect, it } from 'vitest';
import { HelpdeskMappingSchema } from '../../../../../functions/core/config/integrations.ts';
import {
  incidentKindOf,
  readHelpdeskTicket,
  verifyHelpdeskRequest,
} from '../../../../../functions/core/import/live/helpdesk.ts';
import { hmacBase64 } from '../../../../../functions/core/import/live/signatures.ts';
import { fixture, fixtureBytes } from './fixtures.ts';

const mapping = HelpdeskMappingSchema.parse({
  kinds: [
    { kind: 'damaged', tags: ['damaged_in_transit', 'Broken'] },
    { kind: 'late', tags: ['late-delivery'] },
    { kind: 'wrong_item', tags: ['wrong item'] },
  ],
  otherwise: 'ignore',
});
const now = Date.parse('2026-03-25T08:13:00Z');

describe('helpdesk request verification', () => {
  const body = fixtureBytes('zendesk', 'ticket-opened.json');
  const timestamp = '2026-03-25T08:12:41Z';
  const secret = 'zendesk-signing-secret';
  const zendesk = (headers: Record<string, string>, at = now, withBody = body, withSecret = secret) =>
    verifyHelpdeskRequest({
      platform: 'zendesk',
      headers,
      query: {},
      body: withBody,
      secret: withSecret,
      now: at,
    });
  const signature = hmacBase64(secret, timestamp + body.toString('utf8'));
  const signed = {
    'x-zendesk-webhook-signature': signature,
    'x-zendesk-webhook-signature-timestamp': timestamp,
  };

  it('Zendesk: the HMAC of timestamp and body; altered, wrong secret, unsigned and replayed are refused', () => {
    expect(zendesk(signed)).toEqual({ ok: true });
    expect(zendesk(signed, now, Buffer.from(body.toString('utf8').replace('Open', 'Solved')))).toMatchObject({
      ok: false,
      status: 401,
    });
    expect(zendesk(signed, now, body, 'another')).toMatchObject({ ok: false });
    expect(zendesk({})).toMatchObject({ ok: false, reason: expect.stringMatching(/not signed by Zendesk/) });
    // A moved timestamp breaks the signature; the same request two hours later is a replay.
    expect(zendesk({ ...signed, 'x-zendesk-webhook-signature-timestamp': '2026-03-25T08:12:42Z' }).ok).toBe(
      false,
    );
    expect(zendesk(signed, now + 2 * 3_600_000)).toMatchObject({
      ok: false,
      reason: expect.stringMatching(/replayed/),
    });
  });

  it('Gorgias and Freshdesk: the shared secret in X-Rekindle-Token or ?token=, nothing else', () => {
    const check = (headers: Record<string, string>, query: Record<string, string> = {}) =>
      verifyHelpdeskRequest({ platform: 'gorgias', headers, query, body, secret: 'shared', now });
    expect(check({ 'X-Rekindle-Token': 'shared' })).toEqual({ ok: true });
    expect(check({}, { token: 'shared' })).toEqual({ ok: true });
    expect(check({ 'x-rekindle-token': 'wrong' })).toMatchObject({
      ok: false,
      reason: expect.stringMatching(/not the shared secret/),
    });
    expect(check({})).toMatchObject({ ok: false, reason: expect.stringMatching(/does not sign/) });
  });
});

describe('helpdesk tickets as incidents', () => {
  const incident = (platform: 'zendesk' | 'gorgias' | 'freshdesk', name: string) => {
    const read = readHelpdeskTicket(platform, fixture(platform, name), mapping, now);
    if (!read.ok || !('facts' in read)) throw new Error(`expected facts: ${JSON.stringify(read)}`);
    return read.facts.incidentFor('c-1');
  };

  it('Zendesk opened then solved: one incident, open, then resolved when the ticket was updated', () => {
    expect(incident('zendesk', 'ticket-opened.json')).toEqual({
      ok: true,
      id: 'zendesk-4711',
      change: {
        kind: 'incident',
        incident: {
          incidentId: 'zendesk-4711',
          customerId: 'c-1',
          kind: 'damaged',
          occurredAt: '2026-03-25T08:12:40.000Z',
          orderId: '1005',
          ticketOpen: true,
        },
      },
    });
    expect(incident('zendesk', 'ticket-solved.json')).toMatchObject({
      change: { incident: { ticketOpen: false, resolvedAt: '2026-03-27T16:05:00.000Z' } },
    });
  });

  it('Gorgias tags as a list; Freshdesk tags comma-separated with spaces, an unreadable date is the receipt time', () => {
    expect(incident('gorgias', 'ticket-created.json')).toMatchObject({
      change: { incident: { incidentId: 'gorgias-38291077', kind: 'late', ticketOpen: true } },
    });
    expect(incident('gorgias', 'ticket-closed.json')).toMatchObject({
      change: { incident: { ticketOpen: false } },
    });
    expect(incident('freshdesk', 'ticket-resolved.json')).toMatchObject({
      change: {
        incident: {
          kind: 'wrong_item',
          resolvedAt: new Date(now).toISOString(),
          occurredAt: '2026-03-29T08:52:10.000Z',
        },
      },
    });
  });

  it('maps by the first matching rule, by type, or otherwise; ignore records nothing', () => {
    const typed = HelpdeskMappingSchema.parse({
      kinds: [{ kind: 'billing', types: ['Billing'] }],
      otherwise: 'support',
    });
    expect(incidentKindOf({ tags: 'x', type: 'billing' }, typed)).toBe('billing');
    expect(incidentKindOf({ tags: 'x', type: 'question' }, typed)).toBe('support');
    expect(incidentKindOf({ tags: 'BROKEN', type: null }, mapping)).toBe('damaged');
    expect(
      readHelpdeskTicket(
        'zendesk',
        { ticket_id: 1, status: 'open', tags: 'other', requester_email: 'a@b.example' },
        mapping,
        now,
      ),
    ).toMatchObject({
      ok: true,
      change: { kind: 'ignored' },
    });
  });

  it('refuses an unknown status or a body without a ticket id, naming it', () => {
    expect(readHelpdeskTicket('gorgias', { ticket_id: 1, status: 'solved' }, mapping, now)).toMatchObject({
      ok: false,
      reason: expect.stringMatching(/"solved" is none of open, closed/),
    });
    expect(readHelpdeskTicket('zendesk', { status: 'open' }, mapping, now)).toMatchObject({
      ok: false,
      reason: expect.stringMatching(/ticket_id/),
    });
    expect(HelpdeskMappingSchema.safeParse({ kinds: [{ kind: 'late' }] }).success).toBe(false);
  });
});
