import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import { describe, expect, it } from 'vitest';

const run = promisify(execFile);

describe('bin/rekindle.js', () => {
  it('builds the CLI when needed and lists the commands, as `npx rekindle help` does after npm ci', async () => {
    const { stdout, stderr } = await run(process.execPath, ['bin/rekindle.js', 'help']);

    expect(stdout).toContain('Usage: rekindle <command> [options]');
    expect(stdout).toMatch(/^ {2}validate +check config\/rekindle\.yaml/m);
    expect(stderr).toBe('');
  });

  it('runs a command from the bundle: mjml and the templates found as before, the exit code passed on', async () => {
    const valid = await run(process.execPath, ['bin/rekindle.js', 'validate']);
    expect(valid.stdout).toMatch(
      /^config\/rekindle\.yaml: valid \(\d+ sequences, \d+ compiled templates\)$/m,
    );

    const missing = await run(process.execPath, [
      'bin/rekindle.js',
      'validate',
      '--templates',
      'no/such/templates',
    ]).then(
      () => ({ code: 0, stderr: '' }),
      (error: { code: number; stderr: string }) => error,
    );
    expect(missing.code).toBe(1);
    expect(missing.stderr).toContain('no/such/templates');
    expect(missing.stderr).not.toMatch(/\n\s+at /);
  });
});
