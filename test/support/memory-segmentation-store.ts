import type { CustomerRecord } from '../../functions/core/domain/customer-view.ts';
import type { Assignment } from '../../functions/core/domain/enrolment.ts';
import type { ModelRun, StoredScore } from '../../functions/core/domain/scoring.ts';
import type { EnrolmentStore } from '../../functions/ports/enrolment-store.ts';
import type { SegmentationStore } from '../../functions/ports/segmentation-store.ts';

/**
 * The table as the segmenter uses it, in memory: its SegmentationStore side and the creating side
 * of its EnrolmentStore (conditional like DynamoDB), so tests pass it as both.
 */
export class MemorySegmentationStore
  implements
    Pick<
      SegmentationStore,
      'putScores' | 'scanCustomerRecords' | 'putModelRun' | 'getModelRun' | 'previousModelRun'
    >,
    Pick<EnrolmentStore, 'createAssignment' | 'createAssignments'>
{
  readonly assignments = new Map<string, Assignment>();
  readonly scores = new Map<string, StoredScore>();
  readonly runs: ModelRun[] = [];
  constructor(readonly records: CustomerRecord[] = []) {}

  async putScores(scores: readonly StoredScore[]): Promise<void> {
    for (const score of scores) this.scores.set(score.customerId, score);
  }

  async createAssignment(assignment: Assignment): Promise<boolean> {
    const key = `${assignment.customerId}#${assignment.enrolmentId}`;
    if (this.assignments.has(key)) return false;
    this.assignments.set(key, assignment);
    return true;
  }

  async createAssignments(assignments: readonly Assignment[]): Promise<boolean[]> {
    const created: boolean[] = [];
    for (const assignment of assignments) created.push(await this.createAssignment(assignment));
    return created;
  }

  /** One run per id, as the table keeps one item per day: a run written again replaces it. */
  async putModelRun(run: ModelRun): Promise<void> {
    const index = this.runs.findIndex((stored) => stored.runId === run.runId);
    if (index === -1) this.runs.push(run);
    else this.runs.splice(index, 1, run);
  }

  /** The run with the greatest id before `runId` (ids are days), as the table's sort key orders them. */
  async previousModelRun(runId: string): Promise<ModelRun | undefined> {
    return this.runs
      .filter((run) => run.runId < runId)
      .sort((a, b) => (a.runId < b.runId ? -1 : 1))
      .at(-1);
  }

  /** Every read counted. */
  modelRunReads = 0;
  async getModelRun(runId: string): Promise<ModelRun | undefined> {
    this.modelRunReads += 1;
    return this.runs.find((run) => run.runId === runId);
  }

  /** Records with the assignments made so far, as a fresh scan would see them. */
  async *scanCustomerRecords(
    options: { segment?: number; totalSegments?: number } = {},
  ): AsyncIterable<CustomerRecord> {
    for (const [index, stored] of this.records.entries()) {
      if (options.totalSegments !== undefined && index % options.totalSegments !== options.segment) continue;
      const assignments = [...this.assignments.values()].filter(
        (assignment) => assignment.customerId === stored.customer.customerId,
      );
      const score = this.scores.get(stored.customer.customerId) ?? stored.score;
      yield {
        ...stored,
        // Oldest first, as the table's adapter sorts them.
        assignments: [...stored.assignments, ...assignments].sort((a, b) => a.enrolledAt - b.enrolledAt),
        ...(score === undefined ? {} : { score }),
      };
    }
  }
}
