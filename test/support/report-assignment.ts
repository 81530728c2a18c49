import type { ReportAssignment } from '../../functions/core/domain/report-data.ts';

/** The report tests' assignment: `winback` for `lapsed`, enrolment id `e-<customer>`. */
export function winbackAssignment(
  customerId: string,
  enrolledAt: number,
  state: string,
  more: Partial<Pick<ReportAssignment, 'endedAt' | 'exitReason' | 'predictedPurchases'>> = {},
): ReportAssignment {
  return {
    customerId,
    enrolmentId: `e-${customerId}`,
    sequenceId: 'winback',
    segmentId: 'lapsed',
    enrolledAt,
    state,
    ...more,
  };
}
