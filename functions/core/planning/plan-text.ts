import type { CustomerTimeline, PlanReport } from './plan-report.ts';
import type { TimelineEntry } from './simulate-plan.ts';
import { deferReasons, heldBackReasons } from './simulate-plan.ts';

const count = (value: number) => value.toLocaleString('en');
const share = (part: number, whole: number) =>
  whole === 0 ? '0.0%' : `${((part / whole) * 100).toFixed(1)}%`;

const formatters = new Map<string, Intl.DateTimeFormat>();
/** "Wed 1 Jul 1998 09:00" in `timeZone`. */
export function localTime(at: number, timeZone: string): string {
  let format = formatters.get(timeZone);
  if (format === undefined) {
    format = new Intl.DateTimeFormat('en-GB', {
      timeZone,
      weekday: 'short',
      day: 'numeric',
      month: 'short',
      year: 'numeric',
      hour: '2-digit',
      minute: '2-digit',
      hourCycle: 'h23',
    });
    formatters.set(timeZone, format);
  }
  return format.format(new Date(at)).replaceAll(',', '');
}

/** Why a member of a segment was not enrolled, for people. */
export const heldBackLabels: Readonly<Record<(typeof heldBackReasons)[number], string>> = {
  'no-sequence': 'no sequence (do not email)',
  'not-contactable': 'not contactable',
  busy: 'in a sequence already',
  cooldown: 'cooling down',
  sunset: 'sunset',
  reentry: 'sequence not repeated yet',
};

/** One timeline entry as a line: when (in the recipient's zone), what, why. */
export function describeEntry(entry: TimelineEntry, timeZone: string): string {
  const when = localTime(entry.at, timeZone);
  const step = entry.stepId === undefined ? '' : `step ${(entry.stepIndex ?? 0) + 1} ${entry.stepId}`;
  switch (entry.kind) {
    case 'enrolled':
      return `${when}  enrolled in ${entry.sequenceId} (segment ${entry.segmentId})`;
    case 'held-out':
      return `${when}  held out of ${entry.sequenceId} (segment ${entry.segmentId}): never emailed, measures the lift`;
    case 'sent':
      return `${when}  sends ${step} (template ${entry.template ?? '?'})${entry.reason === undefined ? '' : `, instead: ${entry.reason}`}`;
    case 'skipped':
      return `${when}  skips ${step}: ${entry.reason ?? ''}`;
    case 'deferred':
      return `${when}  ${step} waits (${entry.reason ?? ''}) until ${entry.until === undefined ? '?' : localTime(entry.until, timeZone)}`;
    case 'exited':
      return `${when}  leaves ${entry.sequenceId}: ${entry.reason ?? ''}`;
    case 'completed':
      return `${when}  finishes ${entry.sequenceId}`;
  }
}

function timelineLines(timeline: CustomerTimeline): string[] {
  const lines = [`  customer ${timeline.customerId} (times in ${timeline.timeZone})`];
  if (timeline.entries.length === 0)
    lines.push('    nothing planned: in no segment with a sequence, or held back');
  for (const entry of timeline.entries) lines.push(`    ${describeEntry(entry, timeline.timeZone)}`);
  return lines;
}

