import { beforeAll, describe, expect, it } from 'vitest';
import { mailerErrorKindFor } from '../../../../functions/adapters/ses/ses-mailer.ts';
import { compileTemplates } from '../../../../functions/build/compile-templates.ts';
import { MailerError } from '../../../../functions/core/domain/mailer-error.ts';
import { allSequences } from '../../../../functions/core/domain/pauses.ts';
import type { StepMessage } from '../../../../functions/core/domain/step-message.ts';
import type { TemplateCatalog } from '../../../../functions/core/rendering/compiled-template.ts';
import { sendStep, throttledRetryDelay } from '../../../../functions/core/sending/send-step.ts';
import { heldBackPauseOf } from '../../../../functions/handlers/send-step.ts';
import { VirtualClock } from '../../../../functions/local/virtual-clock.ts';
import type { Mailer } from '../../../../functions/ports/mailer.ts';
import { MemoryCustomerStore } from '../../../support/memory-customer-store.ts';
import { MemoryEngagementLedger } from '../../../support/memory-engagement-ledger.ts';
import { MemoryEnrolmentStore } from '../../../support/memory-enrolment-store.ts';
import { MemoryMailer } from '../../../support/memory-mailer.ts';
import { links, loadConfig } from '../rendering/fixtures.ts';
import { MemoryScheduler } from '../segments/fixtures.ts';

// Monday 10:00 in London: inside the send window, nothing sent before, so only the ledger decides.
const now = Date.parse('2026-11-23T10:00:00Z');
const enrolmentId = 'gentle-winback-20261123-aaaaaaaaaaaaaaaa';
const message: StepMessage = {
  version: 1,
  customerId: 'c1',
  enrolmentId,
  sequenceId: 'gentle-winback',
  segmentId: 'lapsed',
  stepIndex: 0,
  dueAt: now,
};
const config = loadConfig();
let templates: TemplateCatalog;

beforeAll(async () => {
  templates = await compileTemplates('templates');
});

/** The send path alone, over in-memory stores: one lapsed customer with an active enrolment. */
async function setup(mailer: Mailer = new MemoryMailer()) {
  const enrolments = new MemoryEnrolmentStore();
  const store = new MemoryCustomerStore(enrolments);
  const scheduler = new MemoryScheduler();
  const clock = new VirtualClock(now);
  await store.putCustomers([
    {
      customerId: 'c1',
      email: 'asha@example.com',
      firstName: 'Asha',
      locale: 'en',
      timeZone: 'Europe/London',
      consent: 'granted',
    },
  ]);
  await store.putOrders([
    { orderId: 'o1', customerId: 'c1', placedAt: '2026-03-01T10:00:00.000Z', amount: 30 },
  ]);
  await enrolments.createAssignment({
    enrolmentId,
    customerId: 'c1',
    sequenceId: 'gentle-winback',
    segmentId: 'lapsed',
    enrolledAt: now,
    state: 'active',
  });
  const deps = { store, enrolments, mailer, scheduler, clock, config, templates, links };
  return { store, enrolments, scheduler, clock, deps };
}

/** A mailer that fails the first `times` sends with an SES error of `name`, then sends. */
function failing(name: string, times = 1): MemoryMailer {
  const mailer = new MemoryMailer();
  let left = times;
  const send = mailer.send.bind(mailer);
  mailer.send = async (email) => {
    if (left > 0) {
      left -= 1;
      throw new MailerError(`SES ${name}: refused ${email.to}`, mailerErrorKindFor({ name }));
    }
    return send(email);
  };
  return mailer;
}

