import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { counterEffect } from '../../../../functions/core/domain/counters.ts';
import {
  complaintRateExceeded,
  suppressionReasonFor,
} from '../../../../functions/core/engagement/record-ses-event.ts';
import { isLikelyMachineOpen, parseSesEvent } from '../../../../functions/core/engagement/ses-event.ts';

const directory = 'test/fixtures/ses-events';
const fixture = (name: string): unknown => JSON.parse(readFileSync(join(directory, `${name}.json`), 'utf8'));
const options = { machineOpenMs: 10_000 };

function parsed(name: string) {
  const result = parseSesEvent(fixture(name), options);
  if (!result.ok) throw new Error(`${name}: ${result.reason}`);
  return result.parsed;
}

describe('SES events as EventBridge delivers them', () => {
  it.each(readdirSync(directory).map((file) => file.replace(/\.json$/, '')))(
    'parses the documented %s record and attributes it from the message tags',
    (name) => {
      const { event, attributed } = parsed(name);
      expect(attributed).toBe(true);
      expect(event).toMatchObject({
        customerId: 'lapsed-1',
        enrolmentId: 'gentle-winback-20261123-1a2b3c4d',
        sequenceId: 'gentle-winback',
        segmentId: 'lapsed',
        stepId: 'check-in',
        stepIndex: 0,
        messageId: '0102019a1b2c3d4e-5f6a7b8c-1111-2222-3333-444455556666-000000',
      });
      expect(event.eventId).toMatch(/^[0-9a-f]{32}$/);
    },
  );

  it('maps each SES event type to ours', () => {
    const types = Object.fromEntries(
      readdirSync(directory).map((file) => [
        file.replace(/\.json$/, ''),
        parsed(file.replace(/\.json$/, '')).event.type,
      ]),
    );
    expect(types).toEqual({
      'bounce-permanent': 'bounce',
      'bounce-transient': 'bounce',
      click: 'click',
      complaint: 'complaint',
      'delivery-delay': 'delivery-delay',
      delivery: 'delivery',
      'open-apple-mpp': 'open',
      open: 'open',
      reject: 'reject',
      'rendering-failure': 'rendering-failure',
      send: 'send',
      subscription: 'subscription',
    });
  });

  it('gives the same event the same id, and different events different ids', () => {
    const first = parsed('open').event.eventId;
    const again = parseSesEvent(structuredClone(fixture('open')), options);
    expect(again.ok && again.parsed.event.eventId).toBe(first);
    // EventBridge gives a redelivery a new envelope id; the event id must not depend on it.
    const envelope = { ...(fixture('open') as Record<string, unknown>), id: 'another-envelope-id' };
    const redelivered = parseSesEvent(envelope, options);
    expect(redelivered.ok && redelivered.parsed.event.eventId).toBe(first);
    expect(parsed('open-apple-mpp').event.eventId).not.toBe(first);
  });

  it('keeps the bounce type, the clicked link and the recipients', () => {
    expect(parsed('bounce-permanent').event.detail).toMatchObject({
      bounceType: 'Permanent',
      diagnosticCode: 'smtp; 550 5.1.1 user unknown',
    });
    expect(parsed('bounce-permanent').recipients).toEqual(['asha@example.com']);
    expect(parsed('click').event.detail?.link).toBe('https://northwind.example/records?utm_source=rekindle');
    expect(parsed('delivery').event.at).toBe(Date.parse('2026-11-24T09:00:02.000Z'));
  });

  it('flags the Apple MPP proxy open as a likely machine open, and not a person opening hours later', () => {
    expect(parsed('open-apple-mpp').event.machine).toBe(true);
    expect(parsed('open').event.machine).toBe(false);
  });

  it('refuses what is not an SES event, with a reason', () => {
    for (const input of [null, {}, { source: 'aws.ses', detail: { eventType: 'Open' } }, 'text']) {
      const result = parseSesEvent(input, options);
      expect(result.ok).toBe(false);
    }
  });

  it('keeps an event without our tags, unattributed', () => {
    const event = fixture('delivery') as { detail: { mail: { tags: Record<string, string[]> } } };
    event.detail.mail.tags = { 'ses:configuration-set': ['rekindle'] };
    const result = parseSesEvent(event, options);
    expect(result.ok && result.parsed.attributed).toBe(false);
  });
});

describe('likely machine opens', () => {
  const sentAt = Date.parse('2026-11-24T09:00:00Z');
  const browser = 'Mozilla/5.0 (Macintosh; Intel Mac OS X 10_15_7) AppleWebKit/605.1.15 (KHTML, like Gecko)';
  it.each([
    [
      'the Apple proxy user agent',
      { userAgent: 'Mozilla/5.0', ipAddress: '104.28.1.1', at: sentAt + 3_600_000 },
      true,
    ],
    [
      'an Apple network address',
      { userAgent: browser, ipAddress: '17.58.1.1', at: sentAt + 3_600_000 },
      true,
    ],
    [
      'an open two seconds after the send',
      { userAgent: browser, ipAddress: '198.51.100.1', at: sentAt + 2_000 },
      true,
    ],
    [
      'a security scanner',
      { userAgent: 'Barracuda Sentinel (EE)', ipAddress: '198.51.100.1', at: sentAt + 3_600_000 },
      true,
    ],
    [
      'a person an hour later',
      { userAgent: browser, ipAddress: '198.51.100.1', at: sentAt + 3_600_000 },
      false,
    ],
  ])('%s', (_name, open, expected) => {
    expect(isLikelyMachineOpen(open, sentAt, 10_000)).toBe(expected);
  });
});

describe('counters, suppression and the complaint rate', () => {
  it('counts opens per message once, machine and human apart, and hard bounces as bounces too', () => {
    expect(counterEffect({ type: 'open', machine: true })).toEqual({
      always: ['machineOpens'],
      first: { marker: 'machineOpenedAt', counters: ['machineOpened'] },
    });
    expect(counterEffect({ type: 'open', machine: false }).first?.counters).toEqual(['opened']);
    expect(counterEffect({ type: 'bounce', detail: { bounceType: 'Permanent' } }).first?.counters).toEqual([
      'bounced',
      'hardBounced',
    ]);
    expect(counterEffect({ type: 'send' })).toEqual({ always: ['sent'] });
  });

  it('suppresses on hard bounces and complaints only', () => {
    expect(suppressionReasonFor(parsed('bounce-permanent').event)).toBe('hard-bounce');
    expect(suppressionReasonFor(parsed('complaint').event)).toBe('complaint');
    expect(suppressionReasonFor(parsed('bounce-transient').event)).toBeUndefined();
    expect(suppressionReasonFor(parsed('delivery-delay').event)).toBeUndefined();
  });

  it('pauses only above the threshold and with enough sends to judge', () => {
    const config = { complaintRateThreshold: 0.001, complaintRateMinSends: 200 };
    expect(complaintRateExceeded({ sent: 1_000, complained: 1 }, config)).toBe(false);
    expect(complaintRateExceeded({ sent: 1_000, complained: 2 }, config)).toBe(true);
    expect(complaintRateExceeded({ sent: 100, complained: 5 }, config)).toBe(false);
  });
});
