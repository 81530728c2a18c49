import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { pauseCommand, resumeCommand } from '../../functions/cli/commands/pause.ts';
import { reportCommand } from '../../functions/cli/commands/report.ts';
import { MemoryOutput } from '../../functions/cli/output.ts';
import type { SendStepOutcome } from '../../functions/core/sending/send-step.ts';
import { type LocalRuntime, localNames } from '../../functions/local/local-runtime.ts';
import { VirtualClock } from '../../functions/local/virtual-clock.ts';
import { enrolCustomer, firstStepMessage, startTestRuntime } from '../support/local-stack.ts';

// Monday 09:00 in London: inside the send window, so only a pause can hold a step back.
const start = Date.parse('2026-11-23T09:00:00Z');
let runtime: LocalRuntime;
const outcomes: SendStepOutcome[] = [];

beforeAll(async () => {
  runtime = await startTestRuntime({
    clock: new VirtualClock(start),
    // rekindle pause, resume and report run in this process against this stack.
    exportEnvironment: true,
    onSendOutcome: (_message, outcome) => outcomes.push(outcome),
  });
});

afterAll(async () => {
  await runtime?.stop();
});

const enrol = (customerId: string) =>
  enrolCustomer(
    runtime,
    { customerId, email: `${customerId}@example.com`, firstName: 'Kim', locale: 'en', consent: 'granted' },
    start,
  );

const run = async (command: typeof pauseCommand, args: string[]) => {
  const out = new MemoryOutput();
  const code = await command.run([...args, '--table', localNames.tableName], out);
  return { code, text: out.lines.join('\n') };
};

describe('the kill switch', () => {
  it('stops every send at the next step, shows first in the report, and lets the held steps go after resume', async () => {
    const enrolmentId = await enrol('kill-1');
    const before = (await runtime.ses.outbox()).length;

    const paused = await run(pauseCommand, ['--all', '--reason', 'wrong coupon in the apology']);
    expect(paused).toEqual({
      code: 0,
      text: 'paused every sequence: no email goes out until "rekindle resume --all"; steps due meanwhile wait, and go within an hour of it',
    });
    await runtime.sendQueue.deliver(firstStepMessage('kill-1', enrolmentId, start));
    expect(outcomes.at(-1)).toMatchObject({ kind: 'deferred', reason: 'sequence-paused' });
    expect(await runtime.ses.outbox()).toHaveLength(before);

    const report = new MemoryOutput();
    await reportCommand.run(['--table', localNames.tableName], report);
    const lines = report.lines.join('\n').split('\n');
    expect(lines[4]).toMatch(
      /^PAUSED: every sequence \(the kill switch\) since 20\d\d-\d\d-\d\d \d\d:\d\d UTC: wrong coupon in the apology\. No email goes out; steps due wait\. Resume with: rekindle resume --all$/,
    );

    expect(await run(pauseCommand, ['--all'])).toMatchObject({
      text: expect.stringContaining('was already paused since'),
    });
    expect(await run(resumeCommand, ['--all'])).toEqual({
      code: 0,
      text: 'resumed every sequence: the steps it held go within an hour',
    });
    // The step the pause held comes back an hour later and goes, once.
    await runtime.scheduler.runUntil(start + 2 * 3_600_000);
    expect(
      (await runtime.ses.outbox()).filter((email) => email.destination.to.includes('kill-1@example.com')),
    ).toHaveLength(1);
    expect(await run(resumeCommand, ['--all'])).toMatchObject({ text: 'every sequence was not paused' });
  });

  it('pauses one sequence by id, and refuses what is not a sequence id or names both scopes', async () => {
    expect(await run(pauseCommand, ['--sequence', 'gentle-winback'])).toMatchObject({
      text: expect.stringContaining('paused sequence gentle-winback'),
    });
    expect(await run(resumeCommand, ['--sequence', 'gentle-winback'])).toMatchObject({
      text: 'resumed sequence gentle-winback: the steps it held go within a day',
    });
    await expect(run(pauseCommand, ['--sequence', 'Gentle Winback'])).rejects.toThrow(/not a sequence id/);
    await expect(run(pauseCommand, ['--all', '--sequence', 'x'])).rejects.toThrow(/not both/);
    await expect(run(resumeCommand, [])).rejects.toThrow(/give --all or --sequence ID/);
  });
});
