import type { Assignment } from '../core/domain/enrolment.ts';

/** How an enrolment ends: completed (every step sent or skipped) or exited early, with the reason. */
export interface EnrolmentEnd {
  readonly state: 'completed' | 'exited';
  readonly at: number;
  /** The step it was at. */
  readonly stepIndex: number;
  readonly exitReason?: string;
}

/**
 * The one writer of enrolments and hold-outs (they share a key space: a customer is enrolled or
 * held out of a sequence on a day, never both). Every write follows the state machine of
 * core/domain/enrolment-state.ts: created once, and only an `active` enrolment moves, once, to
 * `completed` or `exited`, which are final. Reading them stays with the customer's view and scan.
 */
export interface EnrolmentStore {
  /** Creates the enrolment or hold-out unless one with the same id exists; false if it did. */
  createAssignment(assignment: Assignment): Promise<boolean>;
  /** `createAssignment` for many, in as few writes as the store can: true for each one it created. */
  createAssignments(assignments: readonly Assignment[]): Promise<boolean[]>;
  /** Ends an active enrolment; false when it was not active any more (a late redelivery): nothing changes. */
  endEnrolment(customerId: string, enrolmentId: string, end: EnrolmentEnd): Promise<boolean>;
  /**
   * Exits the customer's active enrolments (or only `enrolmentId`) with `reason`; returns the ids it
   * ended. Hold-outs and enrolments that already ended are left as they are.
   */
  endActiveEnrolments(
    customerId: string,
    reason: string,
    at: number,
    enrolmentId?: string,
  ): Promise<string[]>;
}
