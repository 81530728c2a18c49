import { writeFile } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { CreateScheduleCommand } from '@aws-sdk/client-scheduler';
import { buildRuntimeBundle } from '../build/runtime-bundle.ts';
import type { DeferralCause } from '../core/domain/counters.ts';
import type { CustomerView } from '../core/domain/customer-view.ts';
import type { StepMessage } from '../core/domain/step-message.ts';
import { trackingFor } from '../core/domain/tracking.ts';
import type { ImportReport } from '../core/import/import-file.ts';
import { buildReport } from '../core/reporting/build-report.ts';
import { pausesInForce } from '../core/reporting/pauses-in-force.ts';
import { renderReportHtml, renderReportText } from '../core/reporting/render-report.ts';
import { segmenterSchedule } from '../core/segments/plan-run.ts';
import { emptyReport, mergeReports, type SegmenterReport } from '../core/segments/run-segmenter.ts';
import { deferralCauseOf, type SendStepOutcome } from '../core/sending/send-step.ts';
import type { Mailer } from '../ports/mailer.ts';
import { Chaos, type FaultKind } from './chaos.ts';
import { clearOutbox, type ManifestEntry, writeOutbox } from './demo-outbox.ts';
import { checkInvariants, type InvariantResult, type LearnedStops, readRunRecords } from './invariants.ts';
import { localNames, startLocalRuntime } from './local-runtime.ts';
import { type SimulationSummary, simulateRecipients } from './recipient-simulator.ts';
import { saveReportState } from './report-state.ts';
import { generateSampleData, toCsv } from './sample-data.ts';
import type { ParallelFiring } from './scheduler-emulator/index.ts';
import type { StoredEmail } from './ses-local.ts';
import { VirtualClock } from './virtual-clock.ts';

export interface DemoOptions {
  readonly customers: number;
  readonly seed: number;
  /** Virtual days to run after the import. */
  readonly days: number;
  readonly configFile: string;
  readonly templatesDir: string;
  /**
   * Where the outbox is written (cleared first): each email as `.eml`, `.html` and `.txt`, and
   * `manifest.jsonl`; the imported CSVs and the report go to its parent folder.
   */
  readonly outDir: string;
  /** Called with the running stack before it is stopped (e.g. to keep the SES outbox UI up). */
  readonly beforeStop?: (info: { sesUrl: string }) => Promise<void>;
  readonly progress?: (line: string) => void;
  /** Inject faults everywhere (`--chaos`), drawn from this seed at this rate. */
  readonly chaos?: { readonly seed: number; readonly rate?: number };
  /** How many steps due within a minute are sent at once. @default demoParallelSends */
  readonly parallelSends?: ParallelFiring;
  /** For tests: a deliberately broken mailer proves the invariant checks catch what they claim to. */
  readonly wrapMailer?: (mailer: Mailer) => Mailer;
  /**
   * Where to leave the state file naming the report's saved data (beside the outbox), so
   * `rekindle report` works after the emulators have stopped. @default none written
   */
  readonly stateFile?: string;
}

export interface DemoReport {
  readonly customers: number;
  readonly imported: { customers: ImportReport; orders: ImportReport; incidents: ImportReport };
  /** The first daily segmenter run: model, segment sizes, enrolled and held out. */
  readonly segmentation: SegmenterReport & { model?: string };
  /** The last daily segmenter run: whom the history held back (sunset, re-entry refused). */
  readonly lastSegmentation: SegmenterReport & { runId?: string };
  readonly enrolled: number;
  readonly scheduled: number;
  readonly sent: number;
  readonly schedulesLeft: number;
  readonly deadLetters: number;
  /** Per sequence step (`<sequence>/<step id>`): what happened each time it fell due. */
  readonly steps: readonly StepReport[];
  /** What the simulated recipients did (events recorded, replies, unsubscribes, purchases). */
  readonly engagement: SimulationSummary;
  /**
   * AWS requests the handlers made: for the import, and for everything after it (segmenting,
   * scheduling, sending, recording engagement), by `service:operation`. Divided by `sent`, the
   * second is the per-email request count the cost model (docs/cost.md) uses.
   */
  readonly requests: {
    import: Record<string, number>;
    run: Record<string, number>;
    /** Wall time the handlers waited on each operation, in ms, import included. */
    millis: Record<string, number>;
  };
  /** Replies forwarded to the support address with the customer's context. */
  readonly forwardedReplies: number;
  /** The win-back report (`rekindle report`), as text and as an HTML file. */
  readonly reportText: string;
  readonly reportFile: string;
  /** The report's data as read at the end, saved for `rekindle report` (with `stateFile`). */
  readonly reportDataFile?: string;
  readonly emails: readonly StoredEmail[];
  /** Where the emails (`.eml`, `.html`, `.txt`) and `manifest.jsonl` are; the input CSVs are beside it. */
  readonly outDir: string;
  /** The manifest's lines: each campaign email's files and what it was sent for. */
  readonly manifest: readonly ManifestEntry[];
  /** The promises checked at the end (always), and under `--chaos` the faults that were injected. */
  readonly invariants: readonly InvariantResult[];
  readonly injected?: Readonly<Record<FaultKind, number>>;
}

