import type { ReportData } from '../../functions/core/domain/report-data.ts';
import type { ReportReader } from '../../functions/ports/report-reader.ts';
import type { MemoryEngagementLedger } from './memory-engagement-ledger.ts';

/** The ReportReader in memory: the ledger's counters, and whatever else a test puts in `data`. */
export class MemoryReportReader implements ReportReader {
  readonly #ledger: MemoryEngagementLedger | undefined;
  data: Omit<ReportData, 'counters'> = { assignments: [], firstSends: [], orders: [] };

  constructor(ledger?: MemoryEngagementLedger) {
    this.#ledger = ledger;
  }

  async loadReportData(): Promise<ReportData> {
    return { ...this.data, counters: [...(this.#ledger?.counters.values() ?? [])] };
  }
}
