import { counted } from '../counted.ts';
import type { Counters } from '../domain/counters.ts';
import { allSequences, sesAccountScope } from '../domain/pauses.ts';
import type {
  ExperimentResult,
  FunnelStage,
  GroupReport,
  LiftResult,
  PauseInForce,
  Report,
  Untracked,
} from './build-report.ts';
import type { Effect } from './experiment.ts';
import { formatAmounts, formatMoney, type Money } from './money.ts';
import { rateColumns, ratesOf } from './rates.ts';
import { barChart, escapeXml, intervalChart, lineChart } from './svg-chart.ts';

const percent = (value: number | undefined, digits = 1) =>
  value === undefined || Number.isNaN(value) ? '–' : `${(value * 100).toFixed(digits)}%`;
const points = (value: number) => `${value >= 0 ? '+' : ''}${(value * 100).toFixed(1)} pts`;

/** The lift in words: the estimate and its interval, or why there is none yet. */
export function describeLift(lift: LiftResult): string {
  if (lift.kind === 'not-enough-data') return `not enough data yet (${lift.reason})`;
  const verdict =
    lift.low > 0
      ? 'win-back worked'
      : lift.high < 0
        ? 'fewer returned than the hold-out'
        : 'no clear effect yet';
  return `${points(lift.estimate)} (95% CI ${points(lift.low)} to ${points(lift.high)}): ${verdict}`;
}

/** Plain text for the terminal. */
export function renderReportText(report: Report): string {
  const lines: string[] = [
    `Rekindle report — ${new Date(report.generatedAt).toISOString().slice(0, 16).replace('T', ' ')} UTC`,
    `Returned = a purchase within ${report.attributionWindowDays} days after the first email (hold-out: after the hold-out date).`,
    ...(report.source === undefined ? [] : [`Data: ${report.source}.`]),
  ];
  for (const line of describePauses(report.pauses)) lines.push('', line);
  if (report.groups.length === 0) lines.push('', 'Nothing enrolled yet.');
  for (const group of report.groups) {
    lines.push(
      '',
      `${group.segmentId} → ${group.sequenceId}`,
      `  enrolled ${group.enrolled}, held out ${group.heldOut}`,
      `  returned ${group.returned} (${percent(group.returnRate)}), hold-out returned ${group.heldOutReturned} (${percent(group.heldOutReturnRate)})`,
      ...describeRevenue(group).map((line) => `  ${line}`),
      `  lift ${describeLift(group.lift)}`,
      ...describeExperiment(group.experiment).map((line) => `  ${line}`),
      `  ended ${describeEnds(group)}`,
      `  held back ${describeDeferrals(group.totals)}`,
      `  ${'step'.padEnd(16)}${[
        'sent',
        'delivered',
        'opened',
        '(machine)',
        'clicked',
        'replied',
        'unsub',
        'bounced',
        'complaints',
      ]
        .map((name) => name.padStart(11))
        .join('')}`,
    );
    const hidden = uncounted(group);
    for (const step of [...group.steps, { stepIndex: -1, stepId: 'total', counters: group.totals }]) {
      lines.push(
        `  ${step.stepId.slice(0, 15).padEnd(16)}${countColumns
          .map((name) => (hidden.has(name) ? '–' : String(step.counters[name])).padStart(11))
          .join('')}`,
      );
    }
    // The same steps as rates of what was delivered, so steps and sequences compare at a glance.
    lines.push(`  ${'rates'.padEnd(16)}${rateColumns.map(([, heading]) => heading.padStart(11)).join('')}`);
    for (const step of [...group.steps, { stepIndex: -1, stepId: 'total', counters: group.totals }]) {
      const rates = ratesOf(step.counters);
      lines.push(
        `  ${step.stepId.slice(0, 15).padEnd(16)}${rateColumns
          .map(([name]) =>
            (hidden.has(name) ? '–' : percent(rates[name], name === 'complained' ? 2 : 1)).padStart(11),
          )
          .join('')}`,
      );
    }
    for (const note of describeUncounted(group)) lines.push(`  ${note}`);
    // What each step brought back: customers and revenue while it was their latest email.
    const revenueWidth = Math.max(9, ...group.steps.map((step) => formatAmounts(step.revenue).length)) + 2;
    lines.push(
      `  ${'returns'.padEnd(16)}${'returned'.padStart(11)}  ${'revenue'.padEnd(revenueWidth)}per email sent`,
    );
    for (const step of group.steps)
      lines.push(
        `  ${step.stepId.slice(0, 15).padEnd(16)}${String(step.returned).padStart(11)}  ${formatAmounts(step.revenue).padEnd(revenueWidth)}${formatAmounts(step.revenuePerEmail)}`,
      );
    lines.push(`  ${describeYield(group)}`, `  funnel ${describeFunnel(group)}`);
    if (group.weeks.length > 0) {
      lines.push(`  ${'week'.padEnd(16)}${'sent'.padStart(11)}${'returned'.padStart(11)}  revenue`);
      for (const week of group.weeks)
        lines.push(
          `  ${week.week.padEnd(16)}${String(week.sent).padStart(11)}${String(week.returned).padStart(11)}  ${formatAmounts(week.revenue)}`,
        );
    }
  }
  return lines.join('\n');
}

