import { expect, it } from 'vitest';
import type { Assignment } from '../../../functions/core/domain/enrolment.ts';
import type { EnrolmentStore } from '../../../functions/ports/enrolment-store.ts';

const at = Date.parse('2026-11-24T06:00:00Z');

/**
 * What every EnrolmentStore promises, for the in-memory fake (unit) and DynamoDB (integ) alike.
 * `customer(name)` gives a customer id no other test uses.
 */
export function enrolmentStoreContract(
  store: () => EnrolmentStore,
  customer: (name: string) => string,
): void {
  const assignment = (customerId: string, id: string, state: Assignment['state'] = 'active'): Assignment => ({
    enrolmentId: id,
    customerId,
    sequenceId: 'gentle-winback',
    segmentId: 'lapsed',
    enrolledAt: at,
    state,
  });

  it('creates an enrolment or hold-out once; a batch reports each, and a repeat in it loses', async () => {
    const c = customer('create');
    expect(await store().createAssignment(assignment(c, 'a'))).toBe(true);
    expect(await store().createAssignment(assignment(c, 'a', 'held-out'))).toBe(false);
    expect(
      await store().createAssignments([
        assignment(c, 'a'),
        assignment(c, 'b'),
        assignment(c, 'b'),
        assignment(c, 'h', 'held-out'),
      ]),
    ).toEqual([false, true, false, true]);
  });

  it('moves only an active enrolment, once, to completed or exited', async () => {
    const c = customer('end');
    await store().createAssignments([
      assignment(c, 'done'),
      assignment(c, 'left'),
      assignment(c, 'h', 'held-out'),
    ]);
    expect(await store().endEnrolment(c, 'done', { state: 'completed', at, stepIndex: 2 })).toBe(true);
    expect(await store().endEnrolment(c, 'done', { state: 'completed', at, stepIndex: 2 })).toBe(false);
    expect(
      await store().endEnrolment(c, 'done', { state: 'exited', at, stepIndex: 2, exitReason: 'reply' }),
    ).toBe(false);
    expect(
      await store().endEnrolment(c, 'left', { state: 'exited', at, stepIndex: 0, exitReason: 'purchase' }),
    ).toBe(true);
    expect(await store().endEnrolment(c, 'left', { state: 'completed', at, stepIndex: 2 })).toBe(false);
    // A hold-out is not an enrolment, and a missing one is not created by ending it.
    expect(
      await store().endEnrolment(c, 'h', { state: 'exited', at, stepIndex: 0, exitReason: 'reply' }),
    ).toBe(false);
    expect(await store().endEnrolment(c, 'none', { state: 'completed', at, stepIndex: 0 })).toBe(false);
    expect(await store().endActiveEnrolments(c, 'unsubscribe', at)).toEqual([]);
  });

  it('exits every active enrolment of a customer, or only the one named, and says which', async () => {
    const c = customer('active');
    await store().createAssignments([
      assignment(c, 'e1'),
      assignment(c, 'e10'),
      assignment(c, 'e2'),
      assignment(c, 'h', 'held-out'),
    ]);
    await store().endEnrolment(c, 'e2', { state: 'completed', at, stepIndex: 2 });
    expect(await store().endActiveEnrolments(c, 'reply', at, 'e1')).toEqual(['e1']);
    expect(await store().endActiveEnrolments(c, 'complaint', at)).toEqual(['e10']);
    expect(await store().endActiveEnrolments(c, 'complaint', at)).toEqual([]);
  });
}
