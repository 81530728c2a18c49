import type { Clock } from '../../ports/clock.ts';
import type { CustomerStore } from '../../ports/customer-store.ts';
import type { StepScheduler } from '../../ports/step-scheduler.ts';
import type { RekindleConfig } from '../config/schema.ts';
import { scheduleNameFor } from '../sending/step-message.ts';
import { newEnrolment, planStep } from './enrolment.ts';
import { customerFacts, matchSegment } from './evaluate.ts';

export interface SegmenterDeps {
  readonly store: CustomerStore;
  readonly scheduler: StepScheduler;
  readonly clock: Clock;
  readonly config: RekindleConfig;
}

export interface SegmenterReport {
  customers: number;
  bySegment: Record<string, number>;
  enrolled: number;
  alreadyEnrolled: number;
  scheduled: number;
}

/**
 * Places every customer in the first matching segment and enrols members in its sequence,
 * scheduling the first step. Safe to run twice: enrolment ids are deterministic per day.
 */
export async function runSegmenter(
  deps: SegmenterDeps,
  scan: { segment?: number; totalSegments?: number } = {},
): Promise<SegmenterReport> {
  const { store, scheduler, clock, config } = deps;
  const report: SegmenterReport = {
    customers: 0,
    bySegment: {},
    enrolled: 0,
    alreadyEnrolled: 0,
    scheduled: 0,
  };
  const now = clock.now();
  for await (const subject of store.scanCustomers(scan)) {
    report.customers += 1;
    const segment = matchSegment(config.segments, customerFacts(subject, now));
    if (segment === undefined) continue;
    report.bySegment[segment.id] = (report.bySegment[segment.id] ?? 0) + 1;
    const sequence = config.sequences.find((candidate) => candidate.id === segment.sequence);
    if (sequence === undefined || subject.customer.consent === 'withdrawn') continue;
    // One sequence at a time, and a rest after each: never two enrolments within the cooldown.
    const recent = subject.enrolments.some(
      (enrolment) => enrolment.state === 'active' || now - enrolment.enrolledAt < config.policy.cooldown,
    );
    if (recent) {
      report.alreadyEnrolled += 1;
      continue;
    }
    const enrolment = newEnrolment(subject.customer.customerId, segment, sequence, now);
    const created = await store.createEnrolment(enrolment);
    if (!created) {
      report.alreadyEnrolled += 1;
      continue;
    }
    report.enrolled += 1;
    const first = planStep(enrolment, sequence, 0, now);
    if (first === undefined) continue;
    const timeZone = subject.customer.timeZone ?? config.shop.fallbackTimeZone;
    await scheduler.scheduleStep(scheduleNameFor(first.enrolmentId, 0), first, { timeZone });
    report.scheduled += 1;
  }
  return report;
}
