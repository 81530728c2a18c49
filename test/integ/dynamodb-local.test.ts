import { spawn } from 'node:child_process';
import { networkInterfaces } from 'node:os';
import { describe, expect, it } from 'vitest';
import { startDynamoDbLocal } from '../../functions/local/dynamodb-local.ts';

const answers = async (endpoint: string) =>
  fetch(endpoint, { method: 'POST', signal: AbortSignal.timeout(2_000) }).then(
    () => true,
    () => false,
  );

/** Polls until `check` holds, up to a bound that only a broken behaviour reaches. */
async function eventually(check: () => Promise<boolean>, boundMs = 60_000): Promise<boolean> {
  const deadline = Date.now() + boundMs;
  while (Date.now() < deadline) {
    if (await check()) return true;
    await new Promise((resolve) => setTimeout(resolve, 250));
  }
  return false;
}

describe('DynamoDB Local as the local runtime starts it', () => {
  it('listens on 127.0.0.1 only, not on the machine’s other addresses', async () => {
    const database = await startDynamoDbLocal();
    try {
      expect(await answers(database.endpoint)).toBe(true);
      const port = new URL(database.endpoint).port;
      const others = Object.values(networkInterfaces())
        .flat()
        .filter((address) => address !== undefined && address.family === 'IPv4' && !address.internal)
        .map((address) => address?.address);
      // A machine with no other address has nothing more to check.
      for (const address of others) expect(await answers(`http://${address}:${port}`)).toBe(false);
    } finally {
      await database.stop();
    }
  });

  it('dies with the process that started it, even one killed with SIGKILL', async () => {
    const script = [
      "import { startDynamoDbLocal } from './functions/local/dynamodb-local.ts';",
      'const database = await startDynamoDbLocal();',
      'console.log(database.endpoint);',
      'setInterval(() => {}, 1000);',
    ].join('\n');
    const parent = spawn(process.execPath, ['--import', 'tsx', '--input-type=module', '-e', script], {
      stdio: ['ignore', 'pipe', 'inherit'],
    });
    try {
      const endpoint = await new Promise<string>((resolve, reject) => {
        parent.stdout.on('data', (chunk: Buffer) => resolve(chunk.toString().trim()));
        parent.once('exit', (code) => reject(new Error(`the parent exited first (${code})`)));
      });
      expect(await answers(endpoint)).toBe(true);
      parent.kill('SIGKILL');
      expect(await eventually(async () => !(await answers(endpoint)))).toBe(true);
    } finally {
      parent.kill('SIGKILL');
    }
  });
});
