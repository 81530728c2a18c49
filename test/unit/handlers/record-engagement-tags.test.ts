import { readFileSync } from 'node:fs';
import { Logger } from '@aws-lambda-powertools/logger';
import type { SQSEvent } from 'aws-lambda';
import { describe, expect, it } from 'vitest';
import { EngagementConfigSchema } from '../../../functions/core/config/engagement.ts';
import { encodeMessageTags } from '../../../functions/core/domain/message-tags.ts';
import { makeHandler } from '../../../functions/handlers/record-engagement.ts';
import { sqsRecord } from '../../../functions/local/events/sqs-record.ts';
import { MemoryContactStatusStore } from '../../support/memory-contact-status-store.ts';
import { MemoryEngagementLedger } from '../../support/memory-engagement-ledger.ts';
import { MemoryEnrolmentStore } from '../../support/memory-enrolment-store.ts';
import { MemoryForgotten } from '../../support/memory-forgotten.ts';
import { MemorySequencePauses } from '../../support/memory-sequence-pauses.ts';

/** Two people whose ids the old tag rewrite made one: `cust 1` and `cust_1`. */
const people = [
  { customerId: 'cust 1', email: 'one@example.com', enrolmentId: 'gentle-winback-20261123-aaaa' },
  { customerId: 'cust_1', email: 'other@example.com', enrolmentId: 'gentle-winback-20261123-bbbb' },
];

function complaintAbout(person: (typeof people)[number], tags: Record<string, string[]>): SQSEvent {
  const event = JSON.parse(readFileSync('test/fixtures/ses-events/complaint.json', 'utf8'));
  event.detail.mail.destination = [person.email];
  event.detail.mail.tags = tags;
  event.detail.complaint.complainedRecipients = [{ emailAddress: person.email }];
  return {
    Records: [
      sqsRecord({
        messageId: 'q1',
        body: JSON.stringify(event),
        queueArn: 'arn:aws:sqs:eu-west-1:000000000000:engagement',
      }),
    ],
  };
}

async function setUp() {
  const ledger = new MemoryEngagementLedger();
  const contacts = new MemoryContactStatusStore();
  const enrolments = new MemoryEnrolmentStore();
  for (const person of people) {
    contacts.emails.set(person.email, [person.customerId]);
    await enrolments.createAssignment({
      enrolmentId: person.enrolmentId,
      customerId: person.customerId,
      sequenceId: 'gentle-winback',
      segmentId: 'lapsed',
      enrolledAt: 0,
      state: 'active',
    });
  }
  const handler = makeHandler({
    ledger,
    contacts,
    pauses: new MemorySequencePauses(),
    enrolments,
    config: EngagementConfigSchema.parse({}),
    metrics: { count: () => undefined },
    forgotten: new MemoryForgotten(),
    logger: new Logger({ logLevel: 'SILENT' }),
  });
  return { handler, ledger, contacts, enrolments };
}

const stateOf = (enrolments: MemoryEnrolmentStore) =>
  people.map((person) => enrolments.items.get(`${person.customerId}|${person.enrolmentId}`)?.state);

describe('a complaint is applied to the customer its tags name, and only to them', () => {
  it('a complaint from cust 1 ends cust 1’s enrolment, not cust_1’s', async () => {
    const { handler, ledger, contacts, enrolments } = await setUp();
    const [one] = people;
    if (one === undefined) throw new Error('no people');
    const encoded = encodeMessageTags({
      customer: one.customerId,
      enrolment: one.enrolmentId,
      sequence: 'gentle-winback',
      stepIndex: '0',
    });
    if (!encoded.ok) throw new Error(encoded.reason);
    const tags = Object.fromEntries(Object.entries(encoded.tags).map(([name, value]) => [name, [value]]));
    await handler(complaintAbout(one, tags));
    expect(stateOf(enrolments)).toEqual(['exited', 'active']);
    expect([...contacts.suppressions.keys()]).toEqual(['one@example.com']);
    expect([...ledger.events.values()].map((event) => event.customerId)).toEqual(['cust 1']);
  });

  it('an old send’s tag `cust_1` (either of them) is stored unattributed; only the complaining address is suppressed', async () => {
    const { handler, ledger, contacts, enrolments } = await setUp();
    const [one] = people;
    if (one === undefined) throw new Error('no people');
    await handler(complaintAbout(one, { customer: ['cust_1'], enrolment: [one.enrolmentId] }));
    // The address complained, so its own customer stops; the other person is untouched.
    expect(stateOf(enrolments)).toEqual(['exited', 'active']);
    expect([...contacts.suppressions.keys()]).toEqual(['one@example.com']);
    expect([...ledger.events.values()].map((event) => event.customerId)).toEqual(['unknown']);
  });
});
