import type { Counters } from '../domain/counters.ts';
import { allSequences } from '../domain/pauses.ts';
import type { GroupReport, LiftResult, PauseInForce, Report } from './build-report.ts';
import { formatAmounts, formatMoney, type Money } from './money.ts';
import { rateColumns, ratesOf } from './rates.ts';

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

const funnel = (counters: Counters) =>
  [
    ['sent', counters.sent],
    ['delivered', counters.delivered],
    ['opened', counters.opened],
    ['clicked', counters.clicked],
    ['replied', counters.replied],
  ] as const;

/** Plain text for the terminal. */
export function renderReportText(report: Report): string {
  const lines: string[] = [
    `Rekindle report — ${new Date(report.generatedAt).toISOString().slice(0, 16).replace('T', ' ')} UTC`,
    `Returned = a purchase within ${report.attributionWindowDays} days after the first email (hold-out: after the hold-out date).`,
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
      `  ended ${describeEnds(group)}`,
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
    for (const step of [...group.steps, { stepIndex: -1, stepId: 'total', counters: group.totals }]) {
      const c = step.counters;
      lines.push(
        `  ${step.stepId.slice(0, 15).padEnd(16)}${[
          c.sent,
          c.delivered,
          c.opened,
          c.machineOpened,
          c.clicked,
          c.replied,
          c.unsubscribed,
          c.bounced,
          c.complained,
        ]
          .map((value) => String(value).padStart(11))
          .join('')}`,
      );
    }
    // The same steps as rates of what was delivered, so steps and sequences compare at a glance.
    lines.push(`  ${'rates'.padEnd(16)}${rateColumns.map(([, heading]) => heading.padStart(11)).join('')}`);
    for (const step of [...group.steps, { stepIndex: -1, stepId: 'total', counters: group.totals }]) {
      const rates = ratesOf(step.counters);
      lines.push(
        `  ${step.stepId.slice(0, 15).padEnd(16)}${rateColumns
          .map(([name]) => percent(rates[name], name === 'complained' ? 2 : 1).padStart(11))
          .join('')}`,
      );
    }
    // What each step brought back: customers and revenue while it was their latest email.
    lines.push(`  ${'returns'.padEnd(16)}${'returned'.padStart(11)}  ${'revenue'.padEnd(24)}per email sent`);
    for (const step of group.steps)
      lines.push(
        `  ${step.stepId.slice(0, 15).padEnd(16)}${String(step.returned).padStart(11)}  ${formatAmounts(step.revenue).padEnd(24)}${formatAmounts(step.revenuePerEmail)}`,
      );
    lines.push(`  ${describeYield(group)}`);
  }
  return lines.join('\n');
}

