import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { CloudFormationClient, DescribeStacksCommand } from '@aws-sdk/client-cloudformation';
import { GetAccountCommand, SESv2Client } from '@aws-sdk/client-sesv2';
import { mockClient } from 'aws-sdk-client-mock';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { sesAccountPause } from '../../../functions/adapters/ses/account-pause.ts';
import {
  describeAwsError,
  readSesAccountPause,
  reportCommand,
  tableOfStack,
  writeReport,
} from '../../../functions/cli/commands/report.ts';
import { MemoryOutput } from '../../../functions/cli/output.ts';
import { zeroCounters } from '../../../functions/core/domain/counters.ts';
import { allSequences } from '../../../functions/core/domain/pauses.ts';
import type { ReportData } from '../../../functions/core/domain/report-data.ts';
import { loadReportState, saveReportState } from '../../../functions/local/report-state.ts';

const day = 86_400_000;
const now = Date.parse('2026-12-14T09:00:00Z');
const configFile = resolve('config/rekindle.yaml');

const data: ReportData = {
  assignments: [
    {
      customerId: 'c1',
      enrolmentId: 'e1',
      sequenceId: 'gentle-winback',
      segmentId: 'lapsed',
      enrolledAt: now - 20 * day,
      state: 'completed',
      predictedPurchases: 0.4,
    },
  ],
  firstSends: [{ enrolmentId: 'e1', sentAt: now - 19 * day }],
  sends: [
    {
      enrolmentId: 'e1',
      stepIndex: 0,
      sentAt: now - 19 * day,
      tracking: { opens: false, clicks: false, noTrackedLinks: true },
    },
  ],
  orders: [{ customerId: 'c1', placedAt: now - 10 * day, amount: 42, currency: 'EUR' }],
  counters: [
    {
      sequenceId: 'gentle-winback',
      stepIndex: 0,
      segmentId: 'lapsed',
      stepId: 'check-in',
      counters: { ...zeroCounters(), sent: 1, delivered: 1 },
    },
  ],
};

let dir: string;
beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), 'rekindle-report-'));
});
afterEach(async () => {
  await rm(dir, { recursive: true, force: true });
});

describe('rekindle report finds its data', () => {
  it("reads the demo's saved data with no table or stack, says so, and reports as of the demo's time", async () => {
    const stateFile = join(dir, 'state.json');
    await saveReportState(stateFile, join(dir, 'demo', 'report-data.json'), {
      now,
      configFile,
      data,
      pauses: [{ scope: 'gentle-winback', reason: 'complaint rate 0.4%', at: now - day }],
    });
    const out = new MemoryOutput();
    const html = join(dir, 'report.html');
    expect(await reportCommand.run(['--state', stateFile, '--html', html], out)).toBe(0);
    const text = out.lines.join('\n');
    expect(text).toContain('Rekindle report — 2026-12-14 09:00 UTC');
    expect(text).toContain(`Data: the demo's data saved`);
    expect(text).toContain('PAUSED: gentle-winback since 2026-12-13 09:00 UTC: complaint rate 0.4%');
    expect(text).toContain('revenue EUR 42.00 (EUR 42.00 per email sent)');
    // What the email tracked is saved with it: no link SES tracks, so no clicks to count.
    expect(text).toContain('clicks (the 1 email sent had no link SES tracks');
    expect(out.errors[0]).toMatch(
      /^Reading the demo's data saved .* \(.*report-data.json, named by .*state.json\)/,
    );
    expect(await readFile(html, 'utf8')).toContain('<h1>Did win-back work?</h1>');
  });

  it('says in one line what to do when there is no data anywhere', async () => {
    const out = new MemoryOutput();
    expect(await reportCommand.run(['--state', join(dir, 'none.json')], out)).toBe(2);
    expect(out.errors).toEqual([
      'rekindle report: no data to report on: run the demo first (npm start), or name a deployed stack with --stack NAME or a table with --table NAME',
    ]);
  });

  it('names the file and field of a damaged state, in one line', async () => {
    const stateFile = join(dir, 'state.json');
    const dataFile = join(dir, 'report-data.json');
    await saveReportState(stateFile, dataFile, { now, configFile, data, pauses: [] });
    await writeFile(
      dataFile,
      JSON.stringify({ data: { ...data, orders: [{ customerId: 'c1' }] }, pauses: [] }),
    );
    const loaded = await loadReportState(stateFile);
    expect(loaded).toMatchObject({ ok: false, missing: false });
    if (loaded.ok) throw new Error('expected a failure');
    expect(loaded.reason).toMatch(
      /report-data\.json: data\.orders\.0\.placedAt: .*; run the demo again \(npm start\)$/,
    );
    await writeFile(stateFile, '{');
    const out = new MemoryOutput();
    expect(await reportCommand.run(['--state', stateFile], out)).toBe(1);
    expect(out.errors).toEqual([`rekindle report: ${stateFile} is not JSON: run the demo again (npm start)`]);
  });
});

