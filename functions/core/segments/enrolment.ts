import type { Segment, Sequence } from '../config/schema.ts';
import { fnv1a, type StepMessage } from '../sending/step-message.ts';

/** A customer's place in one sequence. */
export interface Enrolment {
  readonly enrolmentId: string;
  readonly customerId: string;
  readonly sequenceId: string;
  readonly segmentId: string;
  readonly enrolledAt: number;
  readonly state: 'active' | 'completed' | 'exited';
}

/**
 * Enrolment ids are deterministic for (customer, sequence, UTC day), so the segmenter running twice
 * on one day creates the same id and the conditional write refuses the second.
 */
export function enrolmentIdFor(customerId: string, sequenceId: string, at: number): string {
  const day = new Date(at).toISOString().slice(0, 10).replaceAll('-', '');
  return `${sequenceId}-${day}-${fnv1a(`${customerId}\u0000${sequenceId}`)}`;
}

export function newEnrolment(
  customerId: string,
  segment: Segment,
  sequence: Sequence,
  now: number,
): Enrolment {
  return {
    enrolmentId: enrolmentIdFor(customerId, sequence.id, now),
    customerId,
    sequenceId: sequence.id,
    segmentId: segment.id,
    enrolledAt: now,
    state: 'active',
  };
}

/** The message for step `stepIndex`, due its delay after `from` (enrolment or the previous send). */
export function planStep(
  enrolment: Enrolment,
  sequence: Sequence,
  stepIndex: number,
  from: number,
): StepMessage | undefined {
  const step = sequence.steps[stepIndex];
  if (step === undefined) return undefined;
  return {
    version: 1,
    customerId: enrolment.customerId,
    enrolmentId: enrolment.enrolmentId,
    sequenceId: enrolment.sequenceId,
    segmentId: enrolment.segmentId,
    stepIndex,
    dueAt: from + step.delay,
  };
}