describe('sendStep: claim, send, confirm, release', () => {
  it('sends once: claims, sends, confirms and plans the next step; a redelivery sends nothing', async () => {
    const mailer = new MemoryMailer();
    const { store, scheduler, deps } = await setup(mailer);
    const outcome = await sendStep(message, deps);
    expect(outcome).toMatchObject({ kind: 'sent', messageId: 'm-1', nextStep: 1 });
    expect([...store.ledger.values()]).toEqual([
      expect.objectContaining({ stepIndex: 0, state: 'sent', messageId: 'm-1', sentAt: now, claimedAt: now }),
    ]);
    expect([...scheduler.created.values()].map((next) => next.stepIndex)).toEqual([1]);

    expect(await sendStep(message, deps)).toMatchObject({ kind: 'duplicate', state: 'sent' });
    expect(mailer.sent).toHaveLength(1);
  });

  it('records on the send what SES tracked in the email, for the report', async () => {
    const { store, deps } = await setup();
    expect(await sendStep(message, deps)).toMatchObject({ kind: 'sent' });
    // The shipped template's only link is the unsubscribe link: clicks configured, but off in the email.
    expect(config.engagement.tracking).toEqual({ opens: false, clicks: true });
    expect([...store.ledger.values()].map((send) => send.tracking)).toEqual([
      { opens: false, clicks: false, noTrackedLinks: true },
    ]);

    const withLink = Object.fromEntries(
      Object.entries(templates).map(([key, template]) => [
        key,
        {
          ...template,
          html: template.html.replace(
            '<a ses:no-track',
            '<a href="https://northwind.example/fixes">Fixes</a> <a ses:no-track',
          ),
        },
      ]),
    );
    const linked = await setup();
    await sendStep(message, { ...linked.deps, templates: withLink });
    expect([...linked.store.ledger.values()].map((send) => send.tracking)).toEqual([
      { opens: false, clicks: true },
    ]);
  });

  it('keeps the claim of a send that may have gone out, for an operator, and never sends it again', async () => {
    const mailer = new MemoryMailer();
    const { store, deps } = await setup({
      send: async () => {
        throw new MailerError('SES call failed: socket hang up', 'unknown');
      },
    });
    expect(await sendStep(message, deps)).toMatchObject({
      kind: 'failed',
      reason: 'unconfirmed, left claimed for an operator: SES call failed: socket hang up',
    });
    expect(await store.listClaimedSends(now + 1)).toEqual([expect.objectContaining({ state: 'claimed' })]);
    // The queue delivers the message again: the claim stands, nothing is sent.
    expect(await sendStep(message, { ...deps, mailer })).toMatchObject({
      kind: 'duplicate',
      state: 'claimed',
    });
    expect(mailer.sent).toEqual([]);
  });

  it('releases the claim when SES throttles, plans the same step minutes later, and that attempt sends it', async () => {
    const mailer = failing('TooManyRequestsException');
    const { store, scheduler, clock, deps } = await setup(mailer);
    const first = await sendStep(message, deps);
    expect(first).toMatchObject({ kind: 'retry', until: now + throttledRetryDelay });
    expect(store.ledger.size).toBe(0);
    const retry = [...scheduler.created.values()].find((next) => next.stepIndex === 0);
    expect(retry).toBeDefined();
    clock.advanceTo(now + throttledRetryDelay);
    expect(await sendStep(retry ?? message, deps)).toMatchObject({ kind: 'sent' });
    expect(mailer.sent).toHaveLength(1);
  });

  it('records a rejection as the step failed, without the address, and exits the enrolment', async () => {
    const { store, enrolments, deps } = await setup(failing('MessageRejected'));
    expect(await sendStep(message, deps)).toMatchObject({ kind: 'failed' });
    const [record] = store.ledger.values();
    expect(record).toMatchObject({ state: 'failed', error: 'SES MessageRejected: refused <address>' });
    expect(enrolments.ended.get(`c1|${enrolmentId}`)).toBe('send-failed');
  });

  it('releases the claim when SES pauses the account and looks again an hour later, without failing the enrolment', async () => {
    const { store, enrolments, deps } = await setup(failing('SendingPausedException'));
    expect(await sendStep(message, deps)).toMatchObject({ kind: 'paused', until: now + 3_600_000 });
    expect(store.ledger.size).toBe(0);
    expect(enrolments.ended.size).toBe(0);
  });

  it('never sends a step whose claim a crashed attempt left behind', async () => {
    const mailer = new MemoryMailer();
    const { store, deps } = await setup(mailer);
    await store.claimSend({
      enrolmentId,
      stepIndex: 0,
      customerId: 'c1',
      sequenceId: 'gentle-winback',
      stepId: 'check-in',
      state: 'claimed',
      claimedAt: now - 60_000,
    });
    expect(await sendStep(message, deps)).toMatchObject({ kind: 'duplicate', state: 'claimed' });
    expect(mailer.sent).toEqual([]);
  });
});

