import { GetScheduleCommand } from '@aws-sdk/client-scheduler';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { mailerErrorKindFor } from '../../functions/adapters/ses/ses-mailer.ts';
import type { RuntimeBundle } from '../../functions/build/runtime-bundle.ts';
import { makeSendsCommand } from '../../functions/cli/commands/sends.ts';
import { MemoryOutput } from '../../functions/cli/output.ts';
import { PolicySchema, SequenceSchema } from '../../functions/core/config/sequences.ts';
import { enrolmentIdFor } from '../../functions/core/domain/enrolment.ts';
import { MailerError } from '../../functions/core/domain/mailer-error.ts';
import { type StepMessage, scheduleNameFor } from '../../functions/core/domain/step-message.ts';
import { isInWindow } from '../../functions/core/policy/send-window.ts';
import type { SendStepOutcome } from '../../functions/core/sending/send-step.ts';
import { stepScheduler } from '../../functions/handlers/composition.ts';
import { type LocalRuntime, localNames } from '../../functions/local/local-runtime.ts';
import { VirtualClock } from '../../functions/local/virtual-clock.ts';
import type { Mailer } from '../../functions/ports/mailer.ts';
import { projectBundle, startTestRuntime } from '../support/local-stack.ts';

/** Sequences on the Scheduler emulator: windows in each zone, DST, caps across sequences, exits, SES errors. */
const day = 86_400_000;
const iso = (text: string) => Date.parse(text);
const start = iso('2026-03-01T12:00:00Z'); // a Sunday

let runtime: LocalRuntime;
let clock: VirtualClock;
let bundle: RuntimeBundle;
const outcomes: { message: StepMessage; outcome: SendStepOutcome }[] = [];
/** Per recipient, an SES failure to throw instead of sending (by error name). */
const sesFailures = new Map<string, string>();
/** Per recipient, crash once right after the claim. */
const crashAfterClaim = new Set<string>();

const window = { days: ['mon', 'tue', 'wed', 'thu', 'fri'] as const, fromMinute: 9 * 60, toMinute: 18 * 60 };

function failingMailer(mailer: Mailer): Mailer {
  return {
    async send(email) {
      const failure = sesFailures.get(email.to);
      if (failure !== undefined) {
        // SES's own wording names the recipient; none of it may reach the ledger or a log line.
        throw new MailerError(
          `SES ${failure}: Email address is not verified. The following identities failed the check in region EU-WEST-1: ${email.to}`,
          // As the SES adapter reads the error's name (it is SES's, not the core's, to know).
          mailerErrorKindFor({ name: failure }),
          { cause: { name: failure } },
        );
      }
      return mailer.send(email);
    },
  };
}

beforeAll(async () => {
  bundle = await projectBundle((config) => ({
    ...config,
    policy: PolicySchema.parse({
      sendWindow: { days: [...window.days], from: '09:00', to: '18:00' },
      cap: { emails: 2, per: '7d' },
      minimumGap: '1d',
    }),
    sequences: [
      SequenceSchema.parse({
        id: 'winback',
        steps: [
          { id: 'check-in', template: 'checking-in', delay: '0d' },
          { id: 'fixed', template: 'we-fixed-it', delay: '3d' },
          { id: 'last', template: 'last-note', delay: '4d' },
        ],
      }),
      SequenceSchema.parse({
        id: 'second',
        steps: [{ id: 'hello', template: 'checking-in', delay: '0d' }],
      }),
      SequenceSchema.parse({
        id: 'fixes',
        steps: [
          { id: 'fixed', template: 'we-fixed-it', delay: '0d', requires: 'updates' },
          {
            id: 'fixed-or-hello',
            template: 'we-fixed-it',
            delay: '2d',
            requires: 'updates',
            otherwise: { template: 'checking-in' },
          },
        ],
      }),
    ],
  }));
  clock = new VirtualClock(start);
  runtime = await startTestRuntime({
    clock,
    bundle,
    wrapMailer: failingMailer,
    wrapStore: (store) =>
      new Proxy(store, {
        get(target, property) {
          if (property === 'claimSend') {
            return async (record: Parameters<typeof store.claimSend>[0]) => {
              const result = await target.claimSend(record);
              if (crashAfterClaim.delete(record.customerId)) throw new Error('crashed after the claim');
              return result;
            };
          }
          const value: unknown = Reflect.get(target, property, target);
          return typeof value === 'function' ? value.bind(target) : value;
        },
      }),
    onSendOutcome: (message, outcome) => outcomes.push({ message, outcome }),
  });
});

afterAll(async () => {
  await runtime?.stop();
});

