import { expect, it } from 'vitest';
import { type StepCounters, zeroCounters } from '../../../functions/core/domain/counters.ts';
import type { EngagementEvent } from '../../../functions/core/domain/engagement-event.ts';
import type { SendRecord } from '../../../functions/core/domain/send-record.ts';
import type { CustomerStore } from '../../../functions/ports/customer-store.ts';
import type { EngagementLedger } from '../../../functions/ports/engagement-ledger.ts';
import type { EnrolmentStore } from '../../../functions/ports/enrolment-store.ts';
import type { ReportReader } from '../../../functions/ports/report-reader.ts';

const at = Date.parse('2026-11-02T09:00:00Z');
const hour = 3_600_000;
const day = 24 * hour;

/** Rows in a stable order: the reader promises what it returns, not in which order. */
const sorted = <T>(rows: readonly T[]): T[] =>
  [...rows].sort((a, b) => JSON.stringify(a).localeCompare(JSON.stringify(b)));

/**
 * What every ReportReader promises about the records the other stores write, for the in-memory
 * fakes (unit) and DynamoDB (integ) alike. The table may hold other tests' records, so only the
 * rows of this test's customers, enrolments and sequence are compared.
 */
export function reportReaderContract(
  stores: () => {
    readonly reader: ReportReader;
    readonly enrolments: EnrolmentStore;
    readonly customers: CustomerStore;
    readonly ledger: EngagementLedger;
  },
  unique: (name: string) => string,
): void {
  it('reads assignments, sent emails, every order with its status, step counters and first responses', async () => {
    const { reader, enrolments, customers, ledger } = stores();
    const sequenceId = unique('report-sequence');
    const [returned, heldOut, left] = [unique('returned'), unique('held-out'), unique('left')];
    const enrolment = { sequenceId, segmentId: 'lapsed', enrolledAt: at };
    await enrolments.createAssignments([
      {
        ...enrolment,
        customerId: returned,
        enrolmentId: `${returned}-e`,
        state: 'active',
        predictedPurchases: 0.4,
      },
      { ...enrolment, customerId: heldOut, enrolmentId: `${heldOut}-h`, state: 'held-out' },
      { ...enrolment, customerId: left, enrolmentId: `${left}-e`, state: 'active' },
    ]);
    await enrolments.endEnrolment(returned, `${returned}-e`, {
      state: 'completed',
      at: at + 9 * day,
      stepIndex: 1,
    });
    await enrolments.endActiveEnrolments(left, 'unsubscribe', at + 2 * day);

    await customers.putOrders([
      {
        orderId: 'o-paid',
        customerId: returned,
        placedAt: '2026-11-06T10:00:00.000Z',
        amount: 40,
        currency: 'EUR',
      },
      {
        orderId: 'o-refunded',
        customerId: returned,
        placedAt: '2026-11-07T10:00:00.000Z',
        amount: 25,
        currency: 'EUR',
        status: 'refunded',
        refundedAmount: 25,
      },
      { orderId: 'o-old', customerId: heldOut, placedAt: '2026-11-05T00:00:00.000Z', amount: 0 },
    ]);

    const step = (customerId: string, stepIndex: number, claimedAt: number): SendRecord => ({
      enrolmentId: `${customerId}-e`,
      stepIndex,
      customerId,
      sequenceId,
      stepId: stepIndex === 0 ? 'check-in' : 'last-note',
      state: 'claimed',
      claimedAt,
    });
    // The later email recorded what SES tracked in it; the first one predates that record.
    for (const [record, sentAt] of [
      [
        {
          ...step(returned, 1, at + 3 * day),
          tracking: { opens: false, clicks: false, noTrackedLinks: true },
        },
        at + 3 * day + 1_000,
      ],
      [step(returned, 0, at), at + 1_000],
    ] as const) {
      await customers.claimSend(record);
      await customers.confirmSend(record, { messageId: `m-${record.stepIndex}`, sentAt });
    }
    // Claimed and never sent: no email went out.
    await customers.claimSend(step(left, 0, at));

    const event = (
      customerId: string,
      stepIndex: number,
      eventId: string,
      type: EngagementEvent['type'],
      offset: number,
      extra: Partial<EngagementEvent> = {},
    ): EngagementEvent => ({
      eventId,
      type,
      at: at + offset,
      customerId,
      messageId: `m-${customerId}-${stepIndex}`,
      enrolmentId: `${customerId}-e`,
      sequenceId,
      stepIndex,
      segmentId: 'lapsed',
      stepId: stepIndex === 0 ? 'check-in' : 'last-note',
      ...extra,
    });
    await ledger.recordAll([
      event(returned, 0, 'send-0', 'send', 1_000),
      event(returned, 0, 'open-0', 'open', 5 * hour),
      event(returned, 1, 'click-1', 'click', 3 * day + hour, {
        detail: { link: 'https://shop.example/back' },
      }),
      // A machine open is no response.
      event(left, 0, 'machine-open-0', 'open', hour, { machine: true }),
    ]);

    const data = await reader.loadReportData();
    const customerIds = new Set([returned, heldOut, left]);
    const enrolmentIds = new Set([`${returned}-e`, `${heldOut}-h`, `${left}-e`]);
    const ofOurs = <T extends { readonly enrolmentId: string }>(rows: readonly T[] | undefined) =>
      sorted((rows ?? []).filter((row) => enrolmentIds.has(row.enrolmentId)));

    expect(sorted(data.assignments.filter((row) => row.sequenceId === sequenceId))).toEqual(
      sorted([
        {
          ...enrolment,
          customerId: returned,
          enrolmentId: `${returned}-e`,
          state: 'completed',
          endedAt: at + 9 * day,
          predictedPurchases: 0.4,
        },
        { ...enrolment, customerId: heldOut, enrolmentId: `${heldOut}-h`, state: 'held-out' },
        {
          ...enrolment,
          customerId: left,
          enrolmentId: `${left}-e`,
          state: 'exited',
          endedAt: at + 2 * day,
          exitReason: 'unsubscribe',
        },
      ]),
    );
    expect(ofOurs(data.firstSends)).toEqual([{ enrolmentId: `${returned}-e`, sentAt: at + 1_000 }]);
    expect(ofOurs(data.sends)).toEqual(
      sorted([
        { enrolmentId: `${returned}-e`, stepIndex: 0, sentAt: at + 1_000 },
        {
          enrolmentId: `${returned}-e`,
          stepIndex: 1,
          sentAt: at + 3 * day + 1_000,
          tracking: { opens: false, clicks: false, noTrackedLinks: true },
        },
      ]),
    );
    expect(sorted(data.orders.filter((order) => customerIds.has(order.customerId)))).toEqual(
      sorted([
        { customerId: returned, placedAt: Date.parse('2026-11-06T10:00:00Z'), amount: 40, currency: 'EUR' },
        {
          customerId: returned,
          placedAt: Date.parse('2026-11-07T10:00:00Z'),
          amount: 25,
          currency: 'EUR',
          status: 'refunded',
          refundedAmount: 25,
        },
        { customerId: heldOut, placedAt: Date.parse('2026-11-05T00:00:00Z'), amount: 0 },
      ]),
    );
    const counters = (stepIndex: number, stepId: string, counts: Partial<StepCounters['counters']>) => ({
      sequenceId,
      stepIndex,
      segmentId: 'lapsed',
      stepId,
      counters: { ...zeroCounters(), ...counts },
    });
    expect(sorted(data.counters.filter((row) => row.sequenceId === sequenceId))).toEqual(
      sorted([
        counters(0, 'check-in', { sent: 1, opens: 1, opened: 1, machineOpens: 1, machineOpened: 1 }),
        counters(1, 'last-note', { clicks: 1, clicked: 1 }),
      ]),
    );
    expect(ofOurs(data.responses)).toEqual([{ enrolmentId: `${returned}-e`, respondedAt: at + 5 * hour }]);
  });
}
