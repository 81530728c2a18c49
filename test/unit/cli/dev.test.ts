import { describe, expect, it } from 'vitest';
import { devInstructions, uploadLine } from '../../../functions/cli/commands/dev.ts';
import { localNames } from '../../../functions/local/local-names.ts';

const endpoints = {
  dynamodb: 'http://127.0.0.1:4001',
  sesv2: 'http://127.0.0.1:4002',
  s3: 'http://127.0.0.1:4003',
  scheduler: 'http://127.0.0.1:4004',
};

describe('rekindle dev tells a person how to reach the local stack', () => {
  it('with the endpoint variables, and --endpoint-url for AWS CLI releases that ignore them', () => {
    const lines = devInstructions(endpoints, localNames);
    expect(lines).toContain('  export AWS_ENDPOINT_URL_SCHEDULER=http://127.0.0.1:4004');
    expect(lines.join('\n')).toContain('before 2.13 ignore those variables');
    const commands = lines.filter((line) => line.trimStart().startsWith('aws '));
    expect(commands.length).toBeGreaterThanOrEqual(3);
    // Every example names its emulator, so none of them can reach a real account.
    for (const command of commands) expect(command).toMatch(/--endpoint-url http:\/\/127\.0\.0\.1:400[1-4]$/);
    expect(lines.join('\n')).toContain(`--table-name ${localNames.tableName}`);
  });
});

describe('rekindle dev tells a person what became of an upload', () => {
  it('with the counts and where the report is, or why it failed', () => {
    const report = {
      file: 'imports/orders.csv',
      kind: 'orders' as const,
      written: 4,
      rejected: [],
      rejectedTotal: 1,
      skipped: [],
      skippedTotal: 2,
      notes: [],
    };
    const reportKey = 'reports/orders.csv.report.json';
    expect(uploadLine({ key: 'imports/orders.csv', reportKey, reports: [report] })).toBe(
      'imported imports/orders.csv: 4 written, 1 rejected, 2 skipped; report at reports/orders.csv.report.json',
    );
    expect(
      uploadLine({ key: 'imports/notes.txt', reportKey: 'reports/notes.txt.report.json', reports: [] }),
    ).toMatch(/is not an import .* see reports\/notes.txt.report.json$/);
    expect(uploadLine({ key: 'imports/x.csv', reportKey, error: new Error('table not found') })).toBe(
      'import of imports/x.csv failed: table not found',
    );
  });
});