/** What happened to one step of a sequence over the demo. */
export interface StepReport {
  readonly step: string;
  sent: number;
  skipped: number;
  /** Each time it was held back, by cause (the window, the cap, the minimum gap, a pause, a ticket). */
  deferred: Record<DeferralCause, number>;
  exited: Record<string, number>;
}

/**
 * Steps due within the same minute go out four at once, each at its own due time, as the send queue's
 * event source runs several send-step invocations at once on AWS.
 */
export const demoParallelSends: ParallelFiring = { concurrency: 8, windowMs: 60_000 };

/** A fixed start so every run of the demo tells the same story. */
export const demoStart = Date.parse('2026-11-23T09:00:00Z');

/**
 * The walking skeleton, end to end on the local emulators: generate customers and orders, import
 * them through the S3 import handler, let the daily segmenter schedule fire, send each due step
 * through the queue consumer, and report what happened.
 */
export async function runDemo(options: DemoOptions): Promise<DemoReport> {
  const progress = options.progress ?? (() => undefined);
  const bundle = await buildRuntimeBundle({
    configFile: options.configFile,
    templatesDir: options.templatesDir,
  });
  const clock = new VirtualClock(demoStart);
  // A run's outbox holds that run's emails only.
  await clearOutbox(options.outDir);
  progress('starting DynamoDB Local, SES, S3 and the Scheduler emulator on 127.0.0.1 …');
  const steps = new Map<string, StepReport>();
  const onSendOutcome = (message: StepMessage, outcome: SendStepOutcome) => {
    const sequence = bundle.config.sequences.find((candidate) => candidate.id === message.sequenceId);
    const key = `${message.sequenceId}/${sequence?.steps[message.stepIndex]?.id ?? message.stepIndex}`;
    let report = steps.get(key);
    if (report === undefined) {
      report = {
        step: key,
        sent: 0,
        skipped: 0,
        deferred: { window: 0, cap: 0, gap: 0, pause: 0, ticket: 0 },
        exited: {},
      };
      steps.set(key, report);
    }
    if (outcome.kind === 'sent') {
      report.sent += 1;
    } else if (outcome.kind === 'skipped') report.skipped += 1;
    else if (outcome.kind === 'deferred') report.deferred[deferralCauseOf[outcome.reason]] += 1;
    else if (outcome.kind === 'paused') report.deferred.pause += 1;
    else if (outcome.kind === 'exited')
      report.exited[outcome.reason] = (report.exited[outcome.reason] ?? 0) + 1;
  };
  const chaos = options.chaos === undefined ? undefined : new Chaos(options.chaos);
  const published = new Map<string, unknown>();
  const learned = new Map<string, LearnedStops>();
  const simulation = {
    seed: options.seed,
    chaos,
    late: [] as unknown[],
    published,
    learned,
    replyDomain: bundle.config.engagement.replyDomain,
    tracking: (sequenceId: string) =>
      trackingFor(
        bundle.config.sequences.find((sequence) => sequence.id === sequenceId),
        bundle.config.engagement,
      ),
    played: new Set<string>(),
    // A good sender's complaint rate (0.03%): the config pauses a sequence above 0.1%, and the
    // simulator's default is high enough to do that on purpose.
    behaviour: { complaint: 0.0003 },
  };
  const runtime = await startLocalRuntime({
    clock,
    bundle,
    logLevel: 'SILENT',
    exportEnvironment: true,
    onSendOutcome,
    parallelSends: options.parallelSends ?? demoParallelSends,
    // The sends on the second core; chaos and a wrapped mailer must reach the sender, so not then.
    sendWorker: chaos === undefined && options.wrapMailer === undefined,
    ...(chaos === undefined ? {} : { chaos }),
    ...(options.wrapMailer === undefined ? {} : { wrapMailer: options.wrapMailer }),
  });
  try {
    const sample = generateSampleData({ customers: options.customers, seed: options.seed, now: demoStart });
    progress(
      `importing ${sample.customers.length} customers and ${sample.orders.length} orders through S3 …`,
    );
    // Each file as uploaded is also kept beside the outbox, so a reader can check what went in.
    const inputsDir = dirname(options.outDir);
    const importFile = async (name: string, csv: string) => {
      await writeFile(join(inputsDir, name), csv);
      return runtime.dropImport(name, csv);
    };
    const inputs = demoInputs(sample);
    const [customersReport] = await importFile('customers.csv', inputs['customers.csv']);
    const [ordersReport] = await importFile('orders.csv', inputs['orders.csv']);
    const [incidentsReport] = await importFile('incidents.csv', inputs['incidents.csv']);
    if (customersReport === undefined || ordersReport === undefined || incidentsReport === undefined)
      throw new Error('the import produced no report');

    const importRequests = runtime.requests.snapshot();
    const importMillis = runtime.requests.timings();
    runtime.requests.reset();
    // The recurring segmenter schedule, as infra/constructs/segmentation.ts deploys it.
    const segmenter = segmenterSchedule(bundle.config);
    await runtime.clients.scheduler.send(
      new CreateScheduleCommand({
        Name: 'daily-segmenter',
        ScheduleExpression: segmenter.expression,
        ScheduleExpressionTimezone: segmenter.timeZone,
        FlexibleTimeWindow: { Mode: 'OFF' },
        // Plan (fit on a sample), then fan out one scoring task per parallel-scan segment.
        Target: { Arn: localNames.planSegmentationArn, RoleArn: localNames.schedulerRoleArn, Input: '{}' },
      }),
    );
    progress(`running ${options.days} days of virtual time …`);
    const end = demoStart + options.days * 86_400_000;
    // Week by week, recipients act on what they got: opens, clicks, replies (real MIME through the
    // inbound handler), unsubscribes, bounces, complaints and purchases; these end sequences early.
    let engagement: SimulationSummary | undefined;
    const elapsed = (since: number) => `${((performance.now() - since) / 1000).toFixed(1)} s`;
    for (let weekEnd = demoStart + 7 * 86_400_000; ; weekEnd += 7 * 86_400_000) {
      const until = Math.min(weekEnd, end);
      let since = performance.now();
      await runtime.scheduler.runUntil(until);
      const firings = runtime.scheduler.firings.length;
      progress(
        `  day ${Math.round((until - demoStart) / 86_400_000)}: ${firings} schedules fired so far (${elapsed(since)})`,
      );
      since = performance.now();
      engagement = await simulateRecipients(runtime, { ...simulation, final: until === end });
      progress(`  recipients played ${engagement.emails} new emails (${elapsed(since)})`);
      if (until === end) break;
    }
    const runRequests = runtime.requests.snapshot();
    // The checks read the emulators' own records, with every fault switched off.
    if (chaos !== undefined) chaos.enabled = false;
    let since = performance.now();
    const records = await runtime.requests.uncounted(() => readRunRecords(runtime));
    const invariants = checkInvariants({ runtime, records, config: bundle.config, published, learned });

    const firstRun = runtime.segmentResults
      .flatMap((result) => result.reports)
      .filter((report, _, all) => report.runId === all[0]?.runId);
    const segmentation = firstRun.reduce<SegmenterReport>(mergeReports, emptyReport());
    const runReports = runtime.segmentResults.flatMap((result) => result.reports);
    // Run ids are dates: the greatest is the last day's run.
    const lastRunId = runReports.reduce<string | undefined>(
      (last, report) => (last === undefined || report.runId > last ? report.runId : last),
      undefined,
    );
    const lastSegmentation = {
      ...runReports.filter((report) => report.runId === lastRunId).reduce(mergeReports, emptyReport()),
      ...(lastRunId === undefined ? {} : { runId: lastRunId }),
    };
    let enrolled = 0;
    let sent = 0;
    for (const view of records.views.values()) {
      enrolled += view.enrolments.length;
      sent += view.sends.filter((send) => send.state === 'sent').length;
    }
    const outbox = inSendOrder(records.outbox, records.views);
    // Replies forwarded to the support team are in the outbox too; they are not campaign emails.
    const supportAddress = bundle.config.engagement.supportAddress;
    const emails = outbox.filter((email) => !email.destination.to.includes(supportAddress ?? ''));
    progress(`checked the invariants on every customer's records (${elapsed(since)})`);
    since = performance.now();
    const manifest = await writeOutbox(options.outDir, outbox, records.views);
    const pauses = await pausesInForce(runtime.engagement.pauses, bundle.config);
    const winBack = buildReport(records.reportData, bundle.config, { now: clock.now(), pauses });
    const reportFile = join(options.outDir, '..', 'report.html');
    await writeFile(reportFile, renderReportHtml(winBack));
    const reportDataFile = join(dirname(options.outDir), 'report-data.json');
    if (options.stateFile !== undefined)
      await saveReportState(options.stateFile, reportDataFile, {
        now: clock.now(),
        configFile: options.configFile,
        data: records.reportData,
        pauses,
      });
    progress(
      `wrote ${manifest.length} emails (.eml, .html, .txt), ${outbox.length - manifest.length} forwarded replies, the manifest and the report (${elapsed(since)})`,
    );
    const firings = runtime.scheduler.firings;
    const report: DemoReport = {
      customers: sample.customers.length,
      imported: { customers: customersReport, orders: ordersReport, incidents: incidentsReport },
      segmentation,
      lastSegmentation,
      enrolled,
      scheduled: firings.filter((firing) => firing.targetArn === localNames.sendQueueArn).length,
      sent,
      schedulesLeft: runtime.scheduler.schedules().filter((schedule) => schedule.name !== 'daily-segmenter')
        .length,
      deadLetters:
        runtime.sendQueue.deadLetters.length +
        runtime.segmentQueue.deadLetters.length +
        runtime.engagementQueue.deadLetters.length +
        runtime.scheduler.deadLetters.length,
      steps: [...steps.values()].sort(
        (a, b) => stepOrder(bundle.config, a.step) - stepOrder(bundle.config, b.step),
      ),
      engagement: engagement ?? (await simulateRecipients(runtime, simulation)),
      forwardedReplies: outbox.length - emails.length,
      requests: {
        import: importRequests,
        run: runRequests,
        millis: addTimings(importMillis, runtime.requests.timings()),
      },
      reportText: renderReportText(winBack),
      reportFile,
      ...(options.stateFile === undefined ? {} : { reportDataFile }),
      emails,
      outDir: options.outDir,
      manifest,
      invariants,
      ...(chaos === undefined ? {} : { injected: { ...chaos.injected } }),
    };
    await options.beforeStop?.({ sesUrl: runtime.endpoints.sesv2 });
    return report;
  } finally {
    await runtime.stop();
  }
}