/** The plan for a terminal: segments, emails per day, deferrals, the comparison, timelines. */
export function renderPlanText(report: PlanReport): string[] {
  const lines: string[] = [];
  const days = report.days.length;
  lines.push(
    `Plan for ${days} days from ${report.days[0]?.date ?? '?'} (${report.timeZone}), config ${report.configFile}; nothing is sent.`,
  );
  lines.push(
    `${count(report.customers)} customers, ${count(report.orders)} orders, ${count(report.incidents)} incidents${report.rejectedRows > 0 ? `; ${count(report.rejectedRows)} rows rejected` : ''}.`,
  );
  lines.push(
    report.model.kind === undefined
      ? `Model: none (${report.model.fitError ?? 'not fitted'}): model conditions match no one.`
      : `Model: ${report.model.kind}, fitted on ${count(report.model.sampleSize)} customers (${report.model.fits} fit${report.model.fits === 1 ? '' : 's'} over the plan).`,
  );
  lines.push(
    `Policy: window ${report.policy.window}; cap ${report.policy.cap}; minimum gap ${report.policy.minimumGap}.`,
  );

  lines.push('', `Segments on ${report.days[0]?.date ?? '?'} (each customer in the first that matches):`);
  for (const segment of report.segments) {
    const action =
      segment.sequence === null
        ? 'do not email'
        : `→ ${segment.sequence}${segment.holdoutPercent > 0 ? ` (${segment.holdoutPercent}% held out)` : ''}`;
    lines.push(
      `  ${segment.id}: ${count(segment.members)} (${share(segment.members, report.customers)}) ${action}`,
    );
    if (segment.description !== undefined) lines.push(`    ${segment.description}`);
    if (segment.sequence !== null) {
      const held = heldBackReasons
        .filter((reason) => reason !== 'no-sequence' && segment.heldBack[reason] > 0)
        .map((reason) => `${heldBackLabels[reason]} ${count(segment.heldBack[reason])}`);
      lines.push(
        `    day 1: ${count(segment.enrolled)} enrolled, ${count(segment.heldOut)} held out${held.length === 0 ? '' : `, not enrolled: ${held.join(', ')}`}; over ${days} days: ${count(segment.enrolledTotal)} enrolled, ${count(segment.heldOutTotal)} held out`,
      );
    }
    for (const example of segment.examples) lines.push(`    • ${example.customerId}: ${example.reasons}`);
  }
  lines.push(`  no segment: ${count(report.unmatched)} (${share(report.unmatched, report.customers)})`);

  const peak = Math.max(1, ...report.days.map((day) => Math.max(day.emails, day.emailsWithoutLimits)));
  const width = String(count(peak)).length;
  lines.push('', 'Emails per day, as configured | without caps and windows:');
  for (const day of report.days) {
    const bar = '█'.repeat(Math.round((day.emails / peak) * 30));
    lines.push(
      `  ${day.date}  ${count(day.emails).padStart(width)} ${bar.padEnd(30)} | ${count(day.emailsWithoutLimits).padStart(width)}`,
    );
  }

  lines.push('', 'Deferrals by cause (a step waiting for the next allowed moment; never dropped):');
  lines.push(`  ${deferReasons.map((reason) => `${reason} ${count(report.deferrals[reason])}`).join(', ')}`);

  const withLimits = report.totals;
  const without = report.withoutLimits.totals;
  lines.push('', 'What the caps and windows change:');
  const rows: [string, number, number][] = [
    ['emails sent', withLimits.emails, without.emails],
    ['deferrals', withLimits.deferrals, without.deferrals],
    ['steps skipped', withLimits.skipped, without.skipped],
    ['sequences finished', withLimits.completed, without.completed],
    ['steps still planned at the end', withLimits.pendingAtEnd, without.pendingAtEnd],
    [
      'peak emails in a day',
      Math.max(0, ...report.days.map((day) => day.emails)),
      Math.max(0, ...report.days.map((day) => day.emailsWithoutLimits)),
    ],
  ];
  lines.push(`  ${''.padEnd(32)}${'as configured'.padStart(15)}${'without'.padStart(12)}`);
  for (const [label, a, b] of rows)
    lines.push(`  ${label.padEnd(32)}${count(a).padStart(15)}${count(b).padStart(12)}`);

  lines.push('', 'Steps (sent / skipped):');
  for (const step of report.steps)
    lines.push(
      `  ${step.sequenceId} ${step.stepIndex + 1} ${step.stepId}: ${count(step.sent)} sent, ${count(step.skipped)} skipped`,
    );
  const skips = Object.entries(report.skips);
  if (skips.length > 0) {
    lines.push('', 'Skipped, by why:');
    for (const [reason, n] of skips) lines.push(`  ${count(n)}  ${reason}`);
  }
  const exits = Object.entries(report.exits);
  if (exits.length > 0) {
    lines.push('', 'Left a sequence early:');
    for (const [reason, n] of exits) lines.push(`  ${count(n)}  ${reason}`);
  }

  lines.push('', 'Who gets which step when:');
  if (report.timelines.length === 0 && report.unknownCustomers.length === 0)
    lines.push('  nobody is enrolled');
  for (const timeline of report.timelines) lines.push(...timelineLines(timeline));
  for (const id of report.unknownCustomers) lines.push(`  customer ${id}: not in the customers file`);
  lines.push(
    '',
    'Assumed: nobody opens, clicks, replies or buys during the plan (steps waiting for that are skipped), and no one is suppressed or paused.',
  );
  return lines;
}
