import { describe, expect, it } from 'vitest';
import type { Incident } from '../../../../functions/core/customers/model.ts';
import { customerFacts, describeMatch, segmentMatch } from '../../../../functions/core/segments/evaluate.ts';
import { segmentCustomers } from '../../../../functions/core/segments/run-segmenter.ts';
import { MemorySegmentationStore } from '../../../support/memory-segmentation-store.ts';
import { configWith, daysAgo, MemoryScheduler, now, record } from './fixtures.ts';

const incident = (incidentId: string, kind: Incident['kind'], days: number, extra: Partial<Incident> = {}) =>
  ({
    incidentId,
    customerId: 'c1',
    kind,
    occurredAt: daysAgo(days),
    ticketOpen: false,
    ...extra,
  }) satisfies Incident;

describe('which incident a segment matched', () => {
  const damagedOrLate = configWith([
    { id: 'parcel', when: { incident: { kind: ['damaged', 'late'] } }, sequence: 'gentle-winback' },
  ]);

  it('is the newest incident satisfying the condition, not the newest incident', () => {
    // A damaged parcel a year ago, then a refund delay last month: the segment is about the parcel.
    const subject = record('c1', [400], {
      incidents: [incident('parcel', 'damaged', 365), incident('refund', 'refund_delay', 30)],
    });
    const match = segmentMatch(damagedOrLate.segments, customerFacts(subject, now));
    expect(match?.segment.id).toBe('parcel');
    expect(match?.incident?.incidentId).toBe('parcel');
    if (match === undefined) return;
    expect(describeMatch(match.segment, customerFacts(subject, now))).toEqual([
      `incident damaged on ${daysAgo(365).slice(0, 10)} (parcel)`,
    ]);
  });

  it('with which: latest, looks only at the most recent incident', () => {
    const latest = configWith([
      {
        id: 'parcel',
        when: { incident: { which: 'latest', kind: ['damaged', 'late'] } },
        sequence: 'gentle-winback',
      },
    ]);
    const olderParcel = record('c1', [400], {
      incidents: [incident('parcel', 'damaged', 365), incident('refund', 'refund_delay', 30)],
    });
    expect(segmentMatch(latest.segments, customerFacts(olderParcel, now))).toBeUndefined();
    const recentParcel = record('c1', [400], {
      incidents: [incident('refund', 'refund_delay', 365), incident('parcel', 'late', 30)],
    });
    expect(segmentMatch(latest.segments, customerFacts(recentParcel, now))?.incident?.incidentId).toBe(
      'parcel',
    );
  });

  it('honours the period and the resolved state together on the same incident', () => {
    const recentUnresolved = configWith([
      {
        id: 'open-problem',
        when: { incident: { withinDays: 90, resolved: false } },
        sequence: 'gentle-winback',
      },
    ]);
    // The recent one was resolved; the unresolved one is too old: no single incident satisfies both.
    const subject = record('c1', [400], {
      incidents: [
        incident('recent', 'late', 20, { resolvedAt: daysAgo(10) }),
        incident('old', 'damaged', 200),
      ],
    });
    expect(segmentMatch(recentUnresolved.segments, customerFacts(subject, now))).toBeUndefined();
  });

  it('has no incident for a segment without an incident condition', () => {
    const lapsed = configWith([
      { id: 'lapsed', when: { daysSinceLastOrder: { min: 120 } }, sequence: 'gentle-winback' },
    ]);
    const subject = record('c1', [400], { incidents: [incident('parcel', 'damaged', 365)] });
    expect(segmentMatch(lapsed.segments, customerFacts(subject, now))).toEqual({
      segment: lapsed.segments[0],
    });
  });

  it('is stored on the enrolment the segmenter creates', async () => {
    const subject = record('c1', [400], {
      incidents: [incident('parcel', 'damaged', 365), incident('refund', 'refund_delay', 30)],
    });
    const other = record('c2', [400]);
    const config = configWith([
      { id: 'parcel', when: { incident: { kind: 'damaged' } }, sequence: 'gentle-winback' },
      { id: 'lapsed', when: { daysSinceLastOrder: { min: 120 } }, sequence: 'gentle-winback' },
    ]);
    const store = new MemorySegmentationStore([subject, other]);
    await segmentCustomers(
      store.scanCustomerRecords(),
      { store, enrolments: store, scheduler: new MemoryScheduler(), config },
      now,
    );
    const byCustomer = new Map([...store.assignments.values()].map((a) => [a.customerId, a]));
    expect(byCustomer.get('c1')).toMatchObject({ segmentId: 'parcel', incidentId: 'parcel' });
    expect(byCustomer.get('c2')?.segmentId).toBe('lapsed');
    expect(byCustomer.get('c2')).not.toHaveProperty('incidentId');
  });
});
