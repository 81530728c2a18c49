import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { CustomerRecord } from '../../functions/core/domain/customer-view.ts';
import { isHeldOut } from '../../functions/core/domain/enrolment.ts';
import { emptyReport, mergeReports } from '../../functions/core/segments/run-segmenter.ts';
import type { LocalRuntime } from '../../functions/local/local-runtime.ts';
import { generateSampleData } from '../../functions/local/sample-data.ts';
import { VirtualClock } from '../../functions/local/virtual-clock.ts';
import { enrolmentStoreContract } from '../support/contracts/enrolment-store-contract.ts';
import { projectBundle, startTestRuntime } from '../support/local-stack.ts';

const start = Date.parse('2026-11-23T06:00:00Z');
const customers = 600;
const totalSegments = 4;
let runtime: LocalRuntime;

beforeAll(async () => {
  runtime = await startTestRuntime({
    clock: new VirtualClock(start),
    bundle: await projectBundle((config) => ({
      ...config,
      segmentation: { ...config.segmentation, totalSegments, sampleSize: 400 },
    })),
  });
  const sample = generateSampleData({ customers, seed: 11, now: start });
  await runtime.segmentationStore.putCustomers(sample.customers);
  await runtime.segmentationStore.putOrders(sample.orders);
  await runtime.segmentationStore.putIncidents([
    {
      incidentId: 'i1',
      customerId: 'c000001',
      kind: 'damaged',
      occurredAt: '2026-11-01T00:00:00.000Z',
      ticketOpen: true,
    },
  ]);
});

afterAll(async () => {
  await runtime?.stop();
});

async function scanAll(): Promise<CustomerRecord[]> {
  const records: CustomerRecord[] = [];
  for await (const record of runtime.segmentationStore.scanCustomerRecords()) records.push(record);
  return records;
}

describe('the segmenter fanned out over parallel scan segments on DynamoDB Local', () => {
  it('fits once, scores every customer exactly once across segments, and enrols', async () => {
    const plan = await runtime.handlers.planSegmentation({});
    expect(plan).toMatchObject({ runId: '2026-11-23', segments: totalSegments, sampleSize: 400 });
    expect(plan.fitError).toBeUndefined();
    const run = await runtime.segmentationStore.getModelRun('2026-11-23');
    expect(run?.fit?.diagnostics).toMatchObject({ customers: 400 });

    const results = runtime.segmentResults.splice(0);
    expect(results).toHaveLength(totalSegments);
    expect(results.flatMap((result) => result.batchItemFailures)).toEqual([]);
    const reports = results.flatMap((result) => result.reports);
    expect(new Set(reports.map((report) => report.segment))).toEqual(new Set([0, 1, 2, 3]));
    // Every segment did real work: the split is by hash, so none is empty at this size.
    for (const report of reports) expect(report.customers).toBeGreaterThan(customers / totalSegments / 2);
    const total = reports.reduce(mergeReports, emptyReport());
    expect(total.customers).toBe(customers);
    expect(total.scored).toBe(customers);

    const records = await scanAll();
    expect(records.every((record) => record.score?.runId === '2026-11-23')).toBe(true);
    expect(records.find((record) => record.customer.customerId === 'c000001')?.score?.segmentId).toBe(
      'open-ticket',
    );
    const members = records.filter(
      (record) => record.score?.segmentId === 'lapsed' || record.score?.segmentId === 'drifting',
    );
    const assigned = records.flatMap((record) => record.assignments);
    expect(assigned.length).toBe(total.enrolled + total.heldOut);
    expect(total.enrolled).toBeGreaterThan(0);
    expect(members.length).toBeGreaterThanOrEqual(assigned.length);
    for (const assignment of assigned)
      expect(assignment.state === 'held-out').toBe(
        isHeldOut(assignment.customerId, assignment.sequenceId, 10),
      );
    // The sender's view never mistakes a hold-out for an enrolment.
    const heldOut = assigned.find((assignment) => assignment.state === 'held-out');
    if (heldOut !== undefined)
      expect((await runtime.store.getCustomerView(heldOut.customerId))?.enrolments).toEqual([]);
    const schedules = runtime.scheduler.schedules().length;
    expect(schedules).toBe(total.scheduled);

    // A second run the same day (a retry, or the schedule firing twice) enrols nobody twice.
    await runtime.handlers.planSegmentation({});
    const again = runtime.segmentResults
      .splice(0)
      .flatMap((result) => result.reports)
      .reduce(mergeReports, emptyReport());
    expect(again).toMatchObject({
      customers,
      enrolled: 0,
      heldOut: 0,
      scheduled: 0,
      resumed: total.enrolled,
    });
    expect(again.alreadyEnrolled).toBe(total.enrolled + total.heldOut);
    expect(runtime.scheduler.schedules()).toHaveLength(schedules);
  });
  it('redelivers a failing segment task and then dead-letters it, as SQS would, instead of losing it', async () => {
    const before = runtime.segmentResults.length;
    // A malformed task, and one for a model run that was never planned.
    await runtime.segmentQueue.deliver({ body: '{"runId": 7}', messageId: 'malformed' });
    await runtime.segmentQueue.deliver({
      body: JSON.stringify({ runId: '1999-01-01', segment: 0, totalSegments: 4 }),
      messageId: 'no-run',
    });
    // Three receives each, every one reported back as a batch item failure.
    expect(runtime.segmentResults.slice(before).map((result) => result.batchItemFailures)).toEqual([
      ...Array.from({ length: 3 }, () => [{ itemIdentifier: 'malformed' }]),
      ...Array.from({ length: 3 }, () => [{ itemIdentifier: 'no-run' }]),
    ]);
    expect(runtime.segmentQueue.deadLetters.map((letter) => letter.reason)).toEqual([
      'reported as a batch item failure',
      'reported as a batch item failure',
    ]);
  });
  it("finds the previous day's run for reuse, and none before the first", async () => {
    const first = await runtime.segmentationStore.getModelRun('2026-11-23');
    expect(await runtime.segmentationStore.previousModelRun('2026-11-23')).toBeUndefined();
    await runtime.segmentationStore.putModelRun({ ...(first ?? never()), runId: '2026-11-20', createdAt: 0 });
    expect((await runtime.segmentationStore.previousModelRun('2026-11-24'))?.runId).toBe('2026-11-23');
    expect((await runtime.segmentationStore.previousModelRun('2026-11-23'))?.runId).toBe('2026-11-20');
    expect((await runtime.segmentationStore.previousModelRun('2026-11-24'))?.fit).toEqual(first?.fit);
  });
});

