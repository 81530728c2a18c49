import { describe, expect, it } from 'vitest';
import { EngagementConfigSchema } from '../../../../functions/core/config/engagement.ts';
import { zeroCounters } from '../../../../functions/core/domain/counters.ts';
import type { ReportData } from '../../../../functions/core/domain/report-data.ts';
import { buildReport } from '../../../../functions/core/reporting/build-report.ts';
import { renderReportHtml, renderReportText } from '../../../../functions/core/reporting/render-report.ts';
import { newcombeDifference, wilsonInterval } from '../../../../functions/core/reporting/statistics.ts';
import { winbackAssignment } from '../../../support/report-assignment.ts';

const day = 86_400_000;
const start = Date.parse('2026-11-01T00:00:00Z');
const config = { engagement: EngagementConfigSchema.parse({}), sequences: [] };

function data(options: {
  enrolled: number;
  returned: number;
  heldOut: number;
  heldOutReturned: number;
}): ReportData {
  const assignments: ReportData['assignments'][number][] = [];
  const orders: ReportData['orders'][number][] = [];
  const firstSends: ReportData['firstSends'][number][] = [];
  for (let index = 0; index < options.enrolled; index += 1) {
    const customerId = `t${index}`;
    assignments.push(winbackAssignment(customerId, start, 'completed'));
    firstSends.push({ enrolmentId: `e-${customerId}`, sentAt: start + day });
    // Returns inside the window, and one customer who bought before the first email (not a return).
    if (index < options.returned)
      orders.push({ customerId, placedAt: start + 10 * day, amount: 40, currency: 'EUR' });
    else if (index === options.returned)
      orders.push({ customerId, placedAt: start + day / 2, amount: 99, currency: 'EUR' });
  }
  for (let index = 0; index < options.heldOut; index += 1) {
    const customerId = `h${index}`;
    assignments.push(winbackAssignment(customerId, start, 'held-out'));
    // Returns after the window do not count.
    orders.push({
      customerId,
      placedAt: index < options.heldOutReturned ? start + 5 * day : start + 45 * day,
      amount: 30,
      currency: 'EUR',
    });
  }
  const counters = {
    ...zeroCounters(),
    sent: options.enrolled,
    delivered: options.enrolled - 2,
    opened: 40,
    machineOpened: 30,
    clicked: 12,
    replied: 3,
  };
  return {
    assignments,
    orders,
    firstSends,
    counters: [{ sequenceId: 'winback', stepIndex: 0, segmentId: 'lapsed', stepId: 'check-in', counters }],
  };
}

describe('the lift and its interval', () => {
  it('matches Newcombe (1998) method 10 for 56/70 against 48/80', () => {
    const lift = newcombeDifference({ successes: 56, trials: 70 }, { successes: 48, trials: 80 });
    expect(lift.estimate).toBeCloseTo(0.2, 4);
    expect(lift.low).toBeCloseTo(0.0524, 3);
    expect(lift.high).toBeCloseTo(0.3339, 3);
  });

  it('gives the Wilson interval inside [0, 1] even at zero', () => {
    const interval = wilsonInterval(0, 20);
    expect(interval.low).toBe(0);
    expect(interval.high).toBeCloseTo(0.1611, 3);
  });
});

