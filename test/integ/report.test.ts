import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { reportCommand } from '../../functions/cli/commands/report.ts';
import { MemoryOutput } from '../../functions/cli/output.ts';
import type { SendStepOutcome } from '../../functions/core/sending/send-step.ts';
import { type LocalRuntime, localNames } from '../../functions/local/local-runtime.ts';
import { VirtualClock } from '../../functions/local/virtual-clock.ts';
import { enrolCustomer, firstStepMessage, startTestRuntime } from '../support/local-stack.ts';

// Monday 09:00 in London: inside the send window.
const start = Date.parse('2026-11-23T09:00:00Z');
const day = 86_400_000;
let runtime: LocalRuntime;
const clock = new VirtualClock(start);
const outcomes: SendStepOutcome[] = [];

beforeAll(async () => {
  runtime = await startTestRuntime({
    clock,
    // rekindle report runs in this process against this stack.
    exportEnvironment: true,
    onSendOutcome: (_message, outcome) => outcomes.push(outcome),
  });
});

afterAll(async () => {
  await runtime?.stop();
});

const stepMessage = (customerId: string, enrolmentId: string) =>
  firstStepMessage(customerId, enrolmentId, start);

interface JsonGroup {
  segmentId: string;
  sequenceId: string;
  returned: number;
  revenue: { currency: string; amount: number }[];
  revenuePerEmail: { currency: string; amount: number }[];
  totals: { sent: number; deferredWindow: number };
  steps: { stepId: string; returned: number }[];
  weeks: { week: string; sent: number; returned: number }[];
  funnel: { stage: string; count: number }[];
  counted: { opens: boolean; clicks: boolean };
}

describe('rekindle report against the local emulators', () => {
  it('reports revenue per currency without refunds, the weeks, the funnel and deferrals by cause, from DynamoDB', async () => {
    const customers = ['rep-1', 'rep-2', 'rep-3'];
    const enrolments = new Map<string, string>();
    for (const customerId of customers)
      enrolments.set(
        customerId,
        await enrolCustomer(
          runtime,
          {
            customerId,
            email: `${customerId}@example.com`,
            firstName: 'Kim',
            locale: 'en',
            timeZone: 'Europe/London',
            consent: 'granted',
          },
          start,
        ),
      );
    for (const customerId of customers)
      await runtime.sendQueue.deliver(stepMessage(customerId, enrolments.get(customerId) ?? ''));
    expect(outcomes.filter((outcome) => outcome.kind === 'sent')).toHaveLength(3);
    // SES's send events, as record-engagement stores them, count the emails sent.
    await runtime.engagement.ledger.recordAll(
      customers.map((customerId) => ({
        eventId: `send-${customerId}`,
        type: 'send' as const,
        at: start,
        customerId,
        messageId: `ses-${customerId}`,
        enrolmentId: enrolments.get(customerId) ?? '',
        sequenceId: 'gentle-winback',
        stepIndex: 0,
        segmentId: 'lapsed',
        stepId: 'check-in',
      })),
    );
    // A step due at 02:00 London time waits for the window: one deferral by the window.
    clock.advanceTo(Date.parse('2026-11-24T02:00:00Z'));
    const late = await enrolCustomer(
      runtime,
      {
        customerId: 'rep-4',
        email: 'rep-4@example.com',
        firstName: 'Kim',
        locale: 'en',
        timeZone: 'Europe/London',
        consent: 'granted',
      },
      start,
    );
    await runtime.sendQueue.deliver(stepMessage('rep-4', late));
    expect(outcomes.at(-1)).toMatchObject({ kind: 'deferred', reason: 'window' });

    await runtime.store.putOrders([
      {
        orderId: 'rep-o1',
        customerId: 'rep-1',
        placedAt: new Date(start + 2 * day).toISOString(),
        amount: 60,
        currency: 'EUR',
      },
      {
        orderId: 'rep-o2',
        customerId: 'rep-2',
        placedAt: new Date(start + 3 * day).toISOString(),
        amount: 25,
        currency: 'USD',
      },
      {
        orderId: 'rep-o3',
        customerId: 'rep-3',
        placedAt: new Date(start + 3 * day).toISOString(),
        amount: 500,
        currency: 'EUR',
        status: 'refunded',
      },
    ]);

    const out = new MemoryOutput();
    expect(await reportCommand.run(['--table', localNames.tableName, '--json'], out)).toBe(0);
    expect(out.errors[0]).toMatch(
      new RegExp(`^Reading table ${localNames.tableName} at http://127\\.0\\.0\\.1:\\d+\\.$`),
    );
    const report = JSON.parse(out.lines[0] ?? '{}');
    const group: JsonGroup = report.groups.find(
      (candidate: JsonGroup) => candidate.segmentId === 'lapsed' && candidate.sequenceId === 'gentle-winback',
    );
    expect(report.source).toContain(`table ${localNames.tableName}`);
    expect(group.returned).toBe(2);
    expect(group.revenue).toEqual([
      { currency: 'EUR', amount: 60 },
      { currency: 'USD', amount: 25 },
    ]);
    expect(group.totals).toMatchObject({ sent: 3, deferredWindow: 1 });
    expect(group.revenuePerEmail).toEqual([
      { currency: 'EUR', amount: 20 },
      { currency: 'USD', amount: 25 / 3 },
    ]);
    expect(group.steps[0]).toMatchObject({ stepId: 'check-in', returned: 2 });
    expect(group.weeks).toEqual([{ week: '2026-W48', sent: 3, returned: 2, revenue: group.revenue }]);
    // The shipped config tracks clicks, not opens; but the shipped template's only link is the
    // (never tracked) unsubscribe link, so its emails went out with clicks off: the funnel skips both.
    expect(group.counted).toEqual({ opens: false, clicks: false });
    expect(group.funnel.map((stage) => stage.stage)).toEqual(['sent', 'delivered', 'returned']);

    const text = new MemoryOutput();
    await reportCommand.run(['--table', localNames.tableName], text);
    expect(text.lines.join('\n')).toContain('held back once a due step waited: outside the send window 1');
    expect(text.lines.join('\n')).toContain(
      "not tracked: opens (this sequence's tracking.opens is off) and clicks (none of the 3 emails sent had a link SES tracks",
    );
  });

  it('says in one line that a table does not exist, never a stack trace', async () => {
    const out = new MemoryOutput();
    expect(await reportCommand.run(['--table', 'no-such-table'], out)).toBe(1);
    expect(out.errors.at(-1)).toMatch(
      /^rekindle report: table no-such-table does not exist in this account in [a-z0-9-]+ \(.*\)$/,
    );
    expect(out.errors.join('\n')).not.toContain('    at ');
  });
});
