import { createHash } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { RuntimeBundle } from '../../functions/build/runtime-bundle.ts';
import { PolicySchema, SequenceSchema } from '../../functions/core/config/sequences.ts';
import { enrolmentIdFor } from '../../functions/core/domain/enrolment.ts';
import { MailerError } from '../../functions/core/domain/mailer-error.ts';
import { type StepMessage, scheduleNameFor } from '../../functions/core/domain/step-message.ts';
import { confirmStuckSend, retryStuckSend } from '../../functions/core/sending/stuck-sends.ts';
import { stepScheduler } from '../../functions/handlers/composition.ts';
import { type LocalRuntime, localNames } from '../../functions/local/local-runtime.ts';
import { VirtualClock } from '../../functions/local/virtual-clock.ts';
import type { CustomerStore } from '../../functions/ports/customer-store.ts';
import type { EnrolmentStore } from '../../functions/ports/enrolment-store.ts';
import type { Mailer } from '../../functions/ports/mailer.ts';
import type { StepScheduler } from '../../functions/ports/step-scheduler.ts';
import { projectBundle, startTestRuntime } from '../support/local-stack.ts';

/**
 * Crashes and duplicate deliveries at every point of the send path, over many enrolments: every
 * step ends with exactly one email, or claimed and listed for an operator, never two emails.
 */
// 300 × 3 steps gives each of the eight faults about 110 (enrolment, step) pairs: every fault strikes
// at every step dozens of times (asserted below), in half a minute; 1,000 took two of CI's fifteen.
const enrolments = 300;
const steps = 3;
const start = Date.parse('2026-03-02T09:00:00Z');
const day = 86_400_000;

const faults = [
  'none',
  'duplicate-delivery',
  'crash-before-claim',
  'crash-after-claim',
  'throttled',
  'crash-after-send',
  'crash-before-record',
  'crash-before-next',
] as const;
type Fault = (typeof faults)[number];
/** Faults that leave a claim an operator must look at; the others heal themselves. */
const leavesClaim: ReadonlySet<Fault> = new Set([
  'crash-after-claim',
  'crash-after-send',
  'crash-before-record',
]);
/** Of those, the ones where the email really went out. */
const emailWent: ReadonlySet<Fault> = new Set(['crash-after-send', 'crash-before-record']);

const faultFor = (enrolmentId: string, stepIndex: number): Fault =>
  faults[
    createHash('sha256').update(`${enrolmentId}#${stepIndex}`).digest().readUInt32BE(0) % faults.length
  ] ?? 'none';

class InjectedCrash extends Error {
  override readonly name = 'InjectedCrash';
}

let runtime: LocalRuntime;
let clock: VirtualClock;
let bundle: RuntimeBundle;
const injected = new Set<string>();
/** Runs `crash` the first time a (fault, enrolment, step) is reached; later attempts pass. */
const once = (fault: Fault, enrolmentId: string, stepIndex: number): boolean => {
  if (faultFor(enrolmentId, stepIndex) !== fault) return false;
  const key = `${fault}#${enrolmentId}#${stepIndex}`;
  if (injected.has(key)) return false;
  injected.add(key);
  return true;
};

function faultyStore(store: CustomerStore): CustomerStore {
  return new Proxy(store, {
    get(target, property) {
      if (property === 'claimSend') {
        return async (record: Parameters<CustomerStore['claimSend']>[0]) => {
          if (record.state === 'claimed' && once('crash-before-claim', record.enrolmentId, record.stepIndex))
            throw new InjectedCrash('before the claim');
          const result = await target.claimSend(record);
          if (record.state === 'claimed' && once('crash-after-claim', record.enrolmentId, record.stepIndex))
            throw new InjectedCrash('after the claim');
          return result;
        };
      }
      if (property === 'confirmSend') {
        return async (...args: Parameters<CustomerStore['confirmSend']>) => {
          if (once('crash-before-record', args[0].enrolmentId, args[0].stepIndex))
            throw new InjectedCrash('before recording');
          return target.confirmSend(...args);
        };
      }
      const value: unknown = Reflect.get(target, property, target);
      return typeof value === 'function' ? value.bind(target) : value;
    },
  });
}

function faultyEnrolments(enrolments: EnrolmentStore): EnrolmentStore {
  return {
    createAssignment: (assignment) => enrolments.createAssignment(assignment),
    createAssignments: (assignments) => enrolments.createAssignments(assignments),
    async endEnrolment(customerId, enrolmentId, end) {
      // The last step has no next schedule: its "before the next step" is completing the enrolment.
      if (end.state === 'completed' && once('crash-before-next', enrolmentId, end.stepIndex))
        throw new InjectedCrash('before completing');
      return enrolments.endEnrolment(customerId, enrolmentId, end);
    },
    endActiveEnrolments: (...args) => enrolments.endActiveEnrolments(...args),
  };
}

