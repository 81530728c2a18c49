import { parseArgs } from 'node:util';
import type { RekindleConfig } from '../../core/config/schema.ts';
import { allSequences } from '../../core/domain/pauses.ts';
import type { PauseInForce } from '../../core/reporting/build-report.ts';
import type { ReportReader } from '../../ports/report-reader.ts';
import type { SequencePauses } from '../../ports/sequence-pauses.ts';
import type { Command } from '../command.ts';
import type { Output } from '../output.ts';

const usage = 'rekindle report [--html FILE] [--json] [--config FILE] [--table NAME]';

/**
 * `rekindle report`: per segment, sequence and step, what was sent and what recipients did, and
 * whether more customers returned than in the hold-out. Reads the table named by --table or
 * TABLE_NAME; the endpoint comes from the SDK's AWS_ENDPOINT_URL_DYNAMODB for local runs.
 */
export const reportCommand: Command = {
  name: 'report',
  summary: 'show opens, clicks, replies, returns and the lift over the hold-out',
  usage,
  async run(argv, out) {
    const { values } = parseArgs({
      args: [...argv],
      options: {
        html: { type: 'string' },
        json: { type: 'boolean' },
        config: { type: 'string' },
        table: { type: 'string' },
      },
      strict: true,
    });
    const tableName = values.table ?? process.env.TABLE_NAME;
    if (tableName === undefined || tableName === '') {
      out.error('rekindle report: name the table with --table or TABLE_NAME');
      return 2;
    }
    // Loaded on use: the SDK and the config loader are heavy for the other commands.
    const [
      { readFile },
      { DynamoDBClient },
      { DynamoReportReader },
      { DynamoSequencePauses },
      { parseConfig, formatConfigIssues },
    ] = await Promise.all([
      import('node:fs/promises'),
      import('@aws-sdk/client-dynamodb'),
      import('../../adapters/dynamo/report-reader.ts'),
      import('../../adapters/dynamo/sequence-pauses.ts'),
      import('../../core/config/load.ts'),
    ]);
    const configFile = values.config ?? 'config/rekindle.yaml';
    const parsed = parseConfig(await readFile(configFile, 'utf8'), configFile);
    if (!parsed.ok) {
      out.error(formatConfigIssues(parsed.issues));
      return 1;
    }
    const client = new DynamoDBClient({});
    const store = new DynamoReportReader(client, tableName);
    return writeReport(
      store,
      parsed.config,
      {
        now: Date.now(),
        html: values.html,
        json: values.json ?? false,
        pauses: new DynamoSequencePauses(client, tableName),
      },
      out,
    );
  },
};

/** Builds and prints the report from a store; the demo calls this with its local store. */
export async function writeReport(
  store: ReportReader,
  config: Pick<RekindleConfig, 'engagement' | 'sequences'>,
  options: { now: number; html?: string | undefined; json: boolean; pauses?: SequencePauses },
  out: Output,
): Promise<number> {
  const [{ buildReport }, { renderReportHtml, renderReportText }, { writeFile }] = await Promise.all([
    import('../../core/reporting/build-report.ts'),
    import('../../core/reporting/render-report.ts'),
    import('node:fs/promises'),
  ]);
  const pauses = options.pauses === undefined ? [] : await pausesInForce(options.pauses, config);
  const report = buildReport(await store.loadReportData(), config, { now: options.now, pauses });
  if (options.json) out.json(report);
  else out.line(renderReportText(report));
  if (options.html !== undefined) {
    await writeFile(options.html, renderReportHtml(report), 'utf8');
    out.error(`HTML report written to ${options.html}`);
  }
  return 0;
}

/** The kill switch and each configured sequence's pause, those in force. */
async function pausesInForce(
  pauses: SequencePauses,
  config: Pick<RekindleConfig, 'sequences'>,
): Promise<PauseInForce[]> {
  const scopes = [allSequences, ...config.sequences.map((sequence) => sequence.id)];
  const found = await Promise.all(
    scopes.map(async (scope) => {
      const pause = await pauses.sequencePause(scope);
      return pause === undefined ? [] : [{ scope, reason: pause.reason, at: pause.at }];
    }),
  );
  return found.flat();
}
