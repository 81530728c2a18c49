import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { RuntimeBundle } from '../../functions/build/runtime-bundle.ts';
import type { StepMessage } from '../../functions/core/domain/step-message.ts';
import type { SendStepOutcome } from '../../functions/core/sending/send-step.ts';
import { Chaos } from '../../functions/local/chaos.ts';
import { type LocalRuntime, startLocalRuntime } from '../../functions/local/local-runtime.ts';
import { RequestCounter } from '../../functions/local/request-counter.ts';
import { toCsv } from '../../functions/local/sample-data.ts';
import { SendWorkerError, startSendWorker } from '../../functions/local/send-worker/index.ts';
import { VirtualClock } from '../../functions/local/virtual-clock.ts';
import { projectBundle, startTestRuntime } from '../support/local-stack.ts';
import { customerColumns, lapsedCustomer, lapsedOrders, orderColumns } from './lapsed-customer.ts';

const start = Date.parse('2026-11-23T09:00:00Z');
let bundle: RuntimeBundle;
let runtime: LocalRuntime;
const outcomes: [StepMessage, SendStepOutcome][] = [];

beforeAll(async () => {
  bundle = await projectBundle();
  runtime = await startTestRuntime({
    clock: new VirtualClock(start),
    bundle,
    sendWorker: true,
    onSendOutcome: (message, outcome) => outcomes.push([message, outcome]),
  });
});

afterAll(async () => {
  await runtime?.stop();
});

describe('send-step in a worker thread (the demo runs its sends there)', () => {
  it('sends the step once, reports the outcome and counts the requests in the runtime', async () => {
    await runtime.dropImport('customers.csv', toCsv([lapsedCustomer], [...customerColumns]));
    await runtime.dropImport('orders.csv', toCsv(lapsedOrders(start), [...orderColumns]));
    expect(await runtime.handlers.segmentCustomers({})).toMatchObject({ enrolled: 1, scheduled: 1 });
    runtime.requests.reset();

    await runtime.scheduler.runUntil(start + 86_400_000);

    const emails = await runtime.ses.outbox();
    expect(emails.map((email) => email.subject)).toEqual(['Asha, it has been a while']);
    expect(outcomes).toEqual([
      [
        expect.objectContaining({ customerId: 'lapsed-1', stepIndex: 0 }),
        expect.objectContaining({ kind: 'sent', messageId: emails[0]?.messageId, nextStep: 1 }),
      ],
    ]);
    // The worker's own requests, added to the runtime's counter after each invocation.
    expect(runtime.requests.snapshot()).toMatchObject({
      'dynamodb:Query': 1,
      'dynamodb:PutItem': 1,
      'dynamodb:UpdateItem': 1,
      'sesv2:SendEmail': 1,
      'scheduler:CreateSchedule': 1,
    });
    // The worker's virtual clock read the firing's time: the send is recorded then, not at 1970.
    const view = await runtime.store.getCustomerView('lapsed-1');
    expect(view?.sends[0]?.sentAt).toBeGreaterThanOrEqual(start);
    expect(view?.sends[0]?.sentAt).toBeLessThanOrEqual(start + 86_400_000);
  });

  it('sends nothing more when the same step message comes again', async () => {
    const [message] = outcomes[0] ?? [];
    if (message === undefined) throw new Error('the first test sends a step');
    await runtime.sendQueue.deliver({ body: JSON.stringify(message) });
    await runtime.sendQueue.deliver({ body: JSON.stringify({ ...message, stepIndex: 'x' }) });
    expect(await runtime.ses.outbox()).toHaveLength(1);
    expect(outcomes.at(-1)?.[1]).toEqual({ kind: 'duplicate', state: 'sent' });
    // A malformed message fails in the worker like in Lambda: delivered again, then dead-lettered.
    expect(runtime.sendQueue.deadLetters).toEqual([
      { body: expect.stringContaining('"stepIndex":"x"'), reason: 'reported as a batch item failure' },
    ]);
  });
});

describe('the send worker refuses what it cannot do', () => {
  it('does not start beside chaos, which must wrap the sender in this thread', async () => {
    await expect(
      startLocalRuntime({
        clock: new VirtualClock(start),
        bundle,
        sendWorker: true,
        chaos: new Chaos({ seed: 1 }),
      }),
    ).rejects.toThrow(/chaos and the wrap hooks cannot reach it/);
  });

  it('reports a worker that fails to start, naming why', async () => {
    await expect(
      startSendWorker({
        bundle: '{"config":{}}',
        target: {
          region: 'eu-west-1',
          endpoints: {
            dynamodb: 'http://127.0.0.1:9',
            sesv2: 'http://127.0.0.1:9',
            s3: 'http://127.0.0.1:9',
            scheduler: 'http://127.0.0.1:9',
          },
          credentials: { accessKeyId: 'x', secretAccessKey: 'x' },
        },
        requests: new RequestCounter(),
      }),
    ).rejects.toThrow(SendWorkerError);
  });
});