const escapeHtml = escapeXml;

/** The funnel as bars: each stage with its count and its share of the emails sent. */
function funnelChart(group: GroupReport, index: number): string {
  const sent = group.funnel[0]?.count ?? 0;
  const labels: Record<FunnelStage['stage'], string> = {
    sent: 'sent',
    delivered: 'delivered',
    opened: 'opened by a person',
    clicked: 'clicked',
    returned: 'customers back',
  };
  return barChart(
    group.funnel.map((stage) => ({
      label: labels[stage.stage],
      value: stage.count,
      text:
        sent === 0 || stage.stage === 'sent'
          ? String(stage.count)
          : `${stage.count} (${percent(stage.count / sent)})`,
    })),
    {
      id: `funnel-${index}`,
      title: `Funnel of ${group.sequenceId} for ${group.segmentId}: emails sent, delivered, opened, clicked, and customers back`,
    },
  );
}

/** The weekly trend: emails sent, customers back, and revenue per currency, each its own chart. */
function weeklyCharts(group: GroupReport, index: number): string {
  if (group.weeks.length === 0) return '';
  const categories = group.weeks.map((week) => week.week);
  const currencies = [...new Set(group.weeks.flatMap((week) => week.revenue.map((money) => money.currency)))];
  const charts = [
    lineChart({
      id: `weeks-${index}`,
      title: `Emails sent and customers back per week, ${group.sequenceId}`,
      categories,
      series: [
        { name: 'emails sent', values: group.weeks.map((week) => week.sent) },
        { name: 'customers back', values: group.weeks.map((week) => week.returned) },
      ],
    }),
    ...currencies.map((currency, currencyIndex) =>
      lineChart({
        id: `revenue-${index}-${currencyIndex}`,
        title: `Revenue per week${currency === '' ? '' : ` in ${currency}`}, ${group.sequenceId}`,
        categories,
        series: [
          {
            name: `revenue${currency === '' ? '' : ` (${currency})`}`,
            values: group.weeks.map(
              (week) => week.revenue.find((money) => money.currency === currency)?.amount ?? 0,
            ),
          },
        ],
        height: 180,
      }),
    ),
  ];
  return `<h3>Week by week</h3>
${charts.join('\n')}
<table class="weeks"><caption>Per ISO week</caption><thead><tr><th>week</th><th>emails sent</th><th>customers back</th><th>revenue</th></tr></thead>
<tbody>${group.weeks
    .map(
      (week) =>
        `<tr><th scope="row">${escapeHtml(week.week)}</th><td>${week.sent}</td><td>${week.returned}</td><td>${escapeHtml(formatAmounts(week.revenue))}</td></tr>`,
    )
    .join('\n')}</tbody></table>`;
}

/** The lifts as intervals on an axis through zero: the return rate, then revenue, plain and adjusted. */
function liftCharts(group: GroupReport, index: number): string {
  const { experiment } = group;
  const summary = `<p>Lift: ${escapeHtml(describeLift(group.lift))}</p>`;
  if (experiment.kind === 'not-enough-data') return summary;
  const list = `<ul>${describeExperiment(experiment)
    .map((line) => `<li>${escapeHtml(line)}</li>`)
    .join('')}</ul>`;
  // Too few customers for estimates: only what a lift would need.
  if (experiment.tooFewBecause !== undefined) return `${summary}\n${list}`;
  const { analysis, currency } = experiment;
  const rates = [
    { label: 'return rate, plain', ...analysis.returnRate },
    ...(analysis.adjusted === undefined
      ? []
      : [{ label: 'return rate, adjusted by predicted purchases', ...analysis.adjusted.returnRate }]),
  ];
  const revenues = [
    { label: 'revenue per customer, plain', ...analysis.revenue },
    ...(analysis.adjusted === undefined
      ? []
      : [{ label: 'revenue per customer, adjusted', ...analysis.adjusted.revenue }]),
  ];
  return `${summary}
${intervalChart(rates, {
  id: `lift-${index}`,
  title: `Return-rate lift over the hold-out with 95% intervals, ${group.sequenceId}`,
  format: points,
})}
${intervalChart(revenues, {
  id: `revenue-lift-${index}`,
  title: `Revenue lift per customer over the hold-out with 95% intervals${currency === '' ? '' : `, ${currency}`}, ${group.sequenceId}`,
  format: (value) => signedMoney(currency, value),
})}
${list}`;
}