/** The step scheduler the segmenter and sender get, from the composition root. */
const scheduler = () => stepScheduler({ clients: runtime.clients, names: localNames, clock });

/** A customer enrolled in `sequenceId` at `at`, first step scheduled as the segmenter does. */
async function enrol(customerId: string, timeZone: string, sequenceId = 'winback', at = clock.now()) {
  await runtime.store.putCustomers([
    {
      customerId,
      email: `${customerId}@delivery.example`,
      firstName: customerId,
      locale: 'en',
      timeZone,
      consent: 'granted',
    },
  ]);
  const enrolmentId = enrolmentIdFor(customerId, sequenceId, at);
  await runtime.enrolments.createAssignment({
    enrolmentId,
    customerId,
    sequenceId,
    segmentId: 'lapsed',
    enrolledAt: at,
    state: 'active',
  });
  const message: StepMessage = {
    version: 1,
    customerId,
    enrolmentId,
    sequenceId,
    segmentId: 'lapsed',
    stepIndex: 0,
    dueAt: at,
  };
  await scheduler().scheduleStep(scheduleNameFor(enrolmentId, 0), message, { timeZone });
  return enrolmentId;
}

const sendsOf = async (customerId: string) => (await runtime.store.getCustomerView(customerId))?.sends ?? [];
const outcomesOf = (customerId: string) =>
  outcomes.filter((entry) => entry.message.customerId === customerId).map((entry) => entry.outcome);

