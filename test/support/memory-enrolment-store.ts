import type { Assignment } from '../../functions/core/domain/enrolment.ts';
import {
  type AssignmentHistory,
  endingEvent,
  enrolmentTransitions,
} from '../../functions/core/domain/enrolment-state.ts';
import type { EnrolmentEnd, EnrolmentStore } from '../../functions/ports/enrolment-store.ts';

type Stored = AssignmentHistory & { readonly endedAtStep?: number };

/**
 * An in-memory EnrolmentStore with the DynamoDB one's rules: an id is created once, and only an
 * active enrolment ends, once (the transitions table decides, as it writes the adapter's condition).
 */
export class MemoryEnrolmentStore implements EnrolmentStore {
  /** By `customerId|enrolmentId`. */
  readonly items = new Map<string, Stored>();

  /** How each ended enrolment ended, by `customerId|enrolmentId`. */
  get ended(): Map<string, string | undefined> {
    return new Map(
      [...this.items].flatMap(([key, item]) => (item.endedAt === undefined ? [] : [[key, item.exitReason]])),
    );
  }

  async createAssignment(assignment: Assignment): Promise<boolean> {
    const key = `${assignment.customerId}|${assignment.enrolmentId}`;
    if (this.items.has(key)) return false;
    this.items.set(key, assignment);
    return true;
  }

  async createAssignments(assignments: readonly Assignment[]): Promise<boolean[]> {
    const created: boolean[] = [];
    for (const assignment of assignments) created.push(await this.createAssignment(assignment));
    return created;
  }

  async endEnrolment(customerId: string, enrolmentId: string, end: EnrolmentEnd): Promise<boolean> {
    const key = `${customerId}|${enrolmentId}`;
    const item = this.items.get(key);
    if (item === undefined || item.state === 'held-out') return false;
    const next = enrolmentTransitions[item.state][endingEvent(end.state)];
    if (next !== end.state) return false;
    this.items.set(key, {
      ...item,
      state: next,
      endedAt: end.at,
      endedAtStep: end.stepIndex,
      ...(end.exitReason === undefined ? {} : { exitReason: end.exitReason }),
    });
    return true;
  }

  async endActiveEnrolments(
    customerId: string,
    reason: string,
    at: number,
    enrolmentId?: string,
  ): Promise<string[]> {
    const ended: string[] = [];
    for (const item of [...this.items.values()]) {
      if (item.customerId !== customerId || item.state !== 'active') continue;
      if (enrolmentId !== undefined && item.enrolmentId !== enrolmentId) continue;
      this.items.set(`${customerId}|${item.enrolmentId}`, {
        ...item,
        state: 'exited',
        exitReason: reason,
        endedAt: at,
      });
      ended.push(item.enrolmentId);
    }
    return ended;
  }
}
