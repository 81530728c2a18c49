import { readFileSync } from 'node:fs';
import { Logger } from '@aws-lambda-powertools/logger';
import { describe, expect, it } from 'vitest';
import { EngagementConfigSchema } from '../../../functions/core/config/engagement.ts';
import type { EngagementEvent } from '../../../functions/core/domain/engagement-event.ts';
import type { RecordResult } from '../../../functions/core/engagement/record-ses-event.ts';
import { makeHandler } from '../../../functions/handlers/record-engagement.ts';
import { sqsBatch } from '../../../functions/local/events/sqs-record.ts';
import { MemoryContactStatusStore } from '../../support/memory-contact-status-store.ts';
import { MemoryEngagementLedger } from '../../support/memory-engagement-ledger.ts';
import { MemoryEnrolmentStore } from '../../support/memory-enrolment-store.ts';
import { MemoryForgotten } from '../../support/memory-forgotten.ts';
import { MemorySequencePauses } from '../../support/memory-sequence-pauses.ts';

const config = EngagementConfigSchema.parse({});
const fixture = (name: string): unknown =>
  JSON.parse(readFileSync(`test/fixtures/ses-events/${name}.json`, 'utf8'));

/** An SQS batch as the engagement queue's event source delivers it, one message per body. */
const batch = (bodies: readonly string[]) =>
  sqsBatch(bodies, 'arn:aws:sqs:eu-west-1:000000000000:engagement');

function setUp(
  stores: { ledger?: MemoryEngagementLedger; contacts?: MemoryContactStatusStore } = {},
  forgotten = new MemoryForgotten(),
) {
  const ledger = stores.ledger ?? new MemoryEngagementLedger();
  const contacts = stores.contacts ?? new MemoryContactStatusStore();
  const counted: string[] = [];
  const outcomes = new Map<string, RecordResult>();
  const handler = makeHandler({
    ledger,
    contacts,
    pauses: new MemorySequencePauses(),
    enrolments: new MemoryEnrolmentStore(),
    config,
    metrics: { count: (name) => counted.push(name) },
    forgotten,
    logger: new Logger({ logLevel: 'SILENT' }),
    onOutcome: (result, messageId) => outcomes.set(messageId, result),
  });
  return { handler, ledger, contacts, counted, outcomes };
}

describe('record-engagement', () => {
  it('records the valid events of a batch and drops what it cannot read, without a retry', async () => {
    const { handler, ledger, counted, outcomes } = setUp();
    const response = await handler(
      batch([
        JSON.stringify(fixture('send')),
        'not json {',
        JSON.stringify({ source: 'aws.ses', detail: {} }),
        JSON.stringify(fixture('delivery')),
        JSON.stringify(fixture('send')),
      ]),
    );
    expect(response.batchItemFailures).toEqual([]);
    expect([...outcomes.values()].map((outcome) => outcome.kind)).toEqual([
      'recorded',
      'invalid',
      'invalid',
      'recorded',
      'duplicate',
    ]);
    expect(outcomes.get('m1')).toMatchObject({ reason: 'the message body is not JSON' });
    expect(counted.filter((name) => name === 'InvalidSesEvents')).toHaveLength(2);
    expect(ledger.events.size).toBe(2);
  });

  it.each([
    ['customer', (forgotten: MemoryForgotten) => forgotten.customerIds.add('lapsed-1')],
    ['address', (forgotten: MemoryForgotten) => forgotten.emails.add('asha@example.com')],
  ])(
    'drops late events about an erased %s: nothing stored, suppressed or ended, and no retry',
    async (_what, erase) => {
      const forgotten = new MemoryForgotten();
      erase(forgotten);
      const { handler, ledger, contacts, counted, outcomes } = setUp({}, forgotten);
      const response = await handler(
        batch([JSON.stringify(fixture('send')), JSON.stringify(fixture('complaint'))]),
      );
      expect(response.batchItemFailures).toEqual([]);
      expect([...outcomes.values()].map((outcome) => outcome.kind)).toEqual(['forgotten', 'forgotten']);
      expect(ledger.events.size + contacts.suppressions.size + ledger.counters.size).toBe(0);
      expect(counted.filter((name) => name === 'ForgottenSesEvents')).toHaveLength(2);
    },
  );

  it('reports only the event the store refuses as a batch item failure, and stores the rest', async () => {
    const poisoned = fixture('click');
    class FailingLedger extends MemoryEngagementLedger {
      override async recordAll(events: readonly EngagementEvent[]) {
        if (events.some((event) => event.type === 'click')) throw new Error('the batch write failed');
        return super.recordAll(events);
      }
      override async record(event: EngagementEvent) {
        if (event.type === 'click') throw new Error('item too large');
        return super.record(event);
      }
    }
    const { handler, ledger, outcomes } = setUp({ ledger: new FailingLedger() });
    const response = await handler(
      batch([JSON.stringify(fixture('send')), JSON.stringify(poisoned), JSON.stringify(fixture('open'))]),
    );
    expect(response.batchItemFailures).toEqual([{ itemIdentifier: 'm1' }]);
    expect(outcomes.get('m1')?.kind).toBe('failed');
    expect([...ledger.events.values()].map((event) => event.type).sort()).toEqual(['open', 'send']);
  });

  it('fails an event whose follow-up failed, so that the retry finishes it', async () => {
    class NoEmailIndex extends MemoryContactStatusStore {
      override async customersByEmail(): Promise<string[]> {
        throw new Error('the email index is unavailable');
      }
    }
    const { handler, ledger } = setUp({ contacts: new NoEmailIndex() });
    const response = await handler(
      batch([JSON.stringify(fixture('bounce-permanent')), JSON.stringify(fixture('send'))]),
    );
    expect(response.batchItemFailures).toEqual([{ itemIdentifier: 'm0' }]);
    // Stored already: the redelivery is a duplicate whose follow-ups run again.
    const retry = setUp();
    const stored = [...ledger.events.values()];
    await retry.ledger.recordAll(stored);
    const again = await retry.handler(batch([JSON.stringify(fixture('bounce-permanent'))]));
    expect(again.batchItemFailures).toEqual([]);
    expect(retry.outcomes.get('m0')).toMatchObject({ kind: 'duplicate', suppressed: 'hard-bounce' });
  });
});