const signedMoney = (currency: string, amount: number) =>
  `${amount >= 0 ? '+' : '-'}${formatMoney({ currency, amount: Math.abs(amount) })}`;

const count = (value: number) => Math.round(value).toLocaleString('en-US');

/**
 * The experiment in words: the adjusted return-rate lift beside the plain one, the revenue lifts,
 * and, while the interval still spans zero, how many more customers (and weeks) a lift needs.
 */
export function describeExperiment(experiment: ExperimentResult): string[] {
  if (experiment.kind === 'not-enough-data')
    return [`adjusted lift: not enough data yet (${experiment.reason})`];
  const { analysis, currency } = experiment;
  const { adjusted } = analysis;
  const interval = (effect: Effect, format: (value: number) => string) =>
    `${format(effect.estimate)} (95% CI ${format(effect.low)} to ${format(effect.high)})`;
  const money = (value: number) => signedMoney(currency, value);
  const lines: string[] = [];
  if (experiment.tooFewBecause !== undefined)
    return [
      `adjusted lift: not enough data yet (${experiment.tooFewBecause})`,
      ...describeNeeded(experiment),
    ];
  if (adjusted === undefined)
    lines.push(`adjusted lift: none (${experiment.unadjustedBecause ?? 'no covariate'})`);
  else {
    // Against the plain estimate's standard error: the same normal interval, without the covariate.
    const plain = analysis.returnRate.standardError;
    const narrower = plain <= 0 ? 0 : 1 - adjusted.returnRate.standardError / plain;
    lines.push(
      `adjusted lift ${interval(adjusted.returnRate, points)} by predicted purchases: they explain ${(adjusted.varianceRemoved * 100).toFixed(0)}% of the variance, the interval ${(Math.abs(narrower) * 100).toFixed(0)}% ${narrower >= 0 ? 'narrower' : 'wider'}`,
    );
  }
  lines.push(
    `revenue lift per customer ${interval(analysis.revenue, money)}${adjusted === undefined ? '' : `; adjusted ${interval(adjusted.revenue, money)}`}`,
  );
  const best = adjusted?.returnRate ?? analysis.returnRate;
  if (best.low > 0 || best.high < 0) return lines;
  return [...lines, ...describeNeeded(experiment)];
}

/** The customers (and weeks at the current pace) a 1, 2 or 5 point lift needs, and how many more. */
function describeNeeded(experiment: Extract<ExperimentResult, { kind: 'analysis' }>): string[] {
  const { analysis } = experiment;
  const lines: string[] = [];
  const have = analysis.treated.customers + analysis.holdout.customers;
  if (analysis.treated.returned + analysis.holdout.returned === 0) {
    lines.push('customers needed: none returned yet in either group, so it cannot be estimated');
    return lines;
  }
  for (const need of analysis.needed) {
    const more = need.customers - have;
    const label = `to find a lift of ${(need.effect * 100).toFixed(0)} pt${need.effect === 0.01 ? '' : 's'}`;
    if (more <= 0) {
      lines.push(`${label}: enough customers already (${count(need.customers)} needed)`);
      continue;
    }
    const weeks = Math.ceil(more / Math.max(experiment.customersPerWeek, 1e-9));
    lines.push(
      `${label}: about ${count(need.customers)} customers in all, ${count(more)} more (about ${count(weeks)} week${weeks === 1 ? '' : 's'} at ${count(experiment.customersPerWeek)} a week)`,
    );
  }
  return lines;
}

/**
 * How the group's enrolments ended: completed (and how many of those sunset), exited by reason, and
 * how many of its customers the sequence's re-entry rule now keeps out of it.
 */
