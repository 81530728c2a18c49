import { readFileSync } from 'node:fs';
import { SESv2Client, SendEmailCommand } from '@aws-sdk/client-sesv2';
import { mockClient } from 'aws-sdk-client-mock';
import fc from 'fast-check';
import { afterEach, describe, expect, it } from 'vitest';
import { SesMailer } from '../../../../functions/adapters/ses/ses-mailer.ts';
import { MailerError } from '../../../../functions/core/domain/mailer-error.ts';
import {
  decodeTagValue,
  encodeMessageTags,
  encodeTagValue,
  fromEventTags,
  fromTags,
  TAG_VALUE_MAX,
  tagValueFits,
  toTags,
} from '../../../../functions/core/domain/message-tags.ts';
import { parseSesEvent } from '../../../../functions/core/engagement/ses-event.ts';
import type { OutgoingEmail } from '../../../../functions/ports/mailer.ts';

/** SES's charset for tag values (SES v2 API reference, MessageTag). */
const sesCharset = /^[A-Za-z0-9_-]{1,256}$/;

const ses = mockClient(SESv2Client);
afterEach(() => ses.reset());

const email = (customer: string): OutgoingEmail => ({
  from: 'Northwind Records <care@northwind.example>',
  to: 'asha@example.com',
  subject: 'Asha, it has been a while',
  html: '<p>Hello</p>',
  text: 'Hello',
  headers: [],
  tags: { customer, enrolment: 'gentle-winback-20261123-abc', sequence: 'gentle-winback', stepIndex: '0' },
});

/** What the mailer sent to SES for `customer`, as the tags of a complaint event about it. */
async function complaintFor(customer: string): Promise<unknown> {
  ses.on(SendEmailCommand).resolves({ MessageId: 'm1' });
  await new SesMailer(new SESv2Client({ region: 'eu-west-1' }), 'rekindle').send(email(customer));
  const sent = ses.commandCalls(SendEmailCommand).at(-1)?.args[0].input.EmailTags ?? [];
  for (const tag of sent) expect(tag.Value).toMatch(sesCharset);
  const event = JSON.parse(readFileSync('test/fixtures/ses-events/complaint.json', 'utf8'));
  event.detail.mail.tags = Object.fromEntries(sent.map((tag) => [tag.Name, [tag.Value]]));
  return event;
}

const customerOf = (event: unknown) => {
  const result = parseSesEvent(event, { machineOpenMs: 10_000 });
  if (!result.ok) throw new Error(result.reason);
  return { customerId: result.parsed.event.customerId, attributed: result.parsed.attributed };
};