/** The CSV files the demo imports (and keeps beside its outbox), from its sample data. */
export function demoInputs(sample: ReturnType<typeof generateSampleData>) {
  // Each translated resolution note is a `resolutions.<locale>` column.
  const locales = [
    ...new Set(sample.incidents.flatMap((incident) => Object.keys(incident.resolutions ?? {}))),
  ].sort();
  const incidents: Record<string, unknown>[] = sample.incidents.map(({ resolutions, ...incident }) => ({
    ...incident,
    ...Object.fromEntries(locales.map((locale) => [`resolutions.${locale}`, resolutions?.[locale]])),
  }));
  return {
    'customers.csv': toCsv(sample.customers, [
      'customerId',
      'email',
      'firstName',
      'locale',
      'timeZone',
      'consent',
    ]),
    'orders.csv': toCsv(sample.orders, ['orderId', 'customerId', 'placedAt', 'amount']),
    'incidents.csv': toCsv(incidents, [
      'incidentId',
      'customerId',
      'kind',
      'occurredAt',
      'orderId',
      'resolvedAt',
      'resolution',
      ...locales.map((locale) => `resolutions.${locale}`),
      'ticketOpen',
    ]),
  } as const;
}

/** Steps in config order: sequence, then step. */
function stepOrder(
  config: { sequences: readonly { id: string; steps: readonly { id: string }[] }[] },
  key: string,
): number {
  const [sequenceId, stepId] = key.split('/');
  const sequenceIndex = config.sequences.findIndex((sequence) => sequence.id === sequenceId);
  const stepIndex = config.sequences[sequenceIndex]?.steps.findIndex((step) => step.id === stepId) ?? 0;
  return sequenceIndex * 1000 + stepIndex;
}