describe('rekindle report --stack NAME', () => {
  const cloudFormation = mockClient(CloudFormationClient);
  afterEach(() => {
    cloudFormation.reset();
    vi.unstubAllEnvs();
  });

  it("reads the table name from the stack's TableName output", async () => {
    cloudFormation.on(DescribeStacksCommand, { StackName: 'Rekindle' }).resolves({
      Stacks: [
        {
          StackName: 'Rekindle',
          CreationTime: new Date(),
          StackStatus: 'UPDATE_COMPLETE',
          Outputs: [
            { OutputKey: 'ImportBucketName', OutputValue: 'rekindle-imports-abc' },
            { OutputKey: 'TableName', OutputValue: 'Rekindle-Table-XYZ' },
          ],
        },
      ],
    });
    expect(await tableOfStack('Rekindle')).toEqual({ ok: true, tableName: 'Rekindle-Table-XYZ' });
  });

  it('says when the stack has no such output or does not exist, in one line', async () => {
    cloudFormation
      .on(DescribeStacksCommand, { StackName: 'Old' })
      .resolves({ Stacks: [{ StackName: 'Old', CreationTime: new Date(), StackStatus: 'CREATE_COMPLETE' }] });
    expect(await tableOfStack('Old')).toEqual({
      ok: false,
      reason:
        'stack Old has no TableName output (status CREATE_COMPLETE): deploy this version of Rekindle (npx cdk deploy)',
    });
    vi.stubEnv('AWS_REGION', 'eu-west-1');
    const missing = new Error('Stack with id Nope does not exist');
    missing.name = 'ValidationError';
    cloudFormation.on(DescribeStacksCommand, { StackName: 'Nope' }).rejects(missing);
    const out = new MemoryOutput();
    expect(await reportCommand.run(['--stack', 'Nope', '--config', configFile], out)).toBe(1);
    expect(out.errors).toEqual([
      'rekindle report: stack Nope does not exist in this account in eu-west-1: check its name, AWS_REGION and AWS_PROFILE (Stack with id Nope does not exist)',
    ]);
  });

  it('says to set a region when the SDK has none, in one line', async () => {
    cloudFormation.on(DescribeStacksCommand).rejects(new Error('Region is missing'));
    const out = new MemoryOutput();
    expect(await reportCommand.run(['--stack', 'Nope', '--config', configFile], out)).toBe(1);
    expect(out.errors).toEqual([
      "rekindle report: no AWS region to read stack Nope: set AWS_REGION or AWS_PROFILE's region (aws configure set region …)",
    ]);
  });

  it('refuses --stack with --table', async () => {
    await expect(reportCommand.run(['--stack', 'A', '--table', 'B'], new MemoryOutput())).rejects.toThrow(
      'give --stack NAME or --table NAME, not both',
    );
  });
});