export function describeEnds(
  group: Pick<GroupReport, 'completed' | 'exited' | 'sunset' | 'reentryBlocked'>,
): string {
  const exits = Object.entries(group.exited)
    .sort(([a], [b]) => a.localeCompare(b))
    .map(([reason, count]) => `${reason} ${count}`);
  return [
    `completed ${group.completed} (${group.sunset} unanswered: sunset, no more win-back until they order)`,
    ...(exits.length === 0 ? [] : [`exited: ${exits.join(', ')}`]),
    ...(group.reentryBlocked === 0
      ? []
      : [
          `${group.reentryBlocked} not to get this sequence again (re-entry rule: replied, complained, unsubscribed or within the year)`,
        ]),
  ].join('; ');
}

/** Each pause in force, first in the report: what, why, since when, and the command that lifts it. */
export function describePauses(pauses: readonly PauseInForce[]): string[] {
  return pauses.map((pause) => {
    if (pause.scope === sesAccountScope)
      return `PAUSED: SES sending for the whole AWS account: ${pause.reason}. No email goes out; steps due are tried again hourly.`;
    const since =
      pause.at === undefined
        ? ''
        : ` since ${new Date(pause.at).toISOString().slice(0, 16).replace('T', ' ')} UTC`;
    return pause.scope === allSequences
      ? `PAUSED: every sequence (the kill switch)${since}: ${pause.reason}. No email goes out; steps due wait. Resume with: rekindle resume --all`
      : `PAUSED: ${pause.scope}${since}: ${pause.reason}. Its steps wait. Resume with: rekindle resume --sequence ${pause.scope}`;
  });
}

/**
 * The revenue of the window's purchases, one line per currency (never added across currencies): the
 * enrolled's, per email sent, and the hold-out's in the same currency.
 */
export function describeRevenue(
  group: Pick<GroupReport, 'revenue' | 'heldOutRevenue' | 'revenuePerEmail'>,
): string[] {
  const currencies = [...new Set([...group.revenue, ...group.heldOutRevenue].map((money) => money.currency))];
  if (currencies.length === 0) return ['revenue: none yet'];
  const find = (amounts: readonly Money[], currency: string) =>
    amounts.find((money) => money.currency === currency);
  return currencies.map((currency) => {
    const revenue = find(group.revenue, currency) ?? { currency, amount: 0 };
    const perEmail = find(group.revenuePerEmail, currency);
    const heldOut = find(group.heldOutRevenue, currency);
    return `revenue ${formatMoney(revenue)}${perEmail === undefined ? '' : ` (${formatMoney(perEmail)} per email sent)`}; hold-out ${heldOut === undefined ? 'none' : formatMoney(heldOut)}`;
  });
}

const deferralLabels = [
  ['deferredWindow', 'outside the send window'],
  ['deferredCap', 'the cap'],
  ['deferredGap', 'the minimum gap'],
  ['deferredPause', 'a pause'],
  ['deferredTicket', 'an open ticket'],
] as const satisfies readonly (readonly [keyof Counters, string])[];

/** Each time a due step waited, by cause: the window, the cap, the minimum gap, a pause, a ticket. */
export function describeDeferrals(counters: Counters): string {
  const total = deferralLabels.reduce((sum, [name]) => sum + counters[name], 0);
  if (total === 0) return 'nothing (no due step had to wait)';
  return `${total === 1 ? 'once' : `${total} times`} a due step waited: ${deferralLabels
    .map(([name, label]) => `${label} ${counters[name]}`)
    .join(', ')}`;
}

/** The columns of the step tables, in order (the text report's headings are shorter). */
const countColumns = [
  'sent',
  'delivered',
  'opened',
  'machineOpened',
  'clicked',
  'replied',
  'unsubscribed',
  'bounced',
  'complained',
] as const satisfies readonly (keyof Counters)[];

/** The columns a group does not count: opens or clicks its sequence does not track. */
function uncounted(group: Pick<GroupReport, 'counted'>): ReadonlySet<string> {
  return new Set([
    ...(group.counted.opens ? [] : ['opened', 'machineOpened']),
    ...(group.counted.clicks ? [] : ['clicked']),
  ]);
}

/**
 * Why a column reads "not tracked": nothing was counted, so a 0 there would look like a result. Says
 * what a marketer can change: the setting, or a template with no link SES tracks.
 */