/**
 * Campaign emails by their virtual send time, then recipient: steps due together go out side by
 * side, so the order SES stored them in differs from run to run. Other mail (replies forwarded to
 * the support address) follows in the order SES got it.
 */
function inSendOrder(
  outbox: readonly StoredEmail[],
  views: ReadonlyMap<string, CustomerView>,
): StoredEmail[] {
  const sentAt = new Map<string, number>();
  for (const view of views.values())
    for (const send of view.sends)
      if (send.messageId !== undefined && send.sentAt !== undefined) sentAt.set(send.messageId, send.sentAt);
  const at = (email: StoredEmail) => sentAt.get(email.messageId) ?? Number.POSITIVE_INFINITY;
  const to = (email: StoredEmail) => email.destination.to[0] ?? '';
  return outbox
    .map((email, index) => ({ email, index }))
    .sort((a, b) => at(a.email) - at(b.email) || to(a.email).localeCompare(to(b.email)) || a.index - b.index)
    .map(({ email }) => email);
}

function addTimings(a: Record<string, number>, b: Record<string, number>): Record<string, number> {
  const sum = { ...a };
  for (const [key, value] of Object.entries(b)) sum[key] = (sum[key] ?? 0) + value;
  return Object.fromEntries(Object.entries(sum).sort(([, x], [, y]) => y - x));
}
