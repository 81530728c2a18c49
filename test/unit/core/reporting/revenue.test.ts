import { describe, expect, it } from 'vitest';
import { EngagementConfigSchema } from '../../../../functions/core/config/engagement.ts';
import { zeroCounters } from '../../../../functions/core/domain/counters.ts';
import type { ReportData } from '../../../../functions/core/domain/report-data.ts';
import { buildReport } from '../../../../functions/core/reporting/build-report.ts';
import { isoWeek } from '../../../../functions/core/reporting/iso-week.ts';
import { formatAmounts, formatMoney } from '../../../../functions/core/reporting/money.ts';
import { renderReportHtml, renderReportText } from '../../../../functions/core/reporting/render-report.ts';
import { winbackAssignment } from '../../../support/report-assignment.ts';

const day = 86_400_000;
// A Monday: 2026-11-02 starts ISO week 45.
const start = Date.parse('2026-11-02T00:00:00Z');
const config = { engagement: EngagementConfigSchema.parse({}), sequences: [] };

const enrolment = (customerId: string, state = 'completed') => winbackAssignment(customerId, start, state);

/** Two steps a week apart; who bought what, when, in which currency. */
function data(): ReportData {
  const counters = (sent: number) => ({ ...zeroCounters(), sent, delivered: sent, opened: 2, clicked: 1 });
  return {
    assignments: ['a', 'b', 'c', 'd', 'e'].map((id) => enrolment(id)).concat([enrolment('h', 'held-out')]),
    firstSends: ['a', 'b', 'c', 'd', 'e'].map((id) => ({ enrolmentId: `e-${id}`, sentAt: start + day })),
    sends: ['a', 'b', 'c', 'd', 'e'].flatMap((id) => [
      { enrolmentId: `e-${id}`, stepIndex: 0, sentAt: start + day },
      { enrolmentId: `e-${id}`, stepIndex: 1, sentAt: start + 8 * day },
    ]),
    orders: [
      // a: after step 1, twice (one return, two purchases); b: after step 2, in dollars.
      { customerId: 'a', placedAt: start + 2 * day, amount: 100, currency: 'EUR' },
      { customerId: 'a', placedAt: start + 9 * day, amount: 50, currency: 'EUR', refundedAmount: 20 },
      { customerId: 'b', placedAt: start + 10 * day, amount: 80, currency: 'usd' },
      // c: refunded and cancelled orders are no return and no revenue.
      { customerId: 'c', placedAt: start + 3 * day, amount: 500, currency: 'EUR', status: 'refunded' },
      { customerId: 'c', placedAt: start + 4 * day, amount: 500, currency: 'EUR', status: 'cancelled' },
      // d: before the first email, and e: after the 30-day window: neither counts.
      { customerId: 'd', placedAt: start + day / 2, amount: 70, currency: 'EUR' },
      { customerId: 'e', placedAt: start + 40 * day, amount: 70, currency: 'EUR' },
      // The hold-out's purchase within its window.
      { customerId: 'h', placedAt: start + 3 * day, amount: 25, currency: 'EUR' },
    ],
    counters: [
      { sequenceId: 'winback', stepIndex: 0, segmentId: 'lapsed', stepId: 'check-in', counters: counters(5) },
      {
        sequenceId: 'winback',
        stepIndex: 1,
        segmentId: 'lapsed',
        stepId: 'last-note',
        counters: counters(5),
      },
    ],
  };
}

describe('revenue in the report', () => {
  const report = buildReport(data(), config, { now: start + 60 * day });
  const group = report.groups[0];

  it('adds the kept amount of purchases in the window, per currency, never across currencies', () => {
    expect(group?.returned).toBe(2);
    expect(group?.revenue).toEqual([
      { currency: 'EUR', amount: 130 },
      { currency: 'USD', amount: 80 },
    ]);
    expect(group?.heldOutRevenue).toEqual([{ currency: 'EUR', amount: 25 }]);
    expect(group?.revenuePerEmail).toEqual([
      { currency: 'EUR', amount: 13 },
      { currency: 'USD', amount: 8 },
    ]);
  });

  it('gives each purchase to the step that was the latest email when it was made', () => {
    const [first, second] = group?.steps ?? [];
    expect(first).toMatchObject({
      stepId: 'check-in',
      returned: 1,
      revenue: [{ currency: 'EUR', amount: 100 }],
    });
    expect(first?.revenuePerEmail).toEqual([{ currency: 'EUR', amount: 20 }]);
    expect(second).toMatchObject({ stepId: 'last-note', returned: 1 });
    expect(second?.revenue).toEqual([
      { currency: 'USD', amount: 80 },
      { currency: 'EUR', amount: 30 },
    ]);
  });

  it('counts sent, returned and revenue per ISO week', () => {
    expect(group?.weeks).toEqual([
      { week: '2026-W45', sent: 5, returned: 1, revenue: [{ currency: 'EUR', amount: 100 }] },
      {
        week: '2026-W46',
        sent: 5,
        returned: 1,
        revenue: [
          { currency: 'USD', amount: 80 },
          { currency: 'EUR', amount: 30 },
        ],
      },
    ]);
  });

  it('shows one line per currency in the text and the page', () => {
    const text = renderReportText(report);
    expect(text).toContain('revenue EUR 130.00 (EUR 13.00 per email sent); hold-out EUR 25.00');
    expect(text).toContain('revenue USD 80.00 (USD 8.00 per email sent); hold-out none');
    expect(text).not.toContain('210');
    const html = renderReportHtml(report);
    expect(html).toContain('EUR 130.00');
    expect(html).toContain('USD 80.00');
  });
});