describe('describeAwsError', () => {
  const named = (name: string, message: string) => Object.assign(new Error(message), { name });

  it('turns the SDK errors a person meets into one line with what to do', () => {
    expect(
      describeAwsError(
        named('ResourceNotFoundException', 'Cannot do operations on a non-existent table'),
        'table T',
      ),
    ).toBe(
      'table T does not exist in this account and region (Cannot do operations on a non-existent table)',
    );
    expect(
      describeAwsError(
        named('CredentialsProviderError', 'Could not load credentials from any providers'),
        'table T',
      ),
    ).toMatch(/^no AWS credentials for table T: set AWS_PROFILE/);
    expect(
      describeAwsError(named('Error', 'connect ECONNREFUSED 127.0.0.1:8000\n    at stack'), 'table T'),
    ).toBe(
      'cannot reach the endpoint for table T (connect ECONNREFUSED 127.0.0.1:8000); is the local stack running?',
    );
    expect(
      describeAwsError(
        named('ExpiredTokenException', 'The security token included in the request is expired'),
        'stack S',
      ),
    ).toMatch(/^the AWS credentials for stack S have expired: run aws sso login/);
    expect(
      describeAwsError(
        named('UnrecognizedClientException', 'The security token included in the request is invalid'),
        'table T',
      ),
    ).toMatch(/^the AWS credentials for table T are not valid: check AWS_PROFILE/);
    expect(
      describeAwsError(
        named(
          'AccessDenied',
          'User: arn:aws:iam::1:user/u is not authorized to perform: cloudformation:DescribeStacks',
        ),
        'stack S',
      ),
    ).toMatch(/^not allowed to read stack S: use a profile that may/);
    expect(
      describeAwsError(
        named('ResourceNotFoundException', 'Requested resource not found'),
        'table T',
        'us-east-1',
      ),
    ).toBe('table T does not exist in this account in us-east-1 (Requested resource not found)');
  });
});

describe('SES pausing sending for the account', () => {
  const ses = mockClient(SESv2Client);
  afterEach(() => {
    ses.reset();
  });

  it('is no pause while sending is enabled, and says who lifts it when it is not', async () => {
    ses.on(GetAccountCommand).resolves({ SendingEnabled: true, EnforcementStatus: 'PROBATION' });
    expect(await sesAccountPause(new SESv2Client({ region: 'eu-west-1' }))).toBeUndefined();
    ses.on(GetAccountCommand).resolves({ SendingEnabled: false, EnforcementStatus: 'SHUTDOWN' });
    expect((await sesAccountPause(new SESv2Client({ region: 'eu-west-1' })))?.reason).toMatch(
      /^SES disabled sending \(enforcement status SHUTDOWN\); .*ask AWS for a review/,
    );
    ses.on(GetAccountCommand).resolves({ SendingEnabled: false, EnforcementStatus: 'HEALTHY' });
    expect((await sesAccountPause(new SESv2Client({ region: 'eu-west-1' })))?.reason).toContain(
      'aws sesv2 put-account-sending-attributes --sending-enabled',
    );
  });

  it('is shown first in the report, before the kill switch', async () => {
    ses.on(GetAccountCommand).resolves({ SendingEnabled: false, EnforcementStatus: 'SHUTDOWN' });
    const out = new MemoryOutput();
    const accountPause = await readSesAccountPause(out, new SESv2Client({ region: 'eu-west-1' }));
    expect(accountPause).toBeDefined();
    const { parseConfig } = await import('../../../functions/core/config/load.ts');
    const parsed = parseConfig(await readFile(configFile, 'utf8'), configFile);
    if (!parsed.ok) throw new Error('the sample config should parse');
    expect(
      await writeReport(
        { loadReportData: async () => data },
        parsed.config,
        {
          now,
          json: false,
          pauseList: [{ scope: allSequences, reason: 'stopped by hand', at: now - day }],
          ...(accountPause === undefined ? {} : { accountPause }),
        },
        out,
      ),
    ).toBe(0);
    const paused = out.lines
      .join('\n')
      .split('\n')
      .filter((line) => line.startsWith('PAUSED'));
    expect(paused).toEqual([
      expect.stringMatching(
        /^PAUSED: SES sending for the whole AWS account: SES disabled sending \(enforcement status SHUTDOWN\)/,
      ),
      expect.stringMatching(
        /^PAUSED: every sequence \(the kill switch\) since 2026-12-13 09:00 UTC: stopped by hand/,
      ),
    ]);
  });

  it('leaves the report without it, in one line, when SES cannot be asked', async () => {
    ses.on(GetAccountCommand).rejects(
      Object.assign(new Error('User is not authorized to perform: ses:GetAccount'), {
        name: 'AccessDeniedException',
      }),
    );
    const out = new MemoryOutput();
    expect(await readSesAccountPause(out, new SESv2Client({ region: 'eu-west-1' }))).toBeUndefined();
    expect(out.errors).toEqual([
      'rekindle report: not showing whether SES paused sending: not allowed to read the SES account: use a profile that may (User is not authorized to perform: ses:GetAccount)',
    ]);
  });
});