describe('respectful delivery', () => {
  it('defers a Sunday enrolment to Monday morning in each recipient zone, half and three-quarter hours too', async () => {
    const zones = { kolkata: 'Asia/Kolkata', chatham: 'Pacific/Chatham', london: 'Europe/London' } as const;
    for (const [customerId, zone] of Object.entries(zones)) await enrol(customerId, zone);
    await runtime.scheduler.runUntil(iso('2026-03-03T00:00:00Z'));
    for (const [customerId, zone] of Object.entries(zones)) {
      const [first] = await sendsOf(customerId);
      expect(first?.state, customerId).toBe('sent');
      expect(isInWindow(first?.sentAt ?? 0, window, zone), customerId).toBe(true);
      expect(outcomesOf(customerId)[0]).toMatchObject({ kind: 'deferred', reason: 'window' });
    }
    // Monday 09:00 local, within the 15-minute flexible window.
    const kolkata = (await sendsOf('kolkata'))[0]?.sentAt ?? 0;
    expect(kolkata - iso('2026-03-02T03:30:00Z')).toBeGreaterThanOrEqual(0);
    expect(kolkata - iso('2026-03-02T03:30:00Z')).toBeLessThan(15 * 60_000);
    const chatham = (await sendsOf('chatham'))[0]?.sentAt ?? 0;
    expect(chatham - iso('2026-03-01T19:15:00Z')).toBeGreaterThanOrEqual(0);
    expect(chatham - iso('2026-03-01T19:15:00Z')).toBeLessThan(15 * 60_000);
  });

  it('plans the next step as a flexible at() schedule in the recipient zone, then exits on a purchase', async () => {
    const view = await runtime.store.getCustomerView('kolkata');
    const enrolmentId = view?.enrolments[0]?.enrolmentId ?? '';
    const next = await runtime.clients.scheduler.send(
      new GetScheduleCommand({ Name: scheduleNameFor(enrolmentId, 1), GroupName: localNames.scheduleGroup }),
    );
    expect(next).toMatchObject({
      ScheduleExpressionTimezone: 'Asia/Kolkata',
      ActionAfterCompletion: 'DELETE',
      FlexibleTimeWindow: { Mode: 'FLEXIBLE', MaximumWindowInMinutes: 15 },
      Target: { Arn: localNames.sendQueueArn, DeadLetterConfig: { Arn: localNames.sendDeadLetterQueueArn } },
    });
    expect(next.ScheduleExpression).toMatch(/^at\(2026-03-05T09:\d\d:\d\d\)$/);

    await runtime.store.putOrders([
      { orderId: 'back-1', customerId: 'kolkata', placedAt: '2026-03-03T10:00:00.000Z', amount: 25 },
    ]);
    const emailsBefore = (await runtime.ses.outbox()).length;
    await runtime.scheduler.runUntil(iso('2026-03-12T00:00:00Z'));
    const after = await runtime.store.getCustomerView('kolkata');
    expect(after?.enrolments[0]).toMatchObject({ state: 'exited', exitReason: 'purchase', endedAtStep: 1 });
    expect(after?.sends).toHaveLength(1);
    expect(outcomesOf('kolkata').at(-1)).toEqual({ kind: 'exited', reason: 'purchase' });
    // The others went on: Chatham and London got their second and third steps, Kolkata nothing more.
    const outbox = await runtime.ses.outbox();
    expect(outbox.filter((email) => email.destination.to[0] === 'kolkata@delivery.example')).toHaveLength(1);
    expect(outbox.length).toBeGreaterThan(emailsBefore);
  });

  it('follows the clock change: a step due on the Saturday of the spring-forward weekend goes Monday 09:00 BST', async () => {
    await runtime.scheduler.runUntil(iso('2026-03-28T10:00:00Z')); // Saturday, still GMT
    await enrol('dst', 'Europe/London');
    await runtime.scheduler.runUntil(iso('2026-03-31T00:00:00Z'));
    const [first] = await sendsOf('dst');
    // 09:00 BST is 08:00Z on Monday 30 March (it was 09:00Z the Monday before).
    expect((first?.sentAt ?? 0) - iso('2026-03-30T08:00:00Z')).toBeGreaterThanOrEqual(0);
    expect((first?.sentAt ?? 0) - iso('2026-03-30T08:00:00Z')).toBeLessThan(15 * 60_000);
  });

  it('caps emails across two sequences and keeps the minimum gap, deferring rather than dropping', async () => {
    await runtime.scheduler.runUntil(iso('2026-04-06T10:00:00Z')); // Monday
    await enrol('capped', 'Europe/London', 'winback');
    await runtime.enrolments.createAssignment({
      enrolmentId: 'second-x-capped',
      customerId: 'capped',
      sequenceId: 'second',
      segmentId: 'other',
      enrolledAt: clock.now(),
      state: 'active',
    });
    await scheduler().scheduleStep(
      scheduleNameFor('second-x-capped', 0),
      {
        version: 1,
        customerId: 'capped',
        enrolmentId: 'second-x-capped',
        sequenceId: 'second',
        segmentId: 'other',
        stepIndex: 0,
        dueAt: clock.now(),
      },
      { timeZone: 'Europe/London' },
    );
    await runtime.scheduler.runUntil(iso('2026-04-30T00:00:00Z'));
    const sends = (await sendsOf('capped')).filter((send) => send.state === 'sent');
    expect(sends).toHaveLength(4);
    const times = sends.map((send) => send.sentAt ?? 0).sort((a, b) => a - b);
    for (let i = 1; i < times.length; i += 1)
      expect((times[i] ?? 0) - (times[i - 1] ?? 0)).toBeGreaterThanOrEqual(day);
    for (const at of times)
      expect(times.filter((other) => other > at - 7 * day && other <= at).length).toBeLessThanOrEqual(2);
    const reasons = outcomesOf('capped').flatMap((outcome) =>
      outcome.kind === 'deferred' ? [outcome.reason] : [],
    );
    expect(reasons).toContain('gap');
    expect(reasons).toContain('cap');
  });

  it('records a permanent SES error on the step and stops; a paused account keeps the step until SES resumes', async () => {
    await runtime.scheduler.runUntil(iso('2026-05-04T10:00:00Z')); // Monday
    sesFailures.set('rejected@delivery.example', 'MessageRejected');
    sesFailures.set('paused@delivery.example', 'SendingPausedException');
    await enrol('rejected', 'Europe/London');
    await enrol('paused', 'Europe/London');
    await runtime.scheduler.runUntil(iso('2026-05-04T12:00:00Z'));
    const rejected = await runtime.store.getCustomerView('rejected');
    expect(rejected?.sends[0]).toMatchObject({
      state: 'failed',
      error: expect.stringContaining('MessageRejected'),
    });
    expect(rejected?.sends[0]?.error).toContain('failed the check in region EU-WEST-1: <address>');
    expect(rejected?.sends[0]?.error).not.toContain('rejected@delivery.example');
    expect(rejected?.enrolments[0]).toMatchObject({ state: 'exited', exitReason: 'send-failed' });
    // Paused: the claim is released, nothing recorded, and the step is planned again an hour later,
    // again and again; the message itself is done, so nothing reaches the dead-letter queue.
    const paused = await runtime.store.getCustomerView('paused');
    expect(paused?.sends).toEqual([]);
    expect(paused?.enrolments[0]?.state).toBe('active');
    const attempts = outcomesOf('paused');
    expect(attempts.length).toBeGreaterThanOrEqual(2);
    for (const outcome of attempts) expect(outcome).toMatchObject({ kind: 'paused' });
    expect(runtime.sendQueue.deadLetters).toEqual([]);

    // A person has SES resume: the next hourly look sends it, once.
    sesFailures.delete('paused@delivery.example');
    await runtime.scheduler.runUntil(iso('2026-05-04T14:00:00Z'));
    const resumed = await runtime.store.getCustomerView('paused');
    expect(resumed?.sends.map((send) => send.state)).toEqual(['sent']);
    expect(outcomesOf('paused').filter((outcome) => outcome.kind === 'sent')).toHaveLength(1);
    const outbox = await runtime.ses.outbox();
    expect(outbox.filter((email) => email.destination.to[0] === 'paused@delivery.example')).toHaveLength(1);
  });

  it('plans a throttled step again minutes later instead of failing its message', async () => {
    await runtime.scheduler.runUntil(iso('2026-05-05T10:00:00Z')); // Tuesday
    sesFailures.set('throttled@delivery.example', 'TooManyRequestsException');
    await enrol('throttled', 'Europe/London');
    await runtime.scheduler.runUntil(iso('2026-05-05T10:20:00Z'));
    const [first] = outcomesOf('throttled');
    expect(first).toMatchObject({ kind: 'retry', attempt: 1 });
    if (first?.kind !== 'retry') throw new Error('expected a retry');
    // Planned for 10:00, scheduled at 10:02 (the schedule-time floor: two minutes ahead of the
    // clock), fired in its 15-minute flexible window from there, then five minutes on.
    expect(first.until).toBeGreaterThanOrEqual(iso('2026-05-05T10:07:00Z'));
    expect(first.until).toBeLessThanOrEqual(iso('2026-05-05T10:22:00Z'));

    sesFailures.delete('throttled@delivery.example');
    await runtime.scheduler.runUntil(iso('2026-05-05T11:00:00Z'));
    expect((await runtime.store.getCustomerView('throttled'))?.sends.map((send) => send.state)).toEqual([
      'sent',
    ]);
    expect(runtime.sendQueue.deadLetters).toEqual([]);
  });

  it('lists a step stuck after its claim and retries it once the operator says it did not go', async () => {
    crashAfterClaim.add('stuck');
    await enrol('stuck', 'Europe/London');
    // The flexible window may put the firing up to 15 minutes after the planned time.
    await runtime.scheduler.runUntil(clock.now() + 20 * 60_000);
    expect(
      await runtime.ses
        .outbox()
        .then((emails) => emails.filter((email) => email.destination.to[0] === 'stuck@delivery.example')),
    ).toEqual([]);

    const command = makeSendsCommand(async () => ({
      store: runtime.store,
      scheduler: scheduler(),
      clock,
      config: bundle.config,
    }));
    const listing = new MemoryOutput();
    expect(await command.run(['stuck', '--older-than', '0m'], listing)).toBe(0);
    const enrolmentId = (await runtime.store.getCustomerView('stuck'))?.enrolments[0]?.enrolmentId ?? '';
    expect(listing.lines.join('\n')).toContain(enrolmentId);

    const retry = new MemoryOutput();
    expect(await command.run(['retry', enrolmentId, '0'], retry)).toBe(0);
    expect(await command.run(['retry', enrolmentId, '0'], new MemoryOutput())).toBe(1);
    await runtime.scheduler.runUntil(clock.now() + day);
    const sent = (await runtime.ses.outbox()).filter(
      (email) => email.destination.to[0] === 'stuck@delivery.example',
    );
    expect(sent).toHaveLength(1);
    expect((await sendsOf('stuck'))[0]?.state).toBe('sent');
    const after = new MemoryOutput();
    await command.run(['stuck', '--older-than', '0m'], after);
    expect(after.lines).toEqual(['No stuck sends.']);
  });

  it('never sends an empty "what we fixed": skips the step, or sends the declared alternative', async () => {
    // No incident, so no update in the feed is relevant to this customer.
    await enrol('no-news', 'Europe/London', 'fixes');
    await runtime.scheduler.runUntil(clock.now() + 7 * day);
    const sends = await sendsOf('no-news');
    expect(sends.map((send) => [send.stepId, send.state, send.templateId])).toEqual([
      ['fixed', 'skipped', 'we-fixed-it'],
      ['fixed-or-hello', 'sent', 'checking-in'],
    ]);
    expect(sends[0]?.error).toMatch(/^requires updates: no update relevant/);
    const emails = (await runtime.ses.outbox()).filter(
      (email) => email.destination.to[0] === 'no-news@delivery.example',
    );
    expect(emails.map((email) => email.subject)).toEqual(['no-news, it has been a while']);
    expect((await runtime.store.getCustomerView('no-news'))?.enrolments[0]?.state).toBe('completed');
  });
});