function never(): never {
  throw new Error('the first run is stored');
}

describe('writing assignments', () => {
  it('creates a batch in one transaction, leaving those that exist as they are', async () => {
    const assignment = (customerId: string, state: 'active' | 'held-out' = 'active') => ({
      enrolmentId: `batch-${customerId}`,
      customerId,
      sequenceId: 'gentle-winback',
      segmentId: 'lapsed',
      enrolledAt: start,
      state,
    });
    // Already enrolled, and moved on by the sender since: a batch must not overwrite it.
    expect(await runtime.enrolments.createAssignment(assignment('c000003'))).toBe(true);
    expect(
      await runtime.enrolments.endEnrolment('c000003', 'batch-c000003', {
        state: 'completed',
        at: start + 1,
        stepIndex: 2,
      }),
    ).toBe(true);
    // Completed is final: neither a second completion nor an exit moves it.
    expect(
      await runtime.enrolments.endEnrolment('c000003', 'batch-c000003', {
        state: 'exited',
        at: start + 2,
        stepIndex: 2,
        exitReason: 'reply',
      }),
    ).toBe(false);
    expect(await runtime.enrolments.endActiveEnrolments('c000003', 'unsubscribe', start + 3)).toEqual([]);
    const batch = [
      assignment('c000002'),
      assignment('c000003'),
      assignment('c000004', 'held-out'),
      assignment('c000002'),
    ];
    const before = runtime.requests.snapshot()['dynamodb:TransactWriteItems'] ?? 0;
    expect(await runtime.enrolments.createAssignments(batch)).toEqual([true, false, true, false]);
    // The first try, refused for c000003, and the second without it.
    expect((runtime.requests.snapshot()['dynamodb:TransactWriteItems'] ?? 0) - before).toBe(2);
    const views = await Promise.all(
      ['c000002', 'c000003', 'c000004'].map((id) => runtime.store.getCustomerView(id)),
    );
    const states = views.map(
      (view) => view?.enrolments.find((enrolment) => enrolment.enrolmentId.startsWith('batch-'))?.state,
    );
    // A hold-out is not an enrolment in the sender's view.
    expect(states).toEqual(['active', 'completed', undefined]);
    expect(await runtime.enrolments.createAssignments([assignment('c000004', 'held-out')])).toEqual([false]);
  });

  it('reads back how an enrolment ended and the first response to it, for re-entry and sunset', async () => {
    const day = 86_400_000;
    const enrolmentId = 'reentry-c000005';
    const customerId = 'c000005';
    expect(
      await runtime.enrolments.createAssignment({
        enrolmentId,
        customerId,
        sequenceId: 'gentle-winback',
        segmentId: 'lapsed',
        enrolledAt: start,
        state: 'active',
      }),
    ).toBe(true);
    const message = { customerId, enrolmentId, sequenceId: 'gentle-winback', segmentId: 'lapsed' };
    // A machine open (Apple MPP) is not a response; a click on a content link is.
    await runtime.engagement.ledger.record({
      ...message,
      eventId: 'mpp',
      type: 'open',
      at: start + day,
      stepIndex: 0,
      machine: true,
    });
    const recordOf = async () => {
      for await (const record of runtime.segmentationStore.scanCustomerRecords())
        if (record.customer.customerId === customerId)
          return record.assignments.find((candidate) => candidate.enrolmentId === enrolmentId);
      return undefined;
    };
    expect(
      await runtime.enrolments.endEnrolment(customerId, enrolmentId, {
        state: 'completed',
        at: start + 11 * day,
        stepIndex: 2,
      }),
    ).toBe(true);
    const unanswered = await recordOf();
    expect(unanswered).toMatchObject({ state: 'completed', endedAt: start + 11 * day, enrolledAt: start });
    expect(unanswered?.respondedAt).toBeUndefined();
    await runtime.engagement.ledger.record({
      ...message,
      eventId: 'click',
      type: 'click',
      at: start + 5 * day,
      stepIndex: 1,
      detail: { link: 'https://northwind.example/new-arrivals' },
    });
    await runtime.engagement.ledger.record({
      ...message,
      eventId: 'reply',
      type: 'reply',
      at: start + 6 * day,
      stepIndex: 2,
    });
    expect(await recordOf()).toMatchObject({ respondedAt: start + 5 * day, repliedAt: start + 6 * day });
  });
});

describe('the DynamoDB EnrolmentStore keeps the port’s promises', () => {
  enrolmentStoreContract(
    () => runtime.enrolments,
    (name) => `contract-${name}`,
  );
});
