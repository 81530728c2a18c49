import { EngagementConfigSchema } from '../../functions/core/config/engagement.ts';
import { zeroCounters } from '../../functions/core/domain/counters.ts';
import type { ReportData } from '../../functions/core/domain/report-data.ts';
import { seededRandom } from '../../functions/core/model/simulate.ts';
import { buildReport, type Report } from '../../functions/core/reporting/build-report.ts';

const day = 86_400_000;
/** A Monday. */
export const sampleReportStart = Date.parse('2026-10-05T09:00:00Z');

const steps = [
  { stepId: 'check-in', delay: 0 },
  { stepId: 'what-we-fixed', delay: 7 },
  { stepId: 'last-note', delay: 14 },
] as const;

/**
 * A shop's win-back over six weeks, deterministic: `customers` lapsed customers assigned a few a day,
 * a tenth held out, each with the purchases the model predicted (which drive their chance to buy),
 * the emails adding three points; orders mostly in euros, a few in dollars, one refunded; steps held
 * back by the window, the cap and a pause. For the browser test and the report's screenshots.
 */
export function sampleReportData(customers = 2_000, seed = 11): ReportData {
  const random = seededRandom(seed);
  const assignments: ReportData['assignments'][number][] = [];
  const firstSends: ReportData['firstSends'][number][] = [];
  const sends: NonNullable<ReportData['sends']>[number][] = [];
  const orders: ReportData['orders'][number][] = [];
  const sent = [0, 0, 0];
  for (let index = 0; index < customers; index += 1) {
    const customerId = `c${index}`;
    const enrolmentId = `e${index}`;
    const heldOut = random() < 0.1;
    const predicted = random() * 0.5;
    const enrolledAt = sampleReportStart + Math.floor((index / customers) * 42) * day;
    assignments.push({
      customerId,
      enrolmentId,
      sequenceId: 'gentle-winback',
      segmentId: 'lapsed',
      enrolledAt,
      state: heldOut ? 'held-out' : 'completed',
      predictedPurchases: predicted,
    });
    const returns = random() < 0.03 + 0.4 * predicted + (heldOut ? 0 : 0.03);
    const boughtAfter = Math.floor(random() * 25) + 1;
    if (!heldOut) {
      firstSends.push({ enrolmentId, sentAt: enrolledAt + day });
      for (const [stepIndex, step] of steps.entries()) {
        // Those who bought leave before the next step.
        if (returns && step.delay >= boughtAfter) break;
        sends.push({ enrolmentId, stepIndex, sentAt: enrolledAt + day + step.delay * day });
        sent[stepIndex] = (sent[stepIndex] ?? 0) + 1;
      }
    }
    if (returns)
      orders.push({
        customerId,
        placedAt: enrolledAt + day + boughtAfter * day,
        amount: Math.round(30 + 80 * random()),
        currency: index % 17 === 0 ? 'USD' : 'EUR',
        ...(index % 50 === 0 ? { status: 'refunded' as const } : {}),
      });
  }
  const counters = steps.map((step, stepIndex) => {
    const count = sent[stepIndex] ?? 0;
    return {
      sequenceId: 'gentle-winback',
      stepIndex,
      segmentId: 'lapsed',
      stepId: step.stepId,
      counters: {
        ...zeroCounters(),
        sent: count,
        delivered: Math.round(count * 0.985),
        bounced: Math.round(count * 0.015),
        opened: Math.round(count * 0.22),
        machineOpened: Math.round(count * 0.31),
        clicked: Math.round(count * 0.06),
        replied: Math.round(count * 0.008),
        unsubscribed: Math.round(count * 0.004),
        deferredWindow: Math.round(count * 0.4),
        deferredCap: stepIndex === 0 ? 0 : Math.round(count * 0.02),
        deferredGap: stepIndex === 0 ? 0 : Math.round(count * 0.05),
        deferredPause: stepIndex === 2 ? 212 : 0,
      },
    };
  });
  return { assignments, firstSends, sends, orders, counters };
}

/** The sample as the report builds it, with a sequence paused for complaints. */
export function sampleReport(customers?: number): Report {
  return buildReport(
    sampleReportData(customers),
    { engagement: EngagementConfigSchema.parse({}), sequences: [] },
    {
      now: sampleReportStart + 70 * day,
      source: 'a sample shop (test/support/sample-report.ts)',
      pauses: [
        {
          scope: 'gentle-winback',
          reason: 'complaint rate 0.12% is above 0.10% after 1,840 sends',
          at: sampleReportStart + 60 * day,
        },
      ],
    },
  );
}