function faultyScheduler(scheduler: StepScheduler): StepScheduler {
  return {
    async scheduleStep(name, message, options) {
      const previous = message.stepIndex - 1;
      if (message.attempt === undefined && message.retryOf === undefined && previous >= 0) {
        if (once('crash-before-next', message.enrolmentId, previous))
          throw new InjectedCrash('before scheduling the next step');
      }
      const result = await scheduler.scheduleStep(name, message, options);
      // The Scheduler and SQS deliver at least once: a second schedule with the same message.
      if (faultFor(message.enrolmentId, message.stepIndex) === 'duplicate-delivery')
        await scheduler.scheduleStep(`${name}-x`, message, options);
      return result;
    },
  };
}

function faultyMailer(mailer: Mailer): Mailer {
  return {
    async send(email) {
      const enrolmentId = email.tags.enrolment ?? '';
      const stepIndex = Number(email.tags.stepIndex);
      if (once('throttled', enrolmentId, stepIndex)) {
        throw new MailerError('SES TooManyRequestsException: slow down', 'throttled', {
          cause: { name: 'TooManyRequestsException' },
        });
      }
      const sent = await mailer.send(email);
      // SES accepted it, then the function died before it could hear back.
      if (once('crash-after-send', enrolmentId, stepIndex)) throw new InjectedCrash('after SendEmail');
      return sent;
    },
  };
}

const zones = ['Europe/London', 'Asia/Kolkata', 'Pacific/Chatham', 'America/New_York', undefined];

beforeAll(async () => {
  bundle = await projectBundle((config) => ({
    ...config,
    policy: PolicySchema.parse({
      cap: { emails: 10, per: '7d' },
      minimumGap: '1h',
      sendWindow: { from: '07:00', to: '22:00' },
    }),
    sequences: [
      SequenceSchema.parse({
        id: 'faults',
        steps: [
          { id: 'check-in', template: 'checking-in', delay: '0d' },
          { id: 'fixed', template: 'we-fixed-it', delay: '2d' },
          { id: 'last', template: 'last-note', delay: '3d' },
        ],
      }),
    ],
  }));
  clock = new VirtualClock(start);
  runtime = await startTestRuntime({
    clock,
    bundle,
    wrapStore: faultyStore,
    wrapEnrolments: faultyEnrolments,
    wrapScheduler: faultyScheduler,
    wrapMailer: faultyMailer,
  });
});

afterAll(async () => {
  await runtime?.stop();
});

interface Planned {
  readonly enrolmentId: string;
  readonly customerId: string;
  readonly email: string;
}

