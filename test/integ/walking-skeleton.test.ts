import { GetScheduleCommand, ResourceNotFoundException } from '@aws-sdk/client-scheduler';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { scheduleNameFor } from '../../functions/core/domain/step-message.ts';
import { type LocalRuntime, localNames } from '../../functions/local/local-runtime.ts';
import { toCsv } from '../../functions/local/sample-data.ts';
import { VirtualClock } from '../../functions/local/virtual-clock.ts';
import { startTestRuntime } from '../support/local-stack.ts';
import { customerColumns, lapsedCustomer, lapsedOrders, orderColumns } from './lapsed-customer.ts';

const start = Date.parse('2026-11-23T09:00:00Z');
const daysAgo = (days: number) => new Date(start - days * 86_400_000).toISOString();
let runtime: LocalRuntime;
let clock: VirtualClock;

beforeAll(async () => {
  clock = new VirtualClock(start);
  runtime = await startTestRuntime({ clock });
});

afterAll(async () => {
  await runtime?.stop();
});

describe('the walking skeleton on the local emulators', () => {
  it('imports, segments, schedules, sends once with unsubscribe headers, and records the send', async () => {
    const customers = [
      lapsedCustomer,
      {
        customerId: 'active-1',
        email: 'active@example.com',
        firstName: 'Ben',
        locale: 'en',
        timeZone: 'Europe/London',
        consent: 'granted',
      },
      {
        customerId: 'bad',
        email: 'nope',
        firstName: 'Bad',
        locale: 'en',
        timeZone: 'Europe/London',
        consent: 'granted',
      },
    ];
    const orders = [
      ...lapsedOrders(start),
      { orderId: 'o3', customerId: 'active-1', placedAt: daysAgo(10), amount: 15 },
    ];
    const [customerReport] = await runtime.dropImport(
      'customers.csv',
      toCsv(customers, [...customerColumns]),
    );
    await runtime.dropImport('orders.csv', toCsv(orders, [...orderColumns]));
    expect(customerReport?.written).toBe(2);
    expect(customerReport?.rejected).toEqual([{ line: 4, reason: expect.stringContaining('email') }]);

    const report = await runtime.handlers.segmentCustomers({});
    expect(report).toMatchObject({ customers: 2, enrolled: 1, scheduled: 1 });
    // Running the segmenter again enrols nobody twice.
    expect(await runtime.handlers.segmentCustomers({})).toMatchObject({ enrolled: 0, alreadyEnrolled: 1 });

    const view = await runtime.store.getCustomerView('lapsed-1');
    const enrolment = view?.enrolments[0];
    expect(enrolment).toBeDefined();
    const scheduleName = scheduleNameFor(enrolment?.enrolmentId ?? '', 0);
    await expect(
      runtime.clients.scheduler.send(
        new GetScheduleCommand({ Name: scheduleName, GroupName: localNames.scheduleGroup }),
      ),
    ).resolves.toMatchObject({ ActionAfterCompletion: 'DELETE', ScheduleExpressionTimezone: 'Asia/Kolkata' });

    await runtime.scheduler.runUntil(start + 86_400_000);

    const emails = await runtime.ses.outbox();
    expect(emails).toHaveLength(1);
    const [email] = emails;
    expect(email?.destination.to).toEqual(['lapsed@example.com']);
    expect(email?.subject).toBe('Asha, it has been a while');
    expect(email?.body.text).toContain('Hello Asha,');
    const headers = Object.fromEntries((email?.headers ?? []).map((header) => [header.name, header.value]));
    const [web, mailto] = (headers['List-Unsubscribe'] ?? '').split(', ');
    expect(web?.startsWith(`<${localNames.unsubscribeUrl}?t=`)).toBe(true);
    expect(web).toMatch(/\?t=[\w-]+\.[\w-]+>$/);
    expect(mailto).toMatch(/^<mailto:unsubscribe@/);
    expect(headers['List-Unsubscribe-Post']).toBe('List-Unsubscribe=One-Click');

    const after = await runtime.store.getCustomerView('lapsed-1');
    expect(after?.sends).toEqual([
      expect.objectContaining({
        stepIndex: 0,
        state: 'sent',
        messageId: email?.messageId,
        stepId: 'check-in',
      }),
    ]);
    // A Scan of the table reads every customer's view as the Query of each does (the demo's checks use it).
    const scanned = [];
    for await (const scannedView of runtime.store.scanCustomerViews()) scanned.push(scannedView);
    expect(scanned.map((each) => each.customer.customerId).sort()).toEqual(['active-1', 'lapsed-1']);
    expect(scanned.find((each) => each.customer.customerId === 'lapsed-1')).toEqual(after);
    // The first of three steps: the enrolment goes on, the next step is planned.
    expect(after?.enrolments[0]?.state).toBe('active');
    await expect(
      runtime.clients.scheduler.send(
        new GetScheduleCommand({ Name: scheduleName, GroupName: localNames.scheduleGroup }),
      ),
    ).rejects.toBeInstanceOf(ResourceNotFoundException);
  });

  it('sends nothing more when the same step message is delivered again', async () => {
    const view = await runtime.store.getCustomerView('lapsed-1');
    const enrolment = view?.enrolments[0];
    if (enrolment === undefined) throw new Error('the first test enrols lapsed-1');
    const before = (await runtime.ses.outbox()).length;
    const message = {
      version: 1,
      customerId: 'lapsed-1',
      enrolmentId: enrolment.enrolmentId,
      sequenceId: enrolment.sequenceId,
      segmentId: enrolment.segmentId,
      stepIndex: 0,
      dueAt: start,
    };
    await runtime.sendQueue.deliver({ body: JSON.stringify(message) });
    await runtime.sendQueue.deliver({ body: JSON.stringify(message) });
    expect(await runtime.ses.outbox()).toHaveLength(before);
    expect(runtime.sendQueue.deadLetters).toEqual([]);
  });
});