describe('the funnel and the weeks, in text and on the page', () => {
  const report = buildReport(data(), config, { now: start + 60 * day });

  it('runs from emails sent to customers back, with shares of the sent', () => {
    expect(report.groups[0]?.funnel).toEqual([
      { stage: 'sent', count: 10 },
      { stage: 'delivered', count: 10 },
      { stage: 'opened', count: 4 },
      { stage: 'clicked', count: 2 },
      { stage: 'returned', count: 2 },
    ]);
    expect(renderReportText(report)).toContain(
      'funnel sent 10 → delivered 10 (100.0%) → opened 4 (40.0%) → clicked 2 (20.0%) → returned 2 (20.0%)',
    );
  });

  it('lists the weeks in the text and charts them on the page, with a table of the same numbers', () => {
    expect(renderReportText(report)).toMatch(/2026-W46 +5 +1 {2}USD 80.00; EUR 30.00/);
    const html = renderReportHtml(report);
    expect(html).toContain(
      '<title id="weeks-0-title">Emails sent and customers back per week, winback</title>',
    );
    expect(html).toContain('<title id="revenue-0-0-title">Revenue per week in EUR, winback</title>');
    expect(html).toContain('<title id="revenue-0-1-title">Revenue per week in USD, winback</title>');
    expect(html).toContain('<th scope="row">2026-W45</th><td>5</td><td>1</td><td>EUR 100.00</td>');
  });

  it('is readable in dark mode and scrolls wide tables in their own box', () => {
    const html = renderReportHtml(report);
    expect(html).toContain('@media (prefers-color-scheme:dark)');
    expect(html).toContain('<div class="scroll" tabindex="0"><table');
    expect(html).not.toMatch(/<script|https?:\/\/(?!www\.w3\.org)/);
  });
});

describe('deferrals in the report', () => {
  it('splits the steps held back by cause, per sequence and per step', () => {
    const input = data();
    const [first, ...rest] = input.counters;
    if (first === undefined) throw new Error('fixture has counters');
    const held = {
      ...first,
      counters: { ...first.counters, deferredWindow: 7, deferredPause: 1374, deferredCap: 2 },
    };
    const report = buildReport({ ...input, counters: [held, ...rest] }, config, { now: start + 60 * day });
    expect(renderReportText(report)).toContain(
      'held back 1383 times a due step waited: outside the send window 7, the cap 2, the minimum gap 0, a pause 1374, an open ticket 0',
    );
    const html = renderReportHtml(report);
    expect(html).toContain('<caption>Held back, each time a due step waited, by cause</caption>');
    expect(html).toContain(
      '<th scope="row">check-in</th><td>7</td><td>2</td><td>0</td><td>1374</td><td>0</td>',
    );
  });

  it('says when nothing had to wait', () => {
    expect(renderReportText(buildReport(data(), config, { now: start }))).toContain(
      'held back nothing (no due step had to wait)',
    );
  });
});

describe('money and weeks', () => {
  it('formats amounts with their code, side by side', () => {
    expect(formatMoney({ currency: 'EUR', amount: 1234.5 })).toBe('EUR 1,234.50');
    expect(formatMoney({ currency: '', amount: 3 })).toBe('3.00');
    expect(
      formatAmounts([
        { currency: 'EUR', amount: 1 },
        { currency: 'USD', amount: 2 },
      ]),
    ).toBe('EUR 1.00; USD 2.00');
    expect(formatAmounts([])).toBe('none');
  });

  it('names ISO weeks, the year of their Thursday', () => {
    expect(isoWeek(Date.parse('2026-11-02T00:00:00Z'))).toBe('2026-W45');
    expect(isoWeek(Date.parse('2026-11-08T23:59:00Z'))).toBe('2026-W45');
    expect(isoWeek(Date.parse('2027-01-01T12:00:00Z'))).toBe('2026-W53');
    expect(isoWeek(Date.parse('2024-12-30T12:00:00Z'))).toBe('2025-W01');
    expect(isoWeek(Date.parse('2026-01-01T12:00:00Z'))).toBe('2026-W01');
  });
});
