import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { parseConfig } from '../../../functions/core/config/load.ts';
import type { RekindleConfig } from '../../../functions/core/config/schema.ts';
import type { Order } from '../../../functions/core/customers/model.ts';
import type { CustomerView } from '../../../functions/core/domain/customer-view.ts';
import type { EngagementEvent } from '../../../functions/core/domain/engagement-event.ts';
import type { EnrolmentRecord } from '../../../functions/core/domain/enrolment-state.ts';
import { signLink } from '../../../functions/core/domain/links.ts';
import type { SendRecord } from '../../../functions/core/domain/send-record.ts';
import { withoutLimits } from '../../../functions/core/planning/simulate-plan.ts';
import {
  checkInvariants,
  type InvariantResult,
  type LearnedStops,
  type RunQueues,
} from '../../../functions/local/invariants.ts';
import { localNames } from '../../../functions/local/local-names.ts';
import type { StoredEmail } from '../../../functions/local/ses-local.ts';

const dayMs = 86_400_000;
const start = Date.parse('2026-11-24T10:00:00Z');
const onDay = (day: number) => start + day * dayMs;

/** The shipped config with the window, cap and gap opened wide: these tests are about other promises. */
function config(): RekindleConfig {
  const parsed = parseConfig(readFileSync('config/rekindle.yaml', 'utf8'), 'config/rekindle.yaml');
  if (!parsed.ok) throw new Error(parsed.issues.map((issue) => issue.message).join('\n'));
  return {
    ...parsed.config,
    policy: { ...withoutLimits(parsed.config.policy), cap: { emails: 100, per: dayMs } },
  };
}

const shipped = config();
const sequence = shipped.sequences[0];
if (sequence === undefined || sequence.steps.length < 2)
  throw new Error('the shipped config has no sequence');
const lastStep = sequence.steps.length - 1;

interface Mail {
  readonly enrolment: string;
  readonly stepIndex: number;
  readonly day: number;
}

/** One customer's records and outbox: enrolments `e1`, `e2`…, each email sent on its day. */
function run(options: {
  mails: readonly Mail[];
  status?: CustomerView['status'];
  engagement?: readonly EngagementEvent[];
  orders?: readonly Order[];
}) {
  const enrolmentIds = [...new Set(options.mails.map((mail) => mail.enrolment))];
  const enrolments: EnrolmentRecord[] = enrolmentIds.map((enrolmentId) => ({
    enrolmentId,
    customerId: 'c1',
    sequenceId: sequence?.id ?? '',
    segmentId: 'lapsed',
    enrolledAt: Math.min(
      ...options.mails.filter((m) => m.enrolment === enrolmentId).map((m) => onDay(m.day)),
    ),
    state: 'completed',
  }));
  const sends: SendRecord[] = options.mails.map((mail) => ({
    enrolmentId: mail.enrolment,
    stepIndex: mail.stepIndex,
    customerId: 'c1',
    sequenceId: sequence?.id ?? '',
    stepId: sequence?.steps[mail.stepIndex]?.id ?? '',
    state: 'sent',
    claimedAt: onDay(mail.day),
    sentAt: onDay(mail.day),
    messageId: `m-${mail.enrolment}-${mail.stepIndex}`,
  }));
  const outbox: StoredEmail[] = options.mails.map((mail) => {
    const token = signLink(
      { customerId: 'c1', enrolmentId: mail.enrolment, stepIndex: mail.stepIndex, purpose: 'unsubscribe' },
      localNames.linkSigningKey,
    );
    return {
      messageId: `m-${mail.enrolment}-${mail.stepIndex}`,
      from: 'shop@example.com',
      replyTo: [],
      destination: { to: ['asha@example.com'], cc: [], bcc: [] },
      subject: 'Hello',
      body: { text: 'Hello' },
      headers: [{ name: 'List-Unsubscribe', value: `<${localNames.unsubscribeUrl}?t=${token}>` }],
      at: 0,
    };
  });
  const view: CustomerView = {
    customer: {
      customerId: 'c1',
      email: 'asha@example.com',
      firstName: 'Asha',
      locale: 'en',
      timeZone: 'Europe/London',
      consent: 'granted',
    },
    orders: options.orders ?? [],
    enrolments,
    sends,
    incidents: [],
    engagement: options.engagement ?? [],
    status: options.status ?? {},
  };
  return { view, outbox };
}

const idle: RunQueues = {
  scheduler: { schedules: () => [], deadLetters: [] },
  sendQueue: { deadLetters: [] },
};

function check(
  records: ReturnType<typeof run>,
  learned: ReadonlyMap<string, LearnedStops> = new Map(),
): Map<string, InvariantResult> {
  const results = checkInvariants({
    runtime: idle,
    records: {
      views: new Map([['c1', records.view]]),
      outbox: records.outbox,
      reportData: { assignments: [], firstSends: [], orders: [], counters: [] },
    },
    config: shipped,
    published: new Map(),
    learned,
  });
  return new Map(results.map((result) => [result.name, result]));
}

const stopped = 'no email to a suppressed, unsubscribed, held-out or non-consenting customer';
const sameStep = 'no customer gets the same step twice';
const goodbye = 'no win-back after an unanswered last note (until an order), no sequence again after a reply';

const reply = (enrolmentId: string, day: number): EngagementEvent => ({
  eventId: `reply-${enrolmentId}`,
  type: 'reply',
  at: onDay(day),
  customerId: 'c1',
  enrolmentId,
  sequenceId: sequence.id,
  stepIndex: 0,
});

