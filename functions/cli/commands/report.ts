import { parseArgs } from 'node:util';
import type { RekindleConfig } from '../../core/config/schema.ts';
import type { PauseInForce } from '../../core/reporting/build-report.ts';
import type { ReportReader } from '../../ports/report-reader.ts';
import type { SequencePauses } from '../../ports/sequence-pauses.ts';
import { type Command, UsageError } from '../command.ts';
import type { Output } from '../output.ts';

const usage =
  'rekindle report [--stack NAME | --table NAME | --state FILE] [--html FILE] [--json] [--config FILE]';

/**
 * `rekindle report`: per segment, sequence and step, what was sent and what recipients did, and
 * whether more customers returned than in the hold-out. Finds its data: the table named by --table
 * or TABLE_NAME, or the TableName output of the CloudFormation stack --stack names, or else the data
 * the demo left (.rekindle/state.json, or --state FILE). Says which it reads; every failure is one line.
 */
export const reportCommand: Command = {
  name: 'report',
  summary: 'show opens, clicks, replies, returns, revenue and the lift over the hold-out',
  usage,
  async run(argv, out) {
    const { values } = parseArgs({
      args: [...argv],
      options: {
        html: { type: 'string' },
        json: { type: 'boolean' },
        config: { type: 'string' },
        table: { type: 'string' },
        stack: { type: 'string' },
        state: { type: 'string' },
      },
      strict: true,
    });
    if (values.table !== undefined && values.stack !== undefined)
      throw new UsageError('give --stack NAME or --table NAME, not both');
    const tableName = values.table ?? (values.stack === undefined ? process.env.TABLE_NAME : undefined);
    const output = { html: values.html, json: values.json ?? false };
    if (values.stack === undefined && (tableName === undefined || tableName === '')) {
      // No table and no stack: the data the demo left, if it ran here.
      const { loadReportState, reportStateFile } = await import('../../local/report-state.ts');
      const stateFile = values.state ?? reportStateFile;
      const loaded = await loadReportState(stateFile);
      if (!loaded.ok) {
        out.error(
          loaded.missing
            ? `rekindle report: no data to report on: run the demo first (npm start), or name a deployed stack with --stack NAME or a table with --table NAME`
            : `rekindle report: ${loaded.reason}`,
        );
        return loaded.missing ? 2 : 1;
      }
      const { state, data, pauses } = loaded.saved;
      const config = await loadReportConfig(values.config ?? state.configFile, out);
      if (config === undefined) return 1;
      const source = `the demo's data saved ${new Date(state.writtenAt).toISOString().slice(0, 16).replace('T', ' ')} UTC (${state.dataFile}, named by ${stateFile}); run npm start again to refresh it`;
      out.error(`Reading ${source}.`);
      return writeReport(
        { loadReportData: async () => data },
        config,
        { now: state.now, ...output, pauseList: pauses, source },
        out,
      );
    }
    const config = await loadReportConfig(values.config ?? 'config/rekindle.yaml', out);
    if (config === undefined) return 1;
    const [{ DynamoDBClient }, { DynamoReportReader }, { DynamoSequencePauses }] = await Promise.all([
      import('@aws-sdk/client-dynamodb'),
      import('../../adapters/dynamo/report-reader.ts'),
      import('../../adapters/dynamo/sequence-pauses.ts'),
    ]);
    let table = tableName ?? '';
    let source = `table ${table}`;
    if (values.stack !== undefined) {
      const found = await tableOfStack(values.stack);
      if (!found.ok) {
        out.error(`rekindle report: ${found.reason}`);
        return 1;
      }
      table = found.tableName;
      source = `table ${table} (output TableName of stack ${values.stack})`;
    }
    const endpoint = process.env.AWS_ENDPOINT_URL_DYNAMODB ?? process.env.AWS_ENDPOINT_URL;
    source += endpoint === undefined ? '' : ` at ${endpoint}`;
    out.error(`Reading ${source}.`);
    // SES exists only on AWS: against the local emulators (an endpoint set) there is no account to ask.
    const accountPause = endpoint === undefined ? await readSesAccountPause(out) : undefined;
    const client = new DynamoDBClient({});
    try {
      return await writeReport(
        new DynamoReportReader(client, table),
        config,
        {
          now: Date.now(),
          ...output,
          pauses: new DynamoSequencePauses(client, table),
          ...(accountPause === undefined ? {} : { accountPause }),
          source,
        },
        out,
      );
    } catch (error: unknown) {
      out.error(`rekindle report: ${describeAwsError(error, `table ${table}`, await regionOf(client))}`);
      return 1;
    } finally {
      client.destroy();
    }
  },
};

