import { dirname } from 'node:path';
import { parseArgs } from 'node:util';
import { type Command, UsageError } from '../command.ts';

const usage =
  'rekindle demo [--customers N] [--seed N] [--days N] [--chaos] [--chaos-rate P] [--config FILE] [--out DIR] [--keep-running]';

function positiveInteger(name: string, value: string | undefined, fallback: number): number {
  if (value === undefined) return fallback;
  const parsed = Number(value);
  if (!Number.isInteger(parsed) || parsed < 1)
    throw new UsageError(`--${name} must be a positive whole number, got "${value}"`);
  return parsed;
}

/** `rekindle demo`: the whole flow on local emulators, with a summary of what happened. */
export const demoCommand: Command = {
  name: 'demo',
  summary: 'run the whole flow locally on emulators (segment, schedule, send, record, report)',
  usage,
  async run(argv, out) {
    const { values } = parseArgs({
      args: [...argv],
      options: {
        customers: { type: 'string' },
        seed: { type: 'string' },
        days: { type: 'string' },
        config: { type: 'string' },
        out: { type: 'string' },
        'keep-running': { type: 'boolean' },
        chaos: { type: 'boolean' },
        'chaos-rate': { type: 'string' },
      },
      strict: true,
    });
    // Loaded on use: the local runtime pulls in the emulators, which other commands never need.
    const [{ runDemo }, { reportStateFile }] = await Promise.all([
      import('../../local/demo.ts'),
      import('../../local/report-state.ts'),
    ]);
    const chaosRate = values['chaos-rate'] === undefined ? 0.05 : Number(values['chaos-rate']);
    if (!(chaosRate >= 0 && chaosRate <= 0.5))
      throw new UsageError(
        `--chaos-rate must be a probability between 0 and 0.5, got "${values['chaos-rate']}"`,
      );
    const seed = positiveInteger('seed', values.seed, 42);
    const report = await runDemo({
      customers: positiveInteger('customers', values.customers, 200),
      seed,
      ...(values.chaos === true ? { chaos: { seed, rate: chaosRate } } : {}),
      days: positiveInteger('days', values.days, 21),
      configFile: values.config ?? 'config/rekindle.yaml',
      templatesDir: 'templates',
      outDir: values.out ?? '.rekindle/demo/outbox',
      stateFile: reportStateFile,
      progress: (line) => out.error(line),
      beforeStop: values['keep-running']
        ? async ({ sesUrl }) => {
            out.line(`\nThe SES outbox is at ${sesUrl} — press Ctrl+C to stop.`);
            await new Promise<void>((resolve) => process.once('SIGINT', () => resolve()));
          }
        : undefined,
    });
    const { customers, orders, incidents } = report.imported;
    const rejected = customers.rejected.length + orders.rejected.length + incidents.rejected.length;
    const run = report.segmentation;
    out.line('');
    out.line('Rekindle demo — what happened');
    out.line(
      `  customers       ${report.customers} (${customers.written} imported, ${orders.written} orders, ${incidents.written} incidents, ${rejected} rows rejected)`,
    );
    out.line(`  scored          ${run.scored} of ${run.customers} on the first daily run`);
    for (const [segment, size] of Object.entries(run.bySegment))
      out.line(`  segment         ${segment}: ${size}`);
    out.line(`  held out        ${run.heldOut} (never emailed; the report's control group)`);
    const last = report.lastSegmentation;
    out.line(
      `  held back       ${last.sunset} sunset, ${last.reentryBlocked} refused the same sequence again, on the last daily run${last.runId === undefined ? '' : ` (${last.runId})`}; sunset: a win-back went unanswered, nothing more until they order`,
    );
    out.line(`  enrolled        ${report.enrolled}`);
    out.line(`  scheduled       ${report.scheduled} step schedules fired`);
    out.line(`  sent            ${report.sent} emails (${report.emails.length} in the SES outbox)`);
    out.line(
      `  recipients      simulated weekly: opens, clicks, replies (${report.forwardedReplies} forwarded to support), unsubscribes, bounces, purchases — counts in the report below`,
    );
    out.line(`  schedules left  ${report.schedulesLeft}`);
    out.line(`  dead letters    ${report.deadLetters}`);
    out.line('');
    out.line(
      `AWS requests per email sent (daily segmenting, scheduling, sending and engagement; ${report.sent} emails)`,
    );
    for (const [operation, count] of Object.entries(report.requests.run)) {
      out.line(
        `  ${operation.padEnd(36)} ${String(count).padStart(7)}   ${(count / Math.max(1, report.sent)).toFixed(2)} per email`,
      );
    }
    out.line('');
    out.line('Per step (each time it fell due)');
    out.line(
      `  ${'step'.padEnd(32)} ${'sent'.padStart(5)} ${'skipped'.padStart(8)} ${'held: window'.padStart(13)} ${'cap'.padStart(5)} ${'gap'.padStart(5)} ${'pause'.padStart(6)} ${'ticket'.padStart(7)}  exited`,
    );
    for (const step of report.steps) {
      const exited =
        Object.entries(step.exited)
          .map(([reason, count]) => `${reason} ${count}`)
          .join(', ') || '-';
      out.line(
        `  ${step.step.padEnd(32)} ${String(step.sent).padStart(5)} ${String(step.skipped).padStart(8)} ${String(step.deferred.window).padStart(13)} ${String(step.deferred.cap).padStart(5)} ${String(step.deferred.gap).padStart(5)} ${String(step.deferred.pause).padStart(6)} ${String(step.deferred.ticket).padStart(7)}  ${exited}`,
      );
    }
    const first = report.emails[0];
    if (first !== undefined) {
      out.line('');
      out.line(`First email: "${first.subject}" to ${first.destination.to.join(', ')}`);
      for (const header of first.headers ?? []) out.line(`  ${header.name}: ${header.value}`);
    }
    if (report.injected !== undefined) {
      out.line('');
      out.line('Faults injected (--chaos)');
      for (const [kind, count] of Object.entries(report.injected))
        out.line(`  ${kind.padEnd(24)} ${String(count).padStart(6)}`);
    }
    out.line('');
    out.line('Invariants');
    for (const invariant of report.invariants) {
      out.line(`  ${invariant.ok ? 'ok  ' : 'FAIL'}  ${invariant.name}: ${invariant.detail}`);
      for (const violation of invariant.violations.slice(0, 5)) out.line(`          ${violation}`);
      if (invariant.violations.length > 5)
        out.line(`          … and ${invariant.violations.length - 5} more`);
    }
    out.line('');
    out.line(report.reportText);
    out.line(`The report is also at ${report.reportFile}.`);
    if (report.reportDataFile !== undefined)
      out.line(
        `Its data is saved in ${report.reportDataFile} (named by ${reportStateFile}): rekindle report (npm run rekindle -- report) reads it with no flags, --html FILE for the page.`,
      );
    out.line(
      `The emails are in ${report.outDir}/: each as sent (.eml), its HTML and text, and manifest.jsonl (one line per email); the imported customers.csv, orders.csv and incidents.csv are in ${dirname(report.outDir)}/. Run with --keep-running to browse the SES outbox.`,
    );
    const broken = report.invariants.some((invariant) => !invariant.ok);
    // Under chaos, dead letters and stuck claims are expected and visible; without it they are bugs.
    const unclean =
      report.injected === undefined && (report.deadLetters > 0 || report.sent !== report.emails.length);
    return broken || unclean ? 1 : 0;
  },
};
