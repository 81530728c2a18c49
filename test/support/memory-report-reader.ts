import { type ReportData, reportAssignment, reportOrder } from '../../functions/core/domain/report-data.ts';
import type { ReportReader } from '../../functions/ports/report-reader.ts';
import type { MemoryCustomerStore } from './memory-customer-store.ts';
import type { MemoryEngagementLedger } from './memory-engagement-ledger.ts';
import type { MemoryEnrolmentStore } from './memory-enrolment-store.ts';

/** The first-of-kind markers that are a response (a person's open, a content click, a reply). */
const responseMarkers = new Set(['openedAt', 'clickedAt', 'repliedAt']);

const earlier = (times: Map<string, number>, id: string, at: number) => {
  const known = times.get(id);
  if (known === undefined || at < known) times.set(id, at);
};

/** The in-memory stores whose records the report reads. */
export interface MemoryReportStores {
  readonly enrolments: MemoryEnrolmentStore;
  readonly customers: MemoryCustomerStore;
  readonly ledger: MemoryEngagementLedger;
}

/**
 * The ReportReader over the in-memory stores, with the DynamoDB one's rules: enrolments and
 * hold-outs, each enrolment's sent emails, every order with its status, the step counters
 * and each enrolment's first response.
 */
export class MemoryReportReader implements ReportReader {
  readonly #stores: MemoryReportStores;

  constructor(stores: MemoryReportStores) {
    this.#stores = stores;
  }

  async loadReportData(): Promise<ReportData> {
    const { enrolments, customers, ledger } = this.#stores;
    const firstSends = new Map<string, number>();
    const sends: NonNullable<ReportData['sends']>[number][] = [];
    for (const send of customers.ledger.values())
      if (send.state === 'sent' && send.sentAt !== undefined) {
        earlier(firstSends, send.enrolmentId, send.sentAt);
        sends.push({
          enrolmentId: send.enrolmentId,
          stepIndex: send.stepIndex,
          sentAt: send.sentAt,
          ...(send.tracking === undefined ? {} : { tracking: send.tracking }),
        });
      }
    const responses = new Map<string, number>();
    for (const { enrolmentId, marker, at } of ledger.markers.values())
      if (responseMarkers.has(marker)) earlier(responses, enrolmentId, at);
    return {
      assignments: [...enrolments.items.values()].map(reportAssignment),
      firstSends: [...firstSends].map(([enrolmentId, sentAt]) => ({ enrolmentId, sentAt })),
      sends,
      // Every order with its status, as DynamoDB's reader gives them: the report leaves out refunds.
      orders: [...customers.orders.values()].map(reportOrder),
      counters: [...ledger.counters.values()],
      responses: [...responses].map(([enrolmentId, respondedAt]) => ({ enrolmentId, respondedAt })),
    };
  }
}
