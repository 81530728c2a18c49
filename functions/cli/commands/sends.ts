import { parseArgs } from 'node:util';
import { DurationSchema } from '../../core/config/common.ts';
import {
  confirmStuckSend,
  listStuckSends,
  retryStuckSend,
  type StuckSendDeps,
} from '../../core/sending/stuck-sends.ts';
import { type Command, UsageError } from '../command.ts';

const usage = [
  'rekindle sends stuck [--older-than 15m] [--json]',
  '       rekindle sends retry <enrolmentId> <step>     (it did NOT go out: release the claim, plan the step again)',
  '       rekindle sends confirm <enrolmentId> <step> [--message-id ID]   (it DID go out: record it, plan the next)',
].join('\n');

/** Connects to the deployed (or local) table and Scheduler from the environment. */
async function connectFromEnvironment(configFile: string): Promise<StuckSendDeps> {
  const [
    { readEnvironment, SchedulingEnvironment },
    { tableStores },
    { stepScheduler },
    { dynamoDbClient },
    { schedulerClient },
  ] = await Promise.all([
    import('../../handlers/environment.ts'),
    import('../../handlers/composition/core.ts'),
    import('../../handlers/composition/scheduling.ts'),
    import('../../handlers/clients/dynamodb.ts'),
    import('../../handlers/clients/scheduler.ts'),
  ]);
  const { buildRuntimeBundle } = await import('../../build/runtime-bundle.ts');
  const names = readEnvironment(SchedulingEnvironment, process.env);
  // The two clients this command uses.
  const clients = { dynamodb: dynamoDbClient(), scheduler: schedulerClient() };
  const clock = { now: () => Date.now() };
  const { config } = await buildRuntimeBundle({ configFile, templatesDir: 'templates' });
  return {
    store: tableStores(clients, names.tableName).customers,
    scheduler: stepScheduler({ clients, names, clock }),
    clock,
    config,
  };
}

function stepNumber(value: string | undefined): number {
  const step = Number(value);
  if (value === undefined || !Number.isInteger(step) || step < 0)
    throw new UsageError(`<step> must be a step index (0 for the first), got "${value ?? ''}"`);
  return step;
}

/**
 * `rekindle sends …`: the steps claimed but never confirmed (a crash between the claim and SES's
 * answer), and the operator's two ways out once they have checked SES's sending history.
 */
export function makeSendsCommand(
  connect: (configFile: string) => Promise<StuckSendDeps> = connectFromEnvironment,
): Command {
  return {
    name: 'sends',
    summary: 'list sends stuck between claim and confirmation; retry or confirm one',
    usage,
    async run(argv, out) {
      const [action, ...rest] = argv;
      const { values, positionals } = parseArgs({
        args: rest,
        options: {
          'older-than': { type: 'string' },
          'message-id': { type: 'string' },
          config: { type: 'string' },
          json: { type: 'boolean' },
        },
        allowPositionals: true,
        strict: true,
      });
      const configFile = values.config ?? 'config/rekindle.yaml';
      if (action === 'stuck') {
        const olderThan = DurationSchema.safeParse(values['older-than'] ?? '15m');
        if (!olderThan.success) throw new UsageError('--older-than expects a duration such as "15m" or "2h"');
        const deps = await connect(configFile);
        const stuck = await listStuckSends(deps.store, deps.clock.now() - olderThan.data);
        if (values.json) {
          out.json(stuck);
          return 0;
        }
        if (stuck.length === 0) {
          out.line('No stuck sends.');
          return 0;
        }
        out.line('claimed at (UTC)          customer       enrolment                          step');
        for (const record of stuck) {
          out.line(
            `${new Date(record.claimedAt).toISOString().padEnd(25)} ${record.customerId.padEnd(14)} ${record.enrolmentId.padEnd(34)} ${record.stepIndex} (${record.stepId})`,
          );
        }
        out.line('');
        out.line(
          `${stuck.length} stuck. Check SES sending history for each, then "rekindle sends retry" (not sent) or "rekindle sends confirm" (sent).`,
        );
        return 0;
      }
      if (action === 'retry' || action === 'confirm') {
        const [enrolmentId, step] = positionals;
        if (enrolmentId === undefined) throw new UsageError('<enrolmentId> is required');
        const stepIndex = stepNumber(step);
        const deps = await connect(configFile);
        const result =
          action === 'retry'
            ? await retryStuckSend(deps, enrolmentId, stepIndex)
            : await confirmStuckSend(deps, enrolmentId, stepIndex, values['message-id']);
        if (!result.ok) {
          out.error(`rekindle sends ${action}: ${result.reason}`);
          return 1;
        }
        out.line(
          action === 'retry'
            ? `Released the claim on ${enrolmentId} step ${stepIndex}; planned again as ${result.schedule} at ${new Date(result.at).toISOString()}.`
            : `Recorded ${enrolmentId} step ${stepIndex} as sent; the next step is planned by ${result.schedule}.`,
        );
        return 0;
      }
      throw new UsageError(`unknown action "${action ?? ''}"`);
    },
  };
}

export const sendsCommand: Command = makeSendsCommand();
