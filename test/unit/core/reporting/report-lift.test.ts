import { describe, expect, it } from 'vitest';
import { EngagementConfigSchema } from '../../../../functions/core/config/engagement.ts';
import type { ReportData } from '../../../../functions/core/domain/report-data.ts';
import { seededRandom } from '../../../../functions/core/model/simulate.ts';
import { buildReport } from '../../../../functions/core/reporting/build-report.ts';
import { renderReportHtml, renderReportText } from '../../../../functions/core/reporting/render-report.ts';

const day = 86_400_000;
const start = Date.parse('2026-11-02T00:00:00Z');
const config = { engagement: EngagementConfigSchema.parse({}), sequences: [] };

/**
 * `customers` assigned over four weeks, a fifth held out; each one's predicted purchases drive their
 * chance to buy within the window, and the emails add `effect`.
 */
function experiment(customers: number, effect: number, options: { covariate?: boolean } = {}): ReportData {
  const random = seededRandom(7);
  const assignments: ReportData['assignments'][number][] = [];
  const orders: ReportData['orders'][number][] = [];
  for (let index = 0; index < customers; index += 1) {
    const customerId = `c${index}`;
    const heldOut = index % 5 === 0;
    const predicted = random() * 0.6;
    const enrolledAt = start + (index % 28) * day;
    assignments.push({
      customerId,
      enrolmentId: `e-${customerId}`,
      sequenceId: 'winback',
      segmentId: 'lapsed',
      enrolledAt,
      state: heldOut ? 'held-out' : 'completed',
      ...(options.covariate === false && index === 3 ? {} : { predictedPurchases: predicted }),
    });
    if (random() < 0.02 + predicted + (heldOut ? 0 : effect))
      orders.push({
        customerId,
        placedAt: enrolledAt + 5 * day,
        amount: 20 + 40 * predicted,
        currency: 'EUR',
      });
  }
  return { assignments, orders, firstSends: [], counters: [] };
}

describe('the adjusted lift in the report', () => {
  it('gives the CUPED estimate beside the plain one, with a narrower interval, and revenue lifts in the main currency', () => {
    const report = buildReport(experiment(4_000, 0.05), config, { now: start + 90 * day });
    const result = report.groups[0]?.experiment;
    if (result?.kind !== 'analysis') throw new Error('expected an analysis');
    const { returnRate, adjusted, revenue } = result.analysis;
    expect(result.currency).toBe('EUR');
    expect(adjusted).toBeDefined();
    const plainWidth = returnRate.high - returnRate.low;
    const adjustedWidth = (adjusted?.returnRate.high ?? 0) - (adjusted?.returnRate.low ?? 0);
    expect(adjustedWidth).toBeLessThan(plainWidth);
    expect(adjusted?.returnRate.low).toBeGreaterThan(0);
    expect(revenue.estimate).toBeGreaterThan(0);
    const text = renderReportText(report);
    expect(text).toMatch(
      /adjusted lift \+\d+\.\d pts \(95% CI \+\d+\.\d pts to \+\d+\.\d pts\) by predicted purchases: they explain \d+% of the variance, the interval \d+% narrower/,
    );
    expect(text).toMatch(
      /revenue lift per customer \+EUR \d+\.\d\d \(95% CI [+-]EUR \d+\.\d\d to \+EUR \d+\.\d\d\); adjusted/,
    );
    // A clear effect needs no more customers.
    expect(text).not.toContain('more (about');
  });

  it('says how many more customers and weeks a lift needs while the interval spans zero', () => {
    const report = buildReport(experiment(400, 0), config, { now: start + 90 * day });
    const result = report.groups[0]?.experiment;
    if (result?.kind !== 'analysis') throw new Error('expected an analysis');
    // 400 customers over four weeks: about 100 a week.
    expect(result.customersPerWeek).toBeGreaterThan(90);
    expect(result.customersPerWeek).toBeLessThan(110);
    const text = renderReportText(report);
    expect(text).toMatch(
      /to find a lift of 1 pt: about [\d,]+ customers in all, [\d,]+ more \(about [\d,]+ weeks at \d+ a week\)/,
    );
    expect(text).toMatch(/to find a lift of 5 pts: /);
  });

  it('gives no adjusted estimate when a customer has no predicted purchases, and says why', () => {
    const report = buildReport(experiment(400, 0.05, { covariate: false }), config, {
      now: start + 90 * day,
    });
    const result = report.groups[0]?.experiment;
    if (result?.kind !== 'analysis') throw new Error('expected an analysis');
    expect(result.analysis.adjusted).toBeUndefined();
    expect(renderReportText(report)).toContain(
      'adjusted lift: none (1 of 400 customers were assigned without a predicted purchase count (no fitted model then))',
    );
  });

  it('leaves the adjusted interval out while the hold-out has no returns, where it would be too narrow', () => {
    const input = experiment(400, 0.05);
    const heldOut = new Set(
      input.assignments
        .filter((assignment) => assignment.state === 'held-out')
        .map((assignment) => assignment.customerId),
    );
    const report = buildReport(
      { ...input, orders: input.orders.filter((order) => !heldOut.has(order.customerId)) },
      config,
      { now: start + 90 * day },
    );
    const result = report.groups[0]?.experiment;
    if (result?.kind !== 'analysis') throw new Error('expected an analysis');
    expect(result.analysis.adjusted).toBeUndefined();
    expect(renderReportText(report)).toContain(
      'adjusted lift: none (the hold-out had no returns, so an adjusted interval would be too narrow)',
    );
  });

  it('draws both intervals on the page, each chart named by its title', () => {
    const html = renderReportHtml(buildReport(experiment(4_000, 0.05), config, { now: start + 90 * day }));
    expect(html).toContain(
      '<title id="lift-0-title">Return-rate lift over the hold-out with 95% intervals, winback</title>',
    );
    expect(html).toContain('return rate, adjusted by predicted purchases: +');
    expect(html).toContain(
      '<title id="revenue-lift-0-title">Revenue lift per customer over the hold-out with 95% intervals, EUR, winback</title>',
    );
  });
});
