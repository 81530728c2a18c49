import { createHash } from 'node:crypto';
import type { Segment, Sequence } from '../config/schema.ts';
import { idHash, type StepMessage } from './step-message.ts';

/** A customer's place in one sequence. */
export interface Enrolment {
  readonly enrolmentId: string;
  readonly customerId: string;
  readonly sequenceId: string;
  readonly segmentId: string;
  readonly enrolledAt: number;
  readonly state: 'active' | 'completed' | 'exited';
  /**
   * The incident the segment's `incident` condition matched, if it has one: the emails of this
   * enrolment name that problem, never another.
   */
  readonly incidentId?: string;
  /**
   * The purchases the model predicted for the customer when assigned, before any email: the
   * covariate that narrows the report's adjusted lift. Absent without a fitted model.
   */
  readonly predictedPurchases?: number;
}

/**
 * A customer who entered a segment but was held out of its sequence: never emailed, compared with
 * the enrolled to measure lift. Stored under the same key as the enrolment would have been, so a
 * customer is either enrolled or held out for a given day, never both.
 */
export interface HeldOut extends Omit<Enrolment, 'state'> {
  readonly state: 'held-out';
}

export type Assignment = Enrolment | HeldOut;

/**
 * Enrolment ids are deterministic for (customer, sequence, UTC day), so the segmenter running twice
 * on one day creates the same id and the conditional write refuses the second. Readable as
 * `<sequence>-<yyyymmdd>-<idHash>`: the hash (80 bits of SHA-256 of customer and sequence) is what
 * keeps two customers enrolled on the same day apart, and with it their schedule names; its
 * collision arithmetic is at `idHash`.
 */
export function enrolmentIdFor(customerId: string, sequenceId: string, at: number): string {
  const date = new Date(at);
  // Getters rather than toISOString: a large segment builds an id per member.
  const day = `${date.getUTCFullYear()}${pad2(date.getUTCMonth() + 1)}${pad2(date.getUTCDate())}`;
  return `${sequenceId}-${day}-${idHash(`enrolment\u0000${customerId}\u0000${sequenceId}`)}`;
}

const pad2 = (value: number) => (value < 10 ? `0${value}` : String(value));

/**
 * Where the customer falls in [0, 100) for this sequence: a SHA-256 of (customer, sequence), so
 * the split is stable across runs and days, independent between sequences, and uniform.
 */
export function holdoutPosition(customerId: string, sequenceId: string): number {
  const digest = createHash('sha256').update(`holdout\u0000${sequenceId}\u0000${customerId}`).digest();
  return (digest.readUInt32BE(0) / 4_294_967_296) * 100;
}

/** True when the customer is in the held-out share of `percent` for this sequence. */
export function isHeldOut(customerId: string, sequenceId: string, percent: number): boolean {
  return percent > 0 && holdoutPosition(customerId, sequenceId) < percent;
}

export function newEnrolment(
  customerId: string,
  segment: Segment,
  sequence: Sequence,
  now: number,
  incidentId?: string,
): Enrolment {
  return {
    enrolmentId: enrolmentIdFor(customerId, sequence.id, now),
    customerId,
    sequenceId: sequence.id,
    segmentId: segment.id,
    enrolledAt: now,
    state: 'active',
    ...(incidentId === undefined ? {} : { incidentId }),
  };
}

/** The enrolment, or the hold-out record when the segment holds this customer out. */
export function newAssignment(
  customerId: string,
  segment: Segment,
  sequence: Sequence,
  now: number,
  incidentId?: string,
  predictedPurchases?: number,
): Assignment {
  const enrolment = {
    ...newEnrolment(customerId, segment, sequence, now, incidentId),
    ...(predictedPurchases === undefined || !Number.isFinite(predictedPurchases)
      ? {}
      : { predictedPurchases }),
  };
  return isHeldOut(customerId, sequence.id, segment.holdoutPercent)
    ? { ...enrolment, state: 'held-out' }
    : enrolment;
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
