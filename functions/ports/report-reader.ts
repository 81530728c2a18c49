import type { ReportData } from '../core/domain/report-data.ts';

/** What the report reads: assignments, first sends, orders, counters and responses. */
export interface ReportReader {
  /** One pass over the table for the report. */
  loadReportData(): Promise<ReportData>;
}
