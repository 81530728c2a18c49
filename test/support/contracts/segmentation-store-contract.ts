import { expect, it } from 'vitest';
import type { Customer, Incident, Order } from '../../../functions/core/customers/model.ts';
import type { CustomerRecord } from '../../../functions/core/domain/customer-view.ts';
import type { Assignment } from '../../../functions/core/domain/enrolment.ts';
import type { ModelRun, StoredScore } from '../../../functions/core/domain/scoring.ts';
import type { EnrolmentStore } from '../../../functions/ports/enrolment-store.ts';
import type { SegmentationStore } from '../../../functions/ports/segmentation-store.ts';

const at = Date.parse('2026-11-24T06:00:00Z');
const day = 86_400_000;

/** A customer as imported, before anything was assigned or scored. */
export interface ImportedCustomer {
  readonly customer: Customer;
  readonly orders: readonly Order[];
  readonly incidents: readonly Incident[];
}

/** The side of the SegmentationStore the segmenter reads and writes (the import's puts have their own contract). */
export type SegmenterStore = Pick<
  SegmentationStore,
  'scanCustomerRecords' | 'putScores' | 'putModelRun' | 'getModelRun' | 'previousModelRun'
>;

async function scanned(
  store: SegmenterStore,
  customerIds: ReadonlySet<string>,
  options?: { segment: number; totalSegments: number },
): Promise<CustomerRecord[]> {
  const found: CustomerRecord[] = [];
  for await (const record of store.scanCustomerRecords(options)) {
    if (customerIds.has(record.customer.customerId)) found.push(record);
  }
  return found;
}

const imported = (customerId: string): ImportedCustomer => ({
  customer: {
    customerId,
    email: `${customerId}@example.com`,
    firstName: 'Asha',
    locale: 'en',
    timeZone: 'Asia/Kolkata',
    consent: 'granted',
  },
  orders: [{ orderId: `${customerId}-o1`, customerId, placedAt: '2026-06-01T10:00:00.000Z', amount: 42 }],
  incidents: [
    {
      incidentId: `${customerId}-i1`,
      customerId,
      kind: 'late',
      occurredAt: '2026-06-03T00:00:00.000Z',
      orderId: `${customerId}-o1`,
      ticketOpen: false,
    },
  ],
});

const score = (customerId: string, runId: string, pReturn: number): StoredScore => ({
  customerId,
  runId,
  scoredAt: at,
  model: 'bgnbd',
  pAlive: 0.6,
  pReturn,
  expectedPurchases: 0.8,
  explanation: 'Bought once in June.',
  segmentId: pReturn < 0.5 ? 'lapsed' : null,
});

const run = (runId: string, createdAt: number, extra: Partial<ModelRun> = {}): ModelRun => ({
  runId,
  createdAt,
  sampleSize: 1_000,
  totalSegments: 4,
  horizonDays: 90,
  ...extra,
});

/**
 * What every SegmentationStore promises the segmenter, for the in-memory fake (unit) and DynamoDB
 * (integ) alike. `addCustomer` stores an imported customer; `enrolments` creates assignments as the
 * segmenter does. The table may hold other tests' customers, so only this test's are compared; it
 * holds no other model runs.
 */
export function segmentationStoreContract(
  stores: () => {
    readonly store: SegmenterStore;
    readonly enrolments: Pick<EnrolmentStore, 'createAssignments'>;
    readonly addCustomer: (customer: ImportedCustomer) => Promise<void>;
  },
  unique: (name: string) => string,
): void {
  it('streams a customer with orders, incidents, assignments oldest first and the last score written', async () => {
    const { store, enrolments, addCustomer } = stores();
    const customerId = unique('record');
    await addCustomer(imported(customerId));
    const older: Assignment = {
      customerId,
      enrolmentId: `${customerId}-older`,
      sequenceId: 'win-back',
      segmentId: 'lapsed',
      enrolledAt: at - 200 * day,
      state: 'held-out',
    };
    const newer: Assignment = {
      customerId,
      enrolmentId: `${customerId}-newer`,
      sequenceId: 'incident-apology',
      segmentId: 'let-down',
      enrolledAt: at,
      state: 'active',
      incidentId: `${customerId}-i1`,
      predictedPurchases: 0.3,
    };
    await enrolments.createAssignments([newer, older]);
    // A batch holding one customer twice keeps the last, as writing them in turn would.
    await store.putScores([score(customerId, '2026-11-23', 0.7), score(customerId, '2026-11-24', 0.4)]);

    expect(await scanned(store, new Set([customerId]))).toEqual([
      { ...imported(customerId), assignments: [older, newer], score: score(customerId, '2026-11-24', 0.4) },
    ]);
  });

  it('gives each customer to exactly one segment of a parallel scan', async () => {
    const { store, addCustomer } = stores();
    const customerIds = new Set(Array.from({ length: 12 }, (_, index) => unique(`segment-${index}`)));
    for (const customerId of customerIds) await addCustomer(imported(customerId));
    const seen: string[] = [];
    for (let segment = 0; segment < 3; segment += 1) {
      const records = await scanned(store, customerIds, { segment, totalSegments: 3 });
      seen.push(...records.map((record) => record.customer.customerId));
    }
    expect(seen.sort()).toEqual([...customerIds].sort());
    expect((await scanned(store, customerIds)).map((record) => record.customer.customerId).sort()).toEqual(
      [...customerIds].sort(),
    );
  });

  it('keeps one model run per id and finds the newest run of an earlier day', async () => {
    const { store } = stores();
    const runId = (date: string) => `${unique('run')}-${date}`;
    const fit = { kind: 'bgnbd', parameters: { r: 0.24, alpha: 4.4 }, diagnostics: { converged: true } };
    expect(await store.getModelRun(runId('2026-11-01'))).toBeUndefined();
    await store.putModelRun(run(runId('2026-11-01'), at, { fit, fittedAt: at }));
    await store.putModelRun(run(runId('2026-11-03'), at + 2 * day, { fitError: 'no repeat buyers' }));
    // The day's run written again (a retried plan) replaces the first.
    await store.putModelRun(run(runId('2026-11-01'), at + 5 * day, { fit, fittedAt: at }));

    expect(await store.getModelRun(runId('2026-11-01'))).toEqual(
      run(runId('2026-11-01'), at + 5 * day, { fit, fittedAt: at }),
    );
    expect(await store.previousModelRun(runId('2026-11-04'))).toEqual(
      run(runId('2026-11-03'), at + 2 * day, { fitError: 'no repeat buyers' }),
    );
    expect(await store.previousModelRun(runId('2026-11-03'))).toEqual(
      run(runId('2026-11-01'), at + 5 * day, { fit, fittedAt: at }),
    );
    expect(await store.previousModelRun(runId('2026-11-01'))).toBeUndefined();
  });
}