describe('SES message tags', () => {
  it('keep ids that differ only in characters SES refuses apart: cust 1, cust_1, josé, a+b@x', async () => {
    const ids = ['cust 1', 'cust_1', 'cust-1', 'josé', 'jos_', 'jose', 'a+b@x', 'a_b@x', 'a b@x', 'lapsed-1'];
    const back = [];
    for (const id of ids) back.push(customerOf(await complaintFor(id)));
    expect(back).toEqual(ids.map((customerId) => ({ customerId, attributed: true })));
    expect(new Set(ids.map(encodeTagValue)).size).toBe(ids.length);
  });

  it('stay readable for plain ids', () => {
    expect(encodeTagValue('lapsed-1')).toBe('lapsed-1');
    expect(encodeTagValue('cust 1')).toBe('cust_201');
    expect(encodeTagValue('cust_1')).toBe('cust_5f1');
    expect(encodeTagValue('josé')).toBe('jos_c3_a9');
  });

  it('round-trip any string that fits, within the SES charset and length', () => {
    fc.assert(
      fc.property(fc.string({ unit: 'binary', minLength: 1, maxLength: 120 }), (value) => {
        const encoded = encodeTagValue(value);
        if (encoded === undefined) {
          const length = [...Buffer.from(value, 'utf8')].reduce(
            (sum, byte) => sum + (/[A-Za-z0-9-]/.test(String.fromCharCode(byte)) ? 1 : 3),
            0,
          );
          expect(length).toBeGreaterThan(TAG_VALUE_MAX);
          return;
        }
        expect(encoded).toMatch(sesCharset);
        expect(decodeTagValue(encoded)).toBe(value);
      }),
      { numRuns: 2_000 },
    );
  });

  it('decode only what the encoder makes, so no two tags name one id', () => {
    fc.assert(
      fc.property(fc.stringMatching(/^[A-Za-z0-9_-]{1,40}$/), (raw) => {
        const value = decodeTagValue(raw);
        if (value !== undefined) expect(encodeTagValue(value)).toBe(raw);
      }),
      { numRuns: 2_000 },
    );
    // An escaped plain character, a lone byte of a longer character, upper-case hex, a cut escape.
    for (const raw of ['_61', 'jos_c3', 'jos_C3_A9', 'cust_1', 'a_', ''])
      expect(decodeTagValue(raw)).toBeUndefined();
  });

  it('refuse a value too long for a tag: the send fails rather than carry a cut id', async () => {
    const long = 'é'.repeat(43); // 86 bytes, 258 characters encoded
    expect(tagValueFits('é'.repeat(42))).toBe(true);
    expect(tagValueFits(long)).toBe(false);
    expect(tagValueFits('a'.repeat(256))).toBe(true);
    expect(encodeMessageTags({ customer: long })).toMatchObject({ ok: false });
    ses.on(SendEmailCommand).resolves({ MessageId: 'm1' });
    const send = new SesMailer(new SESv2Client({ region: 'eu-west-1' }), 'rekindle').send(email(long));
    await expect(send).rejects.toBeInstanceOf(MailerError);
    expect(ses.commandCalls(SendEmailCommand)).toHaveLength(0);
  });

  it('record an event whose tags do not decode as unattributed, with none of its ids', async () => {
    const event = (await complaintFor('cust 1')) as { detail: { mail: { tags: Record<string, string[]> } } };
    event.detail.mail.tags.customer = ['cust_2'];
    const result = parseSesEvent(event, { machineOpenMs: 10_000 });
    expect(result.ok && result.parsed.attributed).toBe(false);
    expect(result.ok && result.parsed.event).toMatchObject({ customerId: 'unknown', sequenceId: undefined });
  });

  it('read a send from before the encoding only where the old rewrite changed nothing', () => {
    const legacy = (customer: string) => {
      const event = JSON.parse(readFileSync('test/fixtures/ses-events/complaint.json', 'utf8'));
      event.detail.mail.tags = { customer: [customer], sequence: ['gentle-winback'] };
      return customerOf(event);
    };
    expect(legacy('lapsed-1')).toEqual({ customerId: 'lapsed-1', attributed: true });
    expect(legacy('a.b@x')).toEqual({ customerId: 'a.b@x', attributed: true });
    // `cust_1` was what both `cust 1` and `cust_1` became: which one is unknown.
    expect(legacy('cust_1')).toEqual({ customerId: 'unknown', attributed: false });
    expect(legacy('x'.repeat(256))).toEqual({ customerId: 'unknown', attributed: false });
  });
});

describe('a send’s ids as tags: one schema for the sender, the event parser and the simulators', () => {
  const send = {
    customerId: 'josé 1',
    enrolmentId: 'gentle-winback-20261123-aaaaaaaaaaaaaaaa',
    sequenceId: 'gentle-winback',
    segmentId: 'lapsed',
    stepId: 'check-in',
    stepIndex: 2,
  };

  it('round-trips through the email’s plain tags and through what SES publishes', () => {
    expect(fromTags(toTags(send))).toEqual(send);
    const encoded = encodeMessageTags(toTags(send));
    if (!encoded.ok) throw new Error(encoded.reason);
    const published = Object.fromEntries(
      Object.entries(encoded.tags).map(([name, value]) => [name, [value]]),
    );
    expect(fromEventTags(published)).toEqual(send);
  });

  it('trusts none of the ids when one does not decode', () => {
    const encoded = encodeMessageTags(toTags(send));
    if (!encoded.ok) throw new Error(encoded.reason);
    const published = Object.fromEntries(
      Object.entries(encoded.tags).map(([name, value]) => [name, [value]]),
    );
    expect(fromEventTags({ ...published, enrolment: ['bad value!'] })).toEqual({});
  });
});
