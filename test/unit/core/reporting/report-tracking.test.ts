import { describe, expect, it } from 'vitest';
import { EngagementConfigSchema } from '../../../../functions/core/config/engagement.ts';
import type { RekindleConfig } from '../../../../functions/core/config/schema.ts';
import { zeroCounters } from '../../../../functions/core/domain/counters.ts';
import type { ReportData } from '../../../../functions/core/domain/report-data.ts';
import type { SentTracking } from '../../../../functions/core/domain/send-record.ts';
import { buildReport } from '../../../../functions/core/reporting/build-report.ts';
import {
  describeUncounted,
  renderReportHtml,
  renderReportText,
} from '../../../../functions/core/reporting/render-report.ts';
import { winbackAssignment } from '../../../support/report-assignment.ts';

const day = 86_400_000;
const start = Date.parse('2026-11-01T00:00:00Z');

/** Opens off, clicks on (the defaults), or as given; `winback` may choose its own. */
const configWith = (
  tracking: { opens?: boolean; clicks?: boolean } = {},
  sequenceTracking?: { opens?: boolean; clicks?: boolean },
): Pick<RekindleConfig, 'engagement' | 'sequences'> =>
  ({
    engagement: EngagementConfigSchema.parse({ tracking }),
    sequences:
      sequenceTracking === undefined ? [] : [{ id: 'winback', steps: [], tracking: sequenceTracking }],
  }) as never;

/** `winback` sent once to each customer, each send recording `tracking` (undefined: an older record). */
function sentWith(trackings: readonly (SentTracking | undefined)[]): ReportData {
  const customers = trackings.map((_, index) => `c${index}`);
  return {
    assignments: customers.map((customerId) => winbackAssignment(customerId, start, 'completed')),
    firstSends: customers.map((customerId) => ({ enrolmentId: `e-${customerId}`, sentAt: start + day })),
    sends: trackings.map((tracking, index) => ({
      enrolmentId: `e-c${index}`,
      stepIndex: 0,
      sentAt: start + day,
      ...(tracking === undefined ? {} : { tracking }),
    })),
    orders: [{ customerId: 'c0', placedAt: start + 3 * day, amount: 40, currency: 'EUR' }],
    counters: [
      {
        sequenceId: 'winback',
        stepIndex: 0,
        segmentId: 'lapsed',
        stepId: 'check-in',
        counters: { ...zeroCounters(), sent: trackings.length, delivered: trackings.length },
      },
    ],
  };
}

const times = <T>(count: number, value: T): T[] => Array.from({ length: count }, () => value);
const linkless: SentTracking = { opens: false, clicks: false, noTrackedLinks: true };

describe('the report counts opens and clicks from what each email tracked', () => {
  it('says clicks are not tracked when no email had a link SES tracks, though the setting is on', () => {
    const report = buildReport(sentWith(times(37, linkless)), configWith(), { now: start + 10 * day });
    const group = report.groups[0];
    expect(group?.counted).toEqual({ opens: false, clicks: false });
    expect(group?.untracked.clicks).toEqual({ emails: 37, noTrackedLinks: 37, settingOn: true });
    expect(group?.funnel.map((stage) => stage.stage)).toEqual(['sent', 'delivered', 'returned']);
    const note =
      "not tracked: opens (this sequence's tracking.opens is off) and clicks (none of the 37 emails sent had a link SES tracks: the unsubscribe link never is, and their templates have no other), so none are counted and the funnel skips them";
    const text = renderReportText(report);
    expect(text).toContain(note);
    expect(text).toContain('funnel sent 37 → delivered 37 (100.0%) → returned 1 (2.7%)');
    expect(text).not.toMatch(/clicked 0/);
    const html = renderReportHtml(report);
    expect(html).toContain(`<p class="muted">${note.replace("sequence's", 'sequence&#39;s')}</p>`);
    expect(html).toContain(
      '<td>37</td><td class="muted">not tracked</td><td class="muted">not tracked</td><td class="muted">not tracked</td>',
    );
  });

  it('counts clicks where an email tracked them, whatever the setting says now', () => {
    const tracked: SentTracking = { opens: true, clicks: true };
    const report = buildReport(
      sentWith([tracked, ...times(3, { opens: false, clicks: false })]),
      configWith({ opens: false, clicks: false }),
      { now: start + 10 * day },
    );
    const group = report.groups[0];
    expect(group?.counted).toEqual({ opens: true, clicks: true });
    expect(group?.untracked).toEqual({});
    expect(group?.funnel.map((stage) => stage.stage)).toEqual([
      'sent',
      'delivered',
      'opened',
      'clicked',
      'returned',
    ]);
    expect(describeUncounted(group ?? { counted: { opens: true, clicks: true } })).toEqual([]);
  });

  it('says emails went out with the setting off when it has been turned on since', () => {
    const report = buildReport(
      sentWith(times(5, { opens: false, clicks: true })),
      configWith({ opens: true }),
      { now: start + 10 * day },
    );
    expect(report.groups[0]?.counted).toEqual({ opens: false, clicks: true });
    expect(renderReportText(report)).toContain(
      'not tracked: opens (the 5 emails sent went out while tracking.opens was off; it is on now), so none are counted and the funnel skips it',
    );
  });

  it('judges emails sent before sends recorded their tracking by the setting now', () => {
    // Older emails with clicks on in the config: counted, as before.
    const older = buildReport(sentWith(times(4, undefined)), configWith(), { now: start + 10 * day });
    expect(older.groups[0]?.counted).toEqual({ opens: false, clicks: true });
    expect(renderReportText(older)).toContain(
      "not tracked: opens (this sequence's tracking.opens is off), so none are counted and the funnel skips it",
    );
    // Older emails among linkless ones: the setting being on says they could have been clicked.
    const mixed = buildReport(sentWith([undefined, linkless]), configWith(), { now: start + 10 * day });
    expect(mixed.groups[0]?.counted.clicks).toBe(true);
    // With the sequence's clicks off now, the older ones went out with it off.
    const off = buildReport(sentWith([undefined, linkless, linkless]), configWith({}, { clicks: false }), {
      now: start + 10 * day,
    });
    expect(off.groups[0]?.counted).toEqual({ opens: false, clicks: false });
    expect(renderReportText(off)).toContain(
      "not tracked: opens (this sequence's tracking.opens is off) and clicks (of the 3 emails sent, 2 had no link SES tracks (the unsubscribe link never is) and 1 went out with tracking.clicks off), so none are counted and the funnel skips them",
    );
  });

  it('keeps the setting as the reason when nothing was sent yet, and one email reads as one', () => {
    const nothing = buildReport({ ...sentWith([]), orders: [] }, configWith({ clicks: false }), {
      now: start,
    });
    expect(nothing.groups).toHaveLength(1);
    expect(renderReportText(nothing)).toContain(
      "not tracked: opens and clicks (this sequence's tracking settings are off), so none are counted and the funnel skips them",
    );
    const one = buildReport(sentWith([linkless]), configWith(), { now: start + 10 * day });
    expect(renderReportText(one)).toContain(
      'clicks (the 1 email sent had no link SES tracks: the unsubscribe link never is, and its template has no other)',
    );
  });
});