/** The config, or undefined once its problems are printed. */
async function loadReportConfig(configFile: string, out: Output): Promise<RekindleConfig | undefined> {
  const [{ readFile }, { parseConfig, formatConfigIssues }] = await Promise.all([
    import('node:fs/promises'),
    import('../../core/config/load.ts'),
  ]);
  let text: string;
  try {
    text = await readFile(configFile, 'utf8');
  } catch {
    out.error(`rekindle report: cannot read the config ${configFile}; name it with --config FILE`);
    return undefined;
  }
  const parsed = parseConfig(text, configFile);
  if (!parsed.ok) {
    out.error(formatConfigIssues(parsed.issues));
    return undefined;
  }
  return parsed.config;
}

/** The stack's TableName output, read with CloudFormation DescribeStacks, or why not. */
export async function tableOfStack(
  stackName: string,
  client?: import('@aws-sdk/client-cloudformation').CloudFormationClient,
): Promise<{ ok: true; tableName: string } | { ok: false; reason: string }> {
  const { CloudFormationClient, DescribeStacksCommand } = await import('@aws-sdk/client-cloudformation');
  const cloudFormation = client ?? new CloudFormationClient({});
  try {
    const { Stacks } = await cloudFormation.send(new DescribeStacksCommand({ StackName: stackName }));
    const stack = Stacks?.[0];
    if (stack === undefined) return { ok: false, reason: `stack ${stackName} not found` };
    const tableName = stack.Outputs?.find((output) => output.OutputKey === 'TableName')?.OutputValue;
    if (tableName === undefined || tableName === '')
      return {
        ok: false,
        reason: `stack ${stackName} has no TableName output (status ${stack.StackStatus ?? 'unknown'}): deploy this version of Rekindle (npx cdk deploy)`,
      };
    return { ok: true, tableName };
  } catch (error: unknown) {
    return {
      ok: false,
      reason: describeAwsError(error, `stack ${stackName}`, await regionOf(cloudFormation)),
    };
  } finally {
    if (client === undefined) cloudFormation.destroy();
  }
}

/**
 * An AWS SDK error as one line a person can act on: no region, no or expired credentials, not
 * allowed, not found, unreachable. `region` is the one the client used, when it had one.
 */