describe('checkInvariants', () => {
  it('holds for one enrolment sent step by step', () => {
    const results = check(
      run({
        mails: sequence.steps.map((_, stepIndex) => ({ enrolment: 'e1', stepIndex, day: stepIndex * 7 })),
      }),
    );
    expect([...results.values()].filter((result) => !result.ok)).toEqual([]);
    expect(results.size).toBe(8);
  });

  it('does not take a reply for an unsubscribe: mail between a reply and a later unsubscribe is allowed', () => {
    // The false alarm of issue 17: the customer replied on day 1 and unsubscribed on day 95, after
    // an email on day 92. The unsubscribe (recorded at its event time, learned at the end of the
    // simulator's week) stops mail from day 95, not from the reply.
    const records = run({
      mails: [
        { enrolment: 'e1', stepIndex: 0, day: 0 },
        { enrolment: 'e2', stepIndex: 1, day: 92 },
      ],
      engagement: [reply('e1', 1)],
      status: { unsubscribedAt: onDay(94.5) },
    });
    const results = check(records, new Map([['c1', { unsubscribed: onDay(95) }]]));
    expect(results.get(stopped)?.violations).toEqual([]);
  });

  it('flags an email sent after the system learned of the unsubscribe, not one sent before', () => {
    const records = run({
      mails: [
        { enrolment: 'e1', stepIndex: 0, day: 10 },
        { enrolment: 'e1', stepIndex: 1, day: 12 },
      ],
      status: { unsubscribedAt: onDay(9) },
    });
    const results = check(records, new Map([['c1', { unsubscribed: onDay(11) }]]));
    expect(results.get(stopped)?.violations).toEqual([
      'e1#1 to c1: sent after the customer was suppressed or unsubscribed',
    ]);
  });

  it('takes the suppression time for a suppression, even when an unsubscribe was learned later', () => {
    const records = run({
      mails: [{ enrolment: 'e1', stepIndex: 0, day: 20 }],
      status: { unsubscribedAt: onDay(29), suppressedAt: onDay(14) },
    });
    const results = check(records, new Map([['c1', { unsubscribed: onDay(30), suppressed: onDay(15) }]]));
    expect(results.get(stopped)?.ok).toBe(false);
  });

  it('flags the same step sent to one customer in two enrolments', () => {
    const results = check(
      run({
        mails: [
          { enrolment: 'e1', stepIndex: 0, day: 0 },
          { enrolment: 'e2', stepIndex: 0, day: 91 },
        ],
      }),
    );
    expect(results.get(sameStep)?.violations).toEqual([
      `c1 got ${sequence.id}/${sequence.steps[0]?.id} again on 2027-02-23 (e2), first on 2026-11-24 (e1)`,
    ]);
    expect(results.get('no step sent twice')?.ok).toBe(true);
  });

  it('flags any email after a last note until the customer orders again (sunset)', () => {
    const mails = [
      { enrolment: 'e1', stepIndex: lastStep, day: 0 },
      { enrolment: 'e2', stepIndex: 0, day: 100 },
    ];
    expect(check(run({ mails })).get(goodbye)?.violations).toEqual([
      `c1 got ${sequence.id}/${sequence.steps[0]?.id} on 2027-03-04 after the last note of e1 on 2026-11-24, with no order since`,
    ]);
    const ordered: Order = {
      orderId: 'o9',
      customerId: 'c1',
      placedAt: new Date(onDay(40)).toISOString(),
      amount: 20,
    };
    expect(check(run({ mails, orders: [ordered] })).get(goodbye)?.ok).toBe(true);
    // A customer who clicked its content or opened it in person answered it: no sunset. A machine
    // open (Apple Mail Privacy Protection) or a click on the unsubscribe link is no answer.
    const event = (type: EngagementEvent['type'], more: Partial<EngagementEvent> = {}): EngagementEvent => ({
      ...reply('e1', 1),
      eventId: `${type}-e1`,
      type,
      ...more,
    });
    const answered = [
      event('click', { detail: { link: 'https://northwind.example/records' } }),
      event('open'),
    ];
    for (const response of answered)
      expect(check(run({ mails, engagement: [response] })).get(goodbye)?.ok).toBe(true);
    const unsubscribeLink = `${localNames.unsubscribeUrl}?t=${signLink({ customerId: 'c1', enrolmentId: 'e1', stepIndex: 0, purpose: 'unsubscribe' }, localNames.linkSigningKey)}`;
    const noAnswer = [
      event('open', { machine: true }),
      event('click', { detail: { link: unsubscribeLink } }),
    ];
    for (const response of noAnswer)
      expect(check(run({ mails, engagement: [response] })).get(goodbye)?.ok).toBe(false);
  });

  it('flags the same sequence again after a reply, order or not (re-entry)', () => {
    const ordered: Order = {
      orderId: 'o9',
      customerId: 'c1',
      placedAt: new Date(onDay(40)).toISOString(),
      amount: 20,
    };
    const records = run({
      mails: [
        { enrolment: 'e1', stepIndex: 0, day: 0 },
        { enrolment: 'e2', stepIndex: 1, day: 91 },
      ],
      engagement: [reply('e1', 1)],
      orders: [ordered],
    });
    expect(check(records).get(goodbye)?.violations).toEqual([
      `c1 got ${sequence.id}/${sequence.steps[1]?.id} on 2027-02-23 after replying to e1 on 2026-11-25`,
    ]);
  });
});