describe('the report', () => {
  it('counts returns within the window after the first email, and the hold-out after its date', () => {
    const report = buildReport(
      data({ enrolled: 200, returned: 30, heldOut: 100, heldOutReturned: 5 }),
      config,
      { now: start + 60 * day },
    );
    const [group] = report.groups;
    expect(group).toMatchObject({
      segmentId: 'lapsed',
      sequenceId: 'winback',
      enrolled: 200,
      heldOut: 100,
      returned: 30,
      heldOutReturned: 5,
    });
    expect(group?.lift.kind).toBe('lift');
    if (group?.lift.kind !== 'lift') throw new Error('expected a lift');
    expect(group.lift.estimate).toBeCloseTo(0.1, 6);
    expect(group.lift.low).toBeGreaterThan(0);
    expect(group.steps[0]?.counters.machineOpened).toBe(30);
  });

  it('says "not enough data yet" for small groups or without a hold-out', () => {
    const small = buildReport(data({ enrolled: 10, returned: 2, heldOut: 5, heldOutReturned: 0 }), config, {
      now: start,
    });
    expect(small.groups[0]?.lift).toMatchObject({ kind: 'not-enough-data' });
    expect(renderReportText(small)).toContain('not enough data yet');
    const none = buildReport(data({ enrolled: 50, returned: 2, heldOut: 0, heldOutReturned: 0 }), config, {
      now: start,
    });
    expect(none.groups[0]?.lift).toEqual({ kind: 'not-enough-data', reason: 'no hold-out group' });
  });

  it('renders an offline HTML page with a funnel and the lift chart, and nothing fetched', () => {
    const html = renderReportHtml(
      buildReport(data({ enrolled: 200, returned: 30, heldOut: 100, heldOutReturned: 5 }), config, {
        now: start,
      }),
    );
    expect(html).toContain('<title id="funnel-0-title">Funnel of winback for lapsed');
    expect(html).toContain(
      '<title id="lift-0-title">Return-rate lift over the hold-out with 95% intervals, winback</title>',
    );
    expect(html).toContain('30 more emails had only a likely machine open');
    expect(html).not.toMatch(/<script|https?:\/\/(?!www\.w3\.org)/);
  });

  it('says "not tracked" where a sequence tracks no opens (the default), never a 0 that looks like a result', () => {
    const untracked = data({ enrolled: 60, returned: 6, heldOut: 30, heldOutReturned: 1 });
    const noOpens = {
      ...untracked,
      counters: untracked.counters.map((row) => ({
        ...row,
        counters: { ...row.counters, opened: 0, machineOpened: 0 },
      })),
    };
    const report = buildReport(noOpens, config, { now: start });
    const group = report.groups[0];
    expect(config.engagement.tracking).toEqual({ opens: false, clicks: true });
    expect(group?.counted).toEqual({ opens: false, clicks: true });
    expect(group?.funnel.map((stage) => stage.stage)).toEqual(['sent', 'delivered', 'clicked', 'returned']);
    const text = renderReportText(report);
    expect(text).toMatch(/^ {2}check-in {8} {9}60 {9}58 {10}– {10}– {9}12 /m);
    expect(text).toMatch(/^ {2}check-in {8} {10}– {6}20\.7%/m);
    expect(text).toContain(
      "not tracked: opens (this sequence's tracking.opens is off), so none are counted and the funnel skips it",
    );
    expect(text).toContain('funnel sent 60 → delivered 58 (96.7%) → clicked 12 (20.0%) → returned 6 (10.0%)');
    const html = renderReportHtml(report);
    expect(html).toContain(
      '<td>58</td><td class="muted">not tracked</td><td class="muted">not tracked</td><td>12</td>',
    );
    expect(html).not.toContain('likely machine open (Apple');
    // Opens counted while the sequence tracked them still show, though it no longer does.
    const before = buildReport(untracked, config, { now: start }).groups[0];
    expect(before?.counted).toEqual({ opens: true, clicks: true });
    // A sequence's own setting wins over engagement.tracking: clicks off there, and none counted.
    const noClicks = buildReport(
      {
        ...noOpens,
        counters: noOpens.counters.map((row) => ({ ...row, counters: { ...row.counters, clicked: 0 } })),
      },
      { ...config, sequences: [{ id: 'winback', steps: [], tracking: { clicks: false } }] } as never,
      { now: start },
    );
    expect(noClicks.groups[0]?.counted).toEqual({ opens: false, clicks: false });
    expect(renderReportText(noClicks)).toContain(
      "not tracked: opens and clicks (this sequence's tracking settings are off), so none are counted and the funnel skips them",
    );
  });
});

/** An enrolment of `winback` that began at `start` and ended eleven days later. */
const ended = (customerId: string, state: 'completed' | 'exited', exitReason?: string) =>
  winbackAssignment(customerId, start, state, {
    endedAt: start + 11 * day,
    ...(exitReason === undefined ? {} : { exitReason }),
  });

describe('how enrolments ended', () => {
  it('counts completions, exits by reason, and the unanswered completions that sunset the customer', () => {
    const report = buildReport(
      {
        assignments: [
          ended('silent', 'completed'),
          ended('opened', 'completed'),
          ended('ordered-later', 'completed'),
          ended('replied', 'exited', 'reply'),
          ended('bought', 'exited', 'purchase'),
          ended('bought-2', 'exited', 'purchase'),
        ],
        orders: [
          // Before the win-back: does not lift the sunset. After it: does.
          { customerId: 'silent', placedAt: start - 200 * day, amount: 10 },
          { customerId: 'ordered-later', placedAt: start + 60 * day, amount: 10 },
        ],
        firstSends: [],
        counters: [],
        // A person's open of one of its emails is a response.
        responses: [{ enrolmentId: 'e-opened', respondedAt: start + 2 * day }],
      },
      config,
      { now: start + 100 * day },
    );
    expect(report.groups[0]).toMatchObject({
      completed: 3,
      exited: { reply: 1, purchase: 2 },
      sunset: 1,
    });
    expect(renderReportText(report)).toContain(
      'ended completed 3 (1 unanswered: sunset, no more win-back until they order); exited: purchase 2, reply 1',
    );
    expect(renderReportHtml(report)).toContain('1 unanswered: sunset');
  });

  it('counts the customers the re-entry rule keeps out of the sequence: within the year, or for good after a reply', () => {
    const reportAt = (now: number) =>
      buildReport(
        {
          assignments: [
            ended('silent', 'completed'),
            ended('replied', 'exited', 'reply'),
            ended('bought', 'exited', 'purchase'),
          ],
          orders: [],
          firstSends: [],
          counters: [],
        },
        config,
        { now },
      );
    expect(reportAt(start + 100 * day).groups[0]?.reentryBlocked).toBe(3);
    const nextYear = reportAt(start + 400 * day);
    expect(nextYear.groups[0]?.reentryBlocked).toBe(1);
    expect(renderReportText(nextYear)).toContain('1 not to get this sequence again (re-entry rule');
  });
});