export function describeUncounted(
  group: Pick<GroupReport, 'counted'> & Partial<Pick<GroupReport, 'untracked'>>,
): string[] {
  const fields = (['opens', 'clicks'] as const).filter((field) => !group.counted[field]);
  if (fields.length === 0) return [];
  const tail = `so none are counted and the funnel skips ${fields.length === 1 ? 'it' : 'them'}`;
  const reasons = fields.map((field) => untrackedBecause(field, group.untracked?.[field]));
  // Each off by the setting, as it is now: one reason for both.
  if (reasons.every((reason) => reason === undefined)) {
    return [
      `not tracked: ${fields.join(' and ')} (this sequence's tracking${fields.length === 1 ? `.${fields[0]} is` : ' settings are'} off), ${tail}`,
    ];
  }
  const parts = fields.map(
    (field, index) => `${field} (${reasons[index] ?? `this sequence's tracking.${field} is off`})`,
  );
  return [`not tracked: ${parts.join(' and ')}, ${tail}`];
}

/** Why one of opens and clicks is not counted, when it is not simply the setting being off now. */
function untrackedBecause(field: 'opens' | 'clicks', why: Untracked | undefined): string | undefined {
  if (why === undefined || why.emails === 0) return undefined;
  const noLinks = why.noTrackedLinks;
  const settingOff = why.emails - noLinks;
  const emails = counted(why.emails, 'email');
  if (noLinks === why.emails)
    return `${why.emails === 1 ? 'the 1 email sent had no' : `none of the ${emails} sent had a`} link SES tracks: the unsubscribe link never is, and ${why.emails === 1 ? 'its template has' : 'their templates have'} no other`;
  if (noLinks > 0)
    return `of the ${emails} sent, ${noLinks} had no link SES tracks (the unsubscribe link never is) and ${settingOff} went out with tracking.${field} off`;
  if (why.settingOn) return `the ${emails} sent went out while tracking.${field} was off; it is on now`;
  return undefined;
}

/** The funnel on a line: each stage's count and its share of the emails sent. */
export function describeFunnel(group: Pick<GroupReport, 'funnel'>): string {
  const sent = group.funnel[0]?.count ?? 0;
  return group.funnel
    .map((stage) =>
      stage.stage === 'sent' || sent === 0
        ? `${stage.stage} ${stage.count}`
        : `${stage.stage} ${stage.count} (${percent(stage.count / sent)})`,
    )
    .join(' → ');
}

/** What the emails came to per email: customers won back per 100 sent. */
export function describeYield(group: Pick<GroupReport, 'returned' | 'totals'>): string {
  const sent = group.totals.sent;
  if (sent === 0) return 'won back: nothing sent yet';
  return `won back: ${counted(group.returned, 'customer')} for ${counted(sent, 'email')} sent (${((group.returned / sent) * 100).toFixed(1)} per 100 emails)`;
}

