import { barChart, escapeXml, lineChart } from '../reporting/svg-chart.ts';
import type { PlanReport } from './plan-report.ts';
import { describeEntry, heldBackLabels, localTime } from './plan-text.ts';
import { deferReasons, heldBackReasons } from './simulate-plan.ts';

const count = (value: number) => value.toLocaleString('en');
const share = (part: number, whole: number) =>
  whole === 0 ? '0.0%' : `${((part / whole) * 100).toFixed(1)}%`;

const deferLabels: Readonly<Record<(typeof deferReasons)[number], string>> = {
  window: 'outside the send window',
  cap: 'over the cap',
  gap: 'within the minimum gap',
  paused: 'customer paused',
  'ticket-open': 'support ticket open',
  'sequence-paused': 'sequence paused',
};

const style = `:root{color-scheme:light dark}
body{font-family:system-ui,sans-serif;max-width:60rem;margin:2rem auto;padding:0 1rem;color:#111;background:#fff;line-height:1.45;overflow-wrap:anywhere}
h1{font-size:1.6rem;margin-bottom:.25rem}h2{font-size:1.2rem;margin-top:2rem;border-bottom:1px solid #d1d5db;padding-bottom:.25rem}
.muted{color:#4b5563}.scroll{overflow-x:auto}
table{border-collapse:collapse;margin:.5rem 0;font-size:.9rem}th,td{border:1px solid #d1d5db;padding:.3rem .5rem;text-align:left;vertical-align:top}
td.n,th.n{text-align:right;font-variant-numeric:tabular-nums}
dl.totals{display:grid;grid-template-columns:repeat(auto-fit,minmax(9rem,1fr));gap:.5rem;margin:1rem 0}
dl.totals div{border:1px solid #d1d5db;border-radius:6px;padding:.5rem}dl.totals dt{font-size:.8rem}dl.totals dd{margin:0;font-size:1.3rem;font-weight:600}
ol.timeline{padding-left:1.2rem}ol.timeline li{margin:.15rem 0}
@media (prefers-color-scheme:dark){body{color:#e5e7eb;background:#111827}.muted{color:#9ca3af}th,td,dl.totals div{border-color:#374151}h2{border-color:#374151}}`;

const table = (
  head: readonly string[],
  rows: readonly (readonly string[])[],
  numeric: readonly boolean[] = [],
) =>
  `<div class="scroll"><table><thead><tr>${head
    .map(
      (cell, index) =>
        `<th scope="col"${numeric[index] === true ? ' class="n"' : ''}>${escapeXml(cell)}</th>`,
    )
    .join('')}</tr></thead><tbody>${rows
    .map(
      (row) =>
        `<tr>${row.map((cell, index) => `<td${numeric[index] === true ? ' class="n"' : ''}>${escapeXml(cell)}</td>`).join('')}</tr>`,
    )
    .join('')}</tbody></table></div>`;

/**
 * The plan as one self-contained page (no scripts, nothing fetched): totals, emails per day with
 * and without caps and windows, segments with why, deferrals by cause, steps, and some customers'
 * timelines. Charts are SVG with titles and the same numbers in tables; it follows dark mode.
 */
