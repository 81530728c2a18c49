/** One unit of scoring work: a parallel-scan segment of the table, scored with a run's fit. */
export interface SegmentTask {
  readonly runId: string;
  readonly segment: number;
  readonly totalSegments: number;
  /** The run's `createdAt`: a day planned again is scored with its newer fit, not a cached one. */
  readonly plannedAt?: number;
}