/** A self-contained HTML page (inline CSS and SVG, no scripts, nothing fetched): works offline. */
export function renderReportHtml(report: Report): string {
  const sections = report.groups
    .map((group, index) => {
      const hidden = uncounted(group);
      const notTracked = '<td class="muted">not tracked</td>';
      const rows = [...group.steps, { stepIndex: -1, stepId: 'total', counters: group.totals }]
        .map((step) => {
          const cells = countColumns.map((name) =>
            hidden.has(name) ? notTracked : `<td>${step.counters[name]}</td>`,
          );
          return `<tr><th scope="row">${escapeHtml(step.stepId)}</th>${cells.join('')}</tr>`;
        })
        .join('\n');
      const rateRows = [...group.steps, { stepIndex: -1, stepId: 'total', counters: group.totals }]
        .map((step) => {
          const rates = ratesOf(step.counters);
          const cells = rateColumns.map(([name]) =>
            hidden.has(name) ? notTracked : `<td>${percent(rates[name], name === 'complained' ? 2 : 1)}</td>`,
          );
          return `<tr><th scope="row">${escapeHtml(step.stepId)}</th>${cells.join('')}</tr>`;
        })
        .join('\n');
      return `<section>
<h2>${escapeHtml(group.segmentId)} → ${escapeHtml(group.sequenceId)}</h2>
<p>Enrolled <b>${group.enrolled}</b>, held out <b>${group.heldOut}</b>. Returned <b>${group.returned}</b> (${percent(group.returnRate)}); hold-out returned <b>${group.heldOutReturned}</b> (${percent(group.heldOutReturnRate)}).</p>
<ul class="revenue">${describeRevenue(group)
        .map((line) => `<li>${escapeHtml(line)}</li>`)
        .join('')}</ul>
<p>Ended: ${escapeHtml(describeEnds(group))}.</p>
<p>Held back: ${escapeHtml(describeDeferrals(group.totals))}.</p>
<h3>Funnel</h3>
${funnelChart(group, index)}
${
  group.counted.opens
    ? `<p class="muted">Opened counts people; ${group.totals.machineOpened} more emails had only a likely machine open (Apple Mail Privacy Protection, scanners).</p>`
    : ''
}${describeUncounted(group)
  .map((note) => `<p class="muted">${escapeHtml(note)}</p>`)
  .join('\n')}
<h3>Lift over the hold-out</h3>
${liftCharts(group, index)}
${weeklyCharts(group, index)}
<p>${escapeHtml(describeYield(group))}.</p>
<table><thead><tr><th>step</th><th>sent</th><th>delivered</th><th>opened</th><th>likely machine opens</th><th>clicked</th><th>replied</th><th>unsubscribed</th><th>bounced</th><th>complained</th></tr></thead>
<tbody>${rows}</tbody></table>
<table class="rates"><caption>Rates, of the emails delivered</caption><thead><tr><th>step</th>${rateColumns.map(([, heading]) => `<th>${heading}</th>`).join('')}</tr></thead>
<tbody>${rateRows}</tbody></table>
<table class="held"><caption>Held back, each time a due step waited, by cause</caption><thead><tr><th>step</th>${deferralLabels
        .map(([, label]) => `<th>${label}</th>`)
        .join('')}</tr></thead>
<tbody>${[...group.steps, { stepId: 'total', counters: group.totals }]
        .map(
          (step) =>
            `<tr><th scope="row">${escapeHtml(step.stepId)}</th>${deferralLabels.map(([name]) => `<td>${step.counters[name]}</td>`).join('')}</tr>`,
        )
        .join('\n')}</tbody></table>
<table class="returns"><caption>Returns, by the step that was the customer's latest email</caption><thead><tr><th>step</th><th>returned</th><th>revenue</th><th>per email sent</th></tr></thead>
<tbody>${group.steps
        .map(
          (step) =>
            `<tr><th scope="row">${escapeHtml(step.stepId)}</th><td>${step.returned}</td><td>${escapeHtml(formatAmounts(step.revenue))}</td><td>${escapeHtml(formatAmounts(step.revenuePerEmail))}</td></tr>`,
        )
        .join('\n')}</tbody></table>
</section>`;
    })
    .join('\n');
  return `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>Rekindle report</title>
<meta name="viewport" content="width=device-width, initial-scale=1">
<style>:root{color-scheme:light dark}body{font-family:system-ui,sans-serif;max-width:60rem;margin:2rem auto;padding:0 1rem;color:#111;background:#fff}p,li{overflow-wrap:anywhere}
table{border-collapse:collapse;margin:1rem 0}td,th{border-bottom:1px solid #e5e7eb;padding:.3rem .6rem;text-align:right;white-space:nowrap}
th[scope=row]{text-align:left;white-space:nowrap}.muted{color:#6b7280}section{margin-bottom:2.5rem}.scroll{overflow-x:auto;max-width:100%}
table.rates{background:#f8fafc}caption{text-align:left;font-weight:600;padding:.3rem 0}.paused{background:#fef3c7;border-left:4px solid #b45309;padding:.6rem .8rem;font-weight:600}
svg.rk-chart{display:block;margin:.5rem 0}
@media (prefers-color-scheme:dark){body{color:#e5e7eb;background:#111827}.muted{color:#9ca3af}td,th{border-color:#374151}table.rates{background:#1f2937}.paused{background:#451a03;border-color:#f59e0b}}</style></head>
<body><main><h1>Did win-back work?</h1>
${describePauses(report.pauses)
  .map((line) => `<p class="paused" role="alert">${escapeHtml(line)}</p>`)
  .join('\n')}
${report.source === undefined ? '' : `<p class="muted">Data: ${escapeHtml(report.source)}.</p>\n`}<p class="muted">Generated ${new Date(report.generatedAt).toISOString()}. Returned = a purchase within ${report.attributionWindowDays} days after the first email; the hold-out is never emailed. Opens exclude likely machine opens (Apple Mail Privacy Protection and scanners), shown apart. Rates are of the emails delivered.</p>
${
  // Wide tables scroll inside their box on a phone; the page itself never scrolls sideways.
  sections
    .replaceAll('<table', '<div class="scroll" tabindex="0"><table')
    .replaceAll('</table>', '</table></div>') || '<p>Nothing enrolled yet.</p>'
}
</main></body></html>`;
}