describe('sendStep: deferrals counted by cause', () => {
  const counted = (ledger: MemoryEngagementLedger) => {
    const counters = ledger.counters.get('gentle-winback|0|lapsed')?.counters;
    return counters === undefined
      ? undefined
      : {
          window: counters.deferredWindow,
          cap: counters.deferredCap,
          gap: counters.deferredGap,
          pause: counters.deferredPause,
          ticket: counters.deferredTicket,
        };
  };

  it('counts a step due at night as held back by the window, under its sequence, step and segment', async () => {
    const ledger = new MemoryEngagementLedger();
    const { deps, clock } = await setup();
    // 02:00 in London: outside the send window.
    clock.advanceTo(Date.parse('2026-11-24T02:00:00Z'));
    expect(await sendStep(message, { ...deps, deferrals: ledger })).toMatchObject({
      kind: 'deferred',
      reason: 'window',
    });
    expect(counted(ledger)).toEqual({ window: 1, cap: 0, gap: 0, pause: 0, ticket: 0 });
  });

  it('counts the minimum gap after an email, and SES pausing the account as a pause', async () => {
    const ledger = new MemoryEngagementLedger();
    const { deps } = await setup();
    await sendStep(message, deps);
    expect(await sendStep({ ...message, stepIndex: 1 }, { ...deps, deferrals: ledger })).toMatchObject({
      kind: 'deferred',
      reason: 'gap',
    });
    const paused = await setup(failing('SendingPausedException'));
    await sendStep(message, { ...paused.deps, deferrals: ledger });
    expect(ledger.counters.get('gentle-winback|1|lapsed')?.counters.deferredGap).toBe(1);
    expect(counted(ledger)).toEqual({ window: 0, cap: 0, gap: 0, pause: 1, ticket: 0 });
  });

  it('says which pause held the step, and the dashboard counts it under that pause', async () => {
    const { deps } = await setup();
    const guard = (sequenceId: string) => ({
      sendGuard: async () => ({ pause: { reason: 'stopped by hand', at: now, sequenceId } }),
    });
    const all = await sendStep(message, { ...deps, guard: guard(allSequences) });
    expect(all).toMatchObject({ kind: 'deferred', reason: 'sequence-paused', pausedBy: 'kill-switch' });
    expect(heldBackPauseOf(all)).toBe('kill-switch');
    const own = await sendStep(message, { ...deps, guard: guard('gentle-winback') });
    expect(own).toMatchObject({ kind: 'deferred', reason: 'sequence-paused', pausedBy: 'sequence' });
    expect(heldBackPauseOf(own)).toBe('sequence');
    const paused = await setup(failing('SendingPausedException'));
    expect(heldBackPauseOf(await sendStep(message, paused.deps))).toBe('ses-account');
    const window = await sendStep(message, { ...deps, clock: new VirtualClock(now - 9 * 3_600_000) });
    expect(window).toMatchObject({ kind: 'deferred', reason: 'window' });
    expect(heldBackPauseOf(window)).toBeUndefined();
  });

  it('counts nothing when the step goes out', async () => {
    const ledger = new MemoryEngagementLedger();
    const { deps } = await setup();
    expect(await sendStep(message, { ...deps, deferrals: ledger })).toMatchObject({ kind: 'sent' });
    expect(counted(ledger)).toBeUndefined();
  });
});