export function describeAwsError(error: unknown, what: string, region?: string): string {
  const name = error instanceof Error ? error.name : 'Error';
  const message = (error instanceof Error ? error.message : String(error)).split('\n')[0] ?? '';
  const inRegion = region === undefined ? 'in this account and region' : `in this account in ${region}`;
  if (/region is missing/i.test(message))
    return `no AWS region to read ${what}: set AWS_REGION or AWS_PROFILE's region (aws configure set region …)`;
  if (name === 'ResourceNotFoundException') return `${what} does not exist ${inRegion} (${message})`;
  if (name === 'ValidationError' && /does not exist/.test(message))
    return `${what} does not exist ${inRegion}: check its name, AWS_REGION and AWS_PROFILE (${message})`;
  if (/expired/i.test(`${name} ${message}`))
    return `the AWS credentials for ${what} have expired: run aws sso login or renew them (${message})`;
  if (
    /^(UnrecognizedClientException|InvalidClientTokenId|InvalidSignatureException|SignatureDoesNotMatch)$/.test(
      name,
    )
  )
    return `the AWS credentials for ${what} are not valid: check AWS_PROFILE or AWS_ACCESS_KEY_ID (${message})`;
  if (name === 'CredentialsProviderError' || /credential/i.test(message))
    return `no AWS credentials for ${what}: set AWS_PROFILE or run aws sso login (${message})`;
  if (/^AccessDenied(Exception)?$/.test(name) || /not authorized/i.test(message))
    return `not allowed to read ${what}: use a profile that may (${message})`;
  if (/ECONNREFUSED|ENOTFOUND|getaddrinfo/.test(`${name} ${message}`))
    return `cannot reach the endpoint for ${what} (${message}); is the local stack running?`;
  return `cannot read ${what}: ${name}: ${message}`;
}

/** The region a client is configured with, or undefined when it has none. */
async function regionOf(client: { config: { region: () => Promise<string> } }): Promise<string | undefined> {
  try {
    return await client.config.region();
  } catch {
    return undefined;
  }
}

/**
 * SES pausing sending for the account (SESv2 GetAccount), or undefined; a failure to ask is one
 * line and the report goes on without it.
 */
export async function readSesAccountPause(
  out: Output,
  client?: import('@aws-sdk/client-sesv2').SESv2Client,
): Promise<PauseInForce | undefined> {
  const [{ SESv2Client }, { sesAccountPause }] = await Promise.all([
    import('@aws-sdk/client-sesv2'),
    import('../../adapters/ses/account-pause.ts'),
  ]);
  const ses = client ?? new SESv2Client({});
  try {
    return await sesAccountPause(ses);
  } catch (error: unknown) {
    out.error(
      `rekindle report: not showing whether SES paused sending: ${describeAwsError(error, 'the SES account', await regionOf(ses))}`,
    );
    return undefined;
  } finally {
    if (client === undefined) ses.destroy();
  }
}

/** Builds and prints the report from a store; the demo calls this with its local store. */
export async function writeReport(
  store: ReportReader,
  config: Pick<RekindleConfig, 'engagement' | 'sequences'>,
  options: {
    now: number;
    html?: string | undefined;
    json: boolean;
    /** Where to read the pauses in force, or the pauses themselves (saved by the demo). */
    pauses?: SequencePauses;
    pauseList?: readonly PauseInForce[];
    /** SES pausing sending for the account, shown before every other pause. */
    accountPause?: PauseInForce;
    source?: string;
  },
  out: Output,
): Promise<number> {
  const [{ buildReport }, { renderReportHtml, renderReportText }, { writeFile }, { pausesInForce }] =
    await Promise.all([
      import('../../core/reporting/build-report.ts'),
      import('../../core/reporting/render-report.ts'),
      import('node:fs/promises'),
      import('../../core/reporting/pauses-in-force.ts'),
    ]);
  const pauses = [
    ...(options.accountPause === undefined ? [] : [options.accountPause]),
    ...(options.pauses === undefined
      ? (options.pauseList ?? [])
      : await pausesInForce(options.pauses, config)),
  ];
  const report = buildReport(await store.loadReportData(), config, {
    now: options.now,
    pauses,
    ...(options.source === undefined ? {} : { source: options.source }),
  });
  if (options.json) out.json(report);
  else out.line(renderReportText(report));
  if (options.html !== undefined) {
    try {
      await writeFile(options.html, renderReportHtml(report), 'utf8');
    } catch (error: unknown) {
      const code = (error as { code?: unknown } | null)?.code;
      out.error(`rekindle report: cannot write ${options.html} (${String(code ?? error)})`);
      return 1;
    }
    out.error(`HTML report written to ${options.html}`);
  }
  return 0;
}