describe('the send path under crashes and duplicate deliveries', () => {
  const planned: Planned[] = [];
  const scheduler = () =>
    faultyScheduler(stepScheduler({ clients: runtime.clients, names: localNames, clock }));

  /** Emails in the SES outbox per (recipient, subject): one key per (enrolment, step) here. */
  async function emailsPerStep(): Promise<Map<string, number>> {
    const counts = new Map<string, number>();
    for (const email of await runtime.ses.outbox()) {
      const key = `${email.destination.to[0]}|${email.subject}`;
      counts.set(key, (counts.get(key) ?? 0) + 1);
    }
    return counts;
  }

  it(`enrols ${enrolments} customers and schedules their first step`, async () => {
    const customers = Array.from({ length: enrolments }, (_, index) => {
      const timeZone = zones[index % zones.length];
      return {
        customerId: `f${String(index).padStart(5, '0')}`,
        email: `f${index}@faults.example`,
        firstName: `F${index}`,
        locale: 'en',
        consent: 'granted' as const,
        ...(timeZone === undefined ? {} : { timeZone }),
      };
    });
    await runtime.store.putCustomers(customers);
    const plan = scheduler();
    for (const customer of customers) {
      const enrolmentId = enrolmentIdFor(customer.customerId, 'faults', start);
      await runtime.enrolments.createAssignment({
        enrolmentId,
        customerId: customer.customerId,
        sequenceId: 'faults',
        segmentId: 'lapsed',
        enrolledAt: start,
        state: 'active',
      });
      const first: StepMessage = {
        version: 1,
        customerId: customer.customerId,
        enrolmentId,
        sequenceId: 'faults',
        segmentId: 'lapsed',
        stepIndex: 0,
        dueAt: start,
      };
      await plan.scheduleStep(scheduleNameFor(enrolmentId, 0), first, {
        timeZone: customer.timeZone ?? 'Europe/London',
      });
      planned.push({ enrolmentId, customerId: customer.customerId, email: customer.email });
    }
    expect(planned).toHaveLength(enrolments);
  });

  it('never sends a step twice, and every step without its email is claimed and listed', async () => {
    await runtime.scheduler.runUntil(start + 30 * day);
    // Concurrent redeliveries of steps already handled: two invocations of the same message at once.
    const replays = planned.slice(0, 40).map((enrolment) =>
      JSON.stringify({
        version: 1,
        customerId: enrolment.customerId,
        enrolmentId: enrolment.enrolmentId,
        sequenceId: 'faults',
        segmentId: 'lapsed',
        stepIndex: 0,
        dueAt: start,
      }),
    );
    await Promise.all(
      replays.flatMap((body) => [runtime.sendQueue.deliver({ body }), runtime.sendQueue.deliver({ body })]),
    );

    const counts = await emailsPerStep();
    expect([...counts.values()].filter((count) => count > 1)).toEqual([]);
    const stuck = await runtime.store.listClaimedSends(clock.now() + 1);
    const stuckKeys = new Set(stuck.map((record) => `${record.enrolmentId}#${record.stepIndex}`));
    let expectedStuck = 0;
    for (const enrolment of planned) {
      const view = await runtime.store.getCustomerView(enrolment.customerId);
      const sends = view?.sends ?? [];
      // Each step reached is either sent or claimed; a claim stops the enrolment there, visibly.
      for (const send of sends) {
        const key = `${send.enrolmentId}#${send.stepIndex}`;
        const fault = faultFor(send.enrolmentId, send.stepIndex);
        if (send.state === 'claimed') {
          expect(stuckKeys.has(key), key).toBe(true);
          expect(leavesClaim.has(fault), `${key} ${fault}`).toBe(true);
          expectedStuck += 1;
        } else {
          expect(send.state, key).toBe('sent');
        }
      }
      const last = sends.at(-1);
      if (last?.state === 'sent') expect(sends).toHaveLength(steps);
    }
    expect(stuck).toHaveLength(expectedStuck);
    // Every kind of fault was really injected, many times over.
    for (const fault of faults.filter((kind) => kind !== 'none' && kind !== 'duplicate-delivery')) {
      const times = [...injected].filter((key) => key.startsWith(`${fault}#`)).length;
      expect(times, fault).toBeGreaterThan(20);
    }
    process.stderr.write(
      `FAULTS ${JSON.stringify({ injected: Object.fromEntries(faults.map((f) => [f, [...injected].filter((k) => k.startsWith(`${f}#`)).length])), stuck: stuck.length, emails: [...counts.values()].reduce((a, b) => a + b, 0), firings: runtime.scheduler.firings.length })}\n`,
    );
    expect(runtime.sendQueue.deadLetters).toEqual([]);
  });

  it('after the operator retries the unsent and confirms the sent, every step has exactly one email', async () => {
    for (let round = 0; round < steps; round += 1) {
      const stuck = await runtime.store.listClaimedSends(clock.now() + 1);
      for (const record of stuck) {
        const fault = faultFor(record.enrolmentId, record.stepIndex);
        const deps = { store: runtime.store, scheduler: scheduler(), clock, config: bundle.config };
        const result = emailWent.has(fault)
          ? await confirmStuckSend(deps, record.enrolmentId, record.stepIndex)
          : await retryStuckSend(deps, record.enrolmentId, record.stepIndex);
        expect(result.ok).toBe(true);
      }
      await runtime.scheduler.runUntil(clock.now() + 30 * day);
    }
    expect(await runtime.store.listClaimedSends(clock.now() + 1)).toEqual([]);
    const counts = await emailsPerStep();
    expect(counts.size).toBe(enrolments * steps);
    expect([...counts.values()].every((count) => count === 1)).toBe(true);
    for (const enrolment of planned) {
      const view = await runtime.store.getCustomerView(enrolment.customerId);
      expect(view?.enrolments[0]?.state, enrolment.enrolmentId).toBe('completed');
      expect(view?.sends.map((send) => send.state)).toEqual(['sent', 'sent', 'sent']);
    }
    expect(runtime.sendQueue.deadLetters).toEqual([]);
    // What the run covered: each injected fault struck at each of the three steps, many times.
    for (const fault of faults.filter((kind) => kind !== 'none' && kind !== 'duplicate-delivery'))
      for (let stepIndex = 0; stepIndex < steps; stepIndex += 1) {
        const times = [...injected].filter(
          (key) => key.startsWith(`${fault}#`) && key.endsWith(`#${stepIndex}`),
        ).length;
        expect(times, `${fault} at step ${stepIndex}`).toBeGreaterThanOrEqual(10);
      }
  });
});