export function renderPlanPage(report: PlanReport): string {
  const first = report.days[0]?.date ?? '';
  const last = report.days.at(-1)?.date ?? '';
  const peak = (values: readonly number[]) => Math.max(0, ...values);
  const emails = report.days.map((day) => day.emails);
  const unlimited = report.days.map((day) => day.emailsWithoutLimits);
  const totals: [string, number][] = [
    ['customers', report.customers],
    ['emails', report.totals.emails],
    ['enrolled', report.totals.enrolled],
    ['held out', report.totals.heldOut],
    ['deferrals', report.totals.deferrals],
    ['skipped steps', report.totals.skipped],
    ['still planned at the end', report.totals.pendingAtEnd],
  ];

  const perDay = lineChart({
    id: 'emails-per-day',
    title: `Emails per day, ${first} to ${last}: as configured and without caps and windows`,
    categories: report.days.map((day) => day.date.slice(5)),
    series: [
      { name: 'as configured', values: emails },
      { name: 'without caps and windows', values: unlimited },
    ],
    width: 640,
  });
  const segmentsChart = barChart(
    report.segments.map((segment) => ({
      label: segment.id,
      value: segment.members,
      text: `${count(segment.members)} (${share(segment.members, report.customers)})`,
    })),
    { id: 'segments', title: `Customers per segment on ${first} (first match wins)` },
  );
  const deferralChart = barChart(
    deferReasons.map((reason) => ({
      label: deferLabels[reason],
      value: report.deferrals[reason],
      text: count(report.deferrals[reason]),
    })),
    { id: 'deferrals', title: 'Deferrals by cause over the plan' },
  );

  const segmentRows = report.segments.map((segment) => [
    segment.id,
    segment.sequence === null ? 'do not email' : segment.sequence,
    count(segment.members),
    count(segment.enrolled),
    count(segment.heldOut),
    segment.sequence === null
      ? '–'
      : heldBackReasons
          .filter((reason) => reason !== 'no-sequence' && segment.heldBack[reason] > 0)
          .map((reason) => `${heldBackLabels[reason]} ${count(segment.heldBack[reason])}`)
          .join(', ') || 'none',
    `${count(segment.enrolledTotal)} / ${count(segment.heldOutTotal)}`,
  ]);
  const examples = report.segments
    .filter((segment) => segment.examples.length > 0)
    .map(
      (segment) =>
        `<h3>${escapeXml(segment.id)}</h3>${segment.description === undefined ? '' : `<p class="muted">${escapeXml(segment.description)}</p>`}<ul>${segment.examples
          .map(
            (example) =>
              `<li><strong>${escapeXml(example.customerId)}</strong>: ${escapeXml(example.reasons)}</li>`,
          )
          .join('')}</ul>`,
    )
    .join('');
  const compare: [string, number, number][] = [
    ['emails sent', report.totals.emails, report.withoutLimits.totals.emails],
    ['deferrals', report.totals.deferrals, report.withoutLimits.totals.deferrals],
    ['steps skipped', report.totals.skipped, report.withoutLimits.totals.skipped],
    ['sequences finished', report.totals.completed, report.withoutLimits.totals.completed],
    ['steps still planned at the end', report.totals.pendingAtEnd, report.withoutLimits.totals.pendingAtEnd],
    ['peak emails in a day', peak(emails), peak(unlimited)],
  ];
  const timelines = report.timelines
    .map(
      (timeline) =>
        `<h3>Customer ${escapeXml(timeline.customerId)} <span class="muted">(times in ${escapeXml(timeline.timeZone)})</span></h3>${
          timeline.entries.length === 0
            ? '<p>Nothing planned: in no segment with a sequence, or held back.</p>'
            : `<ol class="timeline">${timeline.entries.map((entry) => `<li>${escapeXml(describeEntry(entry, timeline.timeZone))}</li>`).join('')}</ol>`
        }`,
    )
    .join('');
  const list = (entries: Readonly<Record<string, number>>) =>
    Object.entries(entries).length === 0
      ? '<p>None.</p>'
      : table(
          ['why', 'steps'],
          Object.entries(entries).map(([reason, n]) => [reason, count(n)]),
          [false, true],
        );

  return `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width,initial-scale=1">
<title>Rekindle plan: ${escapeXml(first)} to ${escapeXml(last)}</title>
<style>${style}</style></head>
<body><main>
<h1>What this config would do, ${escapeXml(first)} to ${escapeXml(last)}</h1>
<p class="muted">${report.days.length} days in virtual time from ${escapeXml(localTime(report.start, report.timeZone))} (${escapeXml(report.timeZone)}), config ${escapeXml(report.configFile)}. Nothing was sent. Assumed: nobody opens, clicks, replies or buys during the plan, and no one is suppressed or paused.</p>
<p>${count(report.customers)} customers, ${count(report.orders)} orders, ${count(report.incidents)} incidents${report.rejectedRows > 0 ? `; ${count(report.rejectedRows)} rows rejected` : ''}. ${
    report.model.kind === undefined
      ? `No model (${escapeXml(report.model.fitError ?? 'not fitted')}): model conditions match no one.`
      : `Model ${escapeXml(report.model.kind)}, fitted on ${count(report.model.sampleSize)} customers.`
  } Send window ${escapeXml(report.policy.window)}; cap ${escapeXml(report.policy.cap)}; minimum gap ${escapeXml(report.policy.minimumGap)}.</p>
<dl class="totals">${totals.map(([label, value]) => `<div><dt>${label}</dt><dd>${count(value)}</dd></div>`).join('')}</dl>

<h2>Emails per day</h2>
${perDay}
<details><summary>The numbers per day</summary>${table(
    ['day', 'as configured', 'without caps and windows', 'deferrals', 'enrolled', 'held out'],
    report.days.map((day) => [
      day.date,
      count(day.emails),
      count(day.emailsWithoutLimits),
      count(day.deferrals),
      count(day.enrolled),
      count(day.heldOut),
    ]),
    [false, true, true, true, true, true],
  )}</details>

<h2>What the caps and windows change</h2>
${table(
  ['over the plan', 'as configured', 'without caps and windows'],
  compare.map(([label, a, b]) => [label, count(a), count(b)]),
  [false, true, true],
)}

<h2>Deferrals by cause</h2>
<p class="muted">A deferred step waits for the next allowed moment; it is never dropped.</p>
${deferralChart}

<h2>Segments on ${escapeXml(first)}</h2>
${segmentsChart}
${table(
  [
    'segment',
    'sequence',
    'members',
    'enrolled',
    'held out',
    'not enrolled, why',
    `over ${report.days.length} days: enrolled / held out`,
  ],
  segmentRows,
  [false, false, true, true, true, false, true],
)}
<p>In no segment: ${count(report.unmatched)} (${share(report.unmatched, report.customers)}).</p>
${examples}

<h2>Steps</h2>
${table(
  ['sequence', 'step', 'sent', 'skipped'],
  report.steps.map((step) => [
    step.sequenceId,
    `${step.stepIndex + 1} ${step.stepId}`,
    count(step.sent),
    count(step.skipped),
  ]),
  [false, false, true, true],
)}
<h3>Skipped, by why</h3>${list(report.skips)}
<h3>Left a sequence early</h3>${list(report.exits)}

<h2>Who gets which step when</h2>
${timelines === '' ? '<p>Nobody is enrolled.</p>' : timelines}
</main></body></html>
`;
}
