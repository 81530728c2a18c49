import { describe, expect, it } from 'vitest';
import { devInstructions } from '../../../functions/cli/commands/dev.ts';
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