const escapeHtml = (text: string) => text.replace(/[&<>"']/g, (char) => `&#${char.charCodeAt(0)};`);

/** A horizontal funnel: one bar per stage, widths relative to the sent count. */
function funnelSvg(group: GroupReport): string {
  const stages = funnel(group.totals);
  const max = Math.max(1, stages[0][1]);
  const rowHeight = 26;
  const width = 520;
  const labelWidth = 90;
  const rows = stages
    .map(([name, value], index) => {
      const barWidth = ((width - labelWidth - 110) * value) / max;
      const y = index * rowHeight;
      const extra =
        name === 'opened' ? ` (and ${group.totals.machineOpened} with a likely machine open)` : '';
      return `<text x="0" y="${y + 17}" font-size="13">${name}</text>
<rect x="${labelWidth}" y="${y + 4}" width="${barWidth.toFixed(1)}" height="18" fill="#2563eb" rx="2"/>
<text x="${(labelWidth + barWidth + 6).toFixed(1)}" y="${y + 17}" font-size="12">${value}${escapeHtml(extra)}</text>`;
    })
    .join('\n');
  return `<svg role="img" aria-label="funnel for ${escapeHtml(group.sequenceId)}" xmlns="http://www.w3.org/2000/svg" width="${width}" height="${stages.length * rowHeight + 4}" viewBox="0 0 ${width} ${stages.length * rowHeight + 4}">${rows}</svg>`;
}

/** The lift with its interval on an axis around zero. */
function liftSvg(lift: LiftResult): string {
  if (lift.kind === 'not-enough-data') return `<p class="muted">Lift: ${escapeHtml(describeLift(lift))}</p>`;
  const width = 520;
  const span = Math.max(0.05, Math.abs(lift.low), Math.abs(lift.high)) * 1.2;
  const x = (value: number) => (width / 2 + (value / span) * (width / 2 - 20)).toFixed(1);
  return `<svg role="img" aria-label="lift and 95% interval" xmlns="http://www.w3.org/2000/svg" width="${width}" height="60" viewBox="0 0 ${width} 60">
<line x1="10" y1="30" x2="${width - 10}" y2="30" stroke="#9ca3af"/>
<line x1="${x(0)}" y1="12" x2="${x(0)}" y2="48" stroke="#111" stroke-dasharray="3 3"/>
<text x="${x(0)}" y="58" font-size="11" text-anchor="middle">0</text>
<line x1="${x(lift.low)}" y1="30" x2="${x(lift.high)}" y2="30" stroke="#16a34a" stroke-width="6" stroke-linecap="round"/>
<circle cx="${x(lift.estimate)}" cy="30" r="6" fill="#14532d"/>
<text x="${x(lift.low)}" y="16" font-size="11" text-anchor="middle">${points(lift.low)}</text>
<text x="${x(lift.high)}" y="16" font-size="11" text-anchor="middle">${points(lift.high)}</text>
</svg><p>Lift: ${escapeHtml(describeLift(lift))}</p>`;
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
    const since = new Date(pause.at).toISOString().slice(0, 16).replace('T', ' ');
    return pause.scope === allSequences
      ? `PAUSED: every sequence (the kill switch) since ${since} UTC: ${pause.reason}. No email goes out; steps due wait. Resume with: rekindle resume --all`
      : `PAUSED: ${pause.scope} since ${since} UTC: ${pause.reason}. Its steps wait. Resume with: rekindle resume --sequence ${pause.scope}`;
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

/** What the emails came to per email: customers won back per 100 sent. */
export function describeYield(group: Pick<GroupReport, 'returned' | 'totals'>): string {
  const sent = group.totals.sent;
  if (sent === 0) return 'won back: nothing sent yet';
  return `won back: ${group.returned} customers for ${sent} emails sent (${((group.returned / sent) * 100).toFixed(1)} per 100 emails)`;
}

/** A self-contained HTML page (inline CSS and SVG, no scripts, nothing fetched): works offline. */
export function renderReportHtml(report: Report): string {
  const sections = report.groups
    .map((group) => {
      const rows = [...group.steps, { stepIndex: -1, stepId: 'total', counters: group.totals }]
        .map((step) => {
          const c = step.counters;
          const cells = [
            c.sent,
            c.delivered,
            c.opened,
            c.machineOpened,
            c.clicked,
            c.replied,
            c.unsubscribed,
            c.bounced,
            c.complained,
          ];
          return `<tr><th scope="row">${escapeHtml(step.stepId)}</th>${cells.map((value) => `<td>${value}</td>`).join('')}</tr>`;
        })
        .join('\n');
      const rateRows = [...group.steps, { stepIndex: -1, stepId: 'total', counters: group.totals }]
        .map((step) => {
          const rates = ratesOf(step.counters);
          const cells = rateColumns.map(([name]) => percent(rates[name], name === 'complained' ? 2 : 1));
          return `<tr><th scope="row">${escapeHtml(step.stepId)}</th>${cells.map((value) => `<td>${value}</td>`).join('')}</tr>`;
        })
        .join('\n');
      return `<section>
<h2>${escapeHtml(group.segmentId)} → ${escapeHtml(group.sequenceId)}</h2>
<p>Enrolled <b>${group.enrolled}</b>, held out <b>${group.heldOut}</b>. Returned <b>${group.returned}</b> (${percent(group.returnRate)}); hold-out returned <b>${group.heldOutReturned}</b> (${percent(group.heldOutReturnRate)}).</p>
<ul class="revenue">${describeRevenue(group)
        .map((line) => `<li>${escapeHtml(line)}</li>`)
        .join('')}</ul>
<p>Ended: ${escapeHtml(describeEnds(group))}.</p>
${funnelSvg(group)}
${liftSvg(group.lift)}
<p>${escapeHtml(describeYield(group))}.</p>
<table><thead><tr><th>step</th><th>sent</th><th>delivered</th><th>opened</th><th>likely machine opens</th><th>clicked</th><th>replied</th><th>unsubscribed</th><th>bounced</th><th>complained</th></tr></thead>
<tbody>${rows}</tbody></table>
<table class="rates"><caption>Rates, of the emails delivered</caption><thead><tr><th>step</th>${rateColumns.map(([, heading]) => `<th>${heading}</th>`).join('')}</tr></thead>
<tbody>${rateRows}</tbody></table>
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
<style>body{font-family:system-ui,sans-serif;max-width:60rem;margin:2rem auto;padding:0 1rem;color:#111}
table{border-collapse:collapse;margin:1rem 0}td,th{border-bottom:1px solid #e5e7eb;padding:.3rem .6rem;text-align:right}
th[scope=row]{text-align:left;white-space:nowrap}.muted{color:#6b7280}section{margin-bottom:2.5rem}
table.rates{background:#f8fafc}caption{text-align:left;font-weight:600;padding:.3rem 0}.paused{background:#fef3c7;border-left:4px solid #b45309;padding:.6rem .8rem;font-weight:600}</style></head>
<body><h1>Did win-back work?</h1>
${describePauses(report.pauses)
  .map((line) => `<p class="paused" role="alert">${escapeHtml(line)}</p>`)
  .join('\n')}
<p class="muted">Generated ${new Date(report.generatedAt).toISOString()}. Returned = a purchase within ${report.attributionWindowDays} days after the first email; the hold-out is never emailed. Opens exclude likely machine opens (Apple Mail Privacy Protection and scanners), shown apart. Rates are of the emails delivered.</p>
${sections || '<p>Nothing enrolled yet.</p>'}
</body></html>`;
}
