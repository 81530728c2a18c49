import { AsyncLocalStorage } from 'node:async_hooks';
import { parentPort, workerData } from 'node:worker_threads';
import type { StepMessage } from '../../core/domain/step-message.ts';
import type { SendStepOutcome } from '../../core/sending/send-step.ts';
import { sendStepDeps } from '../../handlers/composition.ts';
import { loadRuntimeBundle } from '../../handlers/runtime-bundle.ts';
import { makeHandler } from '../../handlers/send-step.ts';
import { createClients } from '../../handlers/wiring.ts';
import { localComposition } from '../local-composition.ts';
import { RequestCounter } from '../request-counter.ts';
import { VirtualClock } from '../virtual-clock.ts';
import {
  type CountedRequests,
  SendWorkerDataSchema,
  type SendWorkerReply,
  type SendWorkerRequest,
} from './protocol.ts';

// The send-step handler in a thread of its own, as Lambda runs each function in a process of its
// own. It reaches the runtime's emulators through the endpoints the runtime gives it.
const port = parentPort;
if (port === null) throw new Error('send-worker.ts runs as a worker thread only');
const reply = (message: SendWorkerReply) => port.postMessage(message);

try {
  const data = SendWorkerDataSchema.parse(workerData);
  const clients = createClients(data.target);
  const requests = new RequestCounter();
  requests.attach(clients);
  const counted = (): CountedRequests => {
    const counts = requests.snapshot();
    const millis = requests.timings();
    requests.reset();
    return { counts, millis };
  };
  const clock = new VirtualClock(0);
  // Several invocations run at once: each collects its own outcomes.
  const outcomesOf = new AsyncLocalStorage<[StepMessage, SendStepOutcome][]>();
  const handler = makeHandler({
    ...sendStepDeps(
      localComposition({
        clients,
        clock,
        bundle: loadRuntimeBundle(data.bundle),
        ...(data.logLevel === undefined ? {} : { logLevel: data.logLevel }),
      }),
    ),
    onOutcome: (message, outcome) => outcomesOf.getStore()?.push([message, outcome]),
  });
  port.on('message', async ({ id, now, event }: SendWorkerRequest) => {
    const outcomes: [StepMessage, SendStepOutcome][] = [];
    try {
      const response = await clock.runAt(now, () => outcomesOf.run(outcomes, () => handler(event)));
      reply({
        kind: 'done',
        id,
        batchItemFailures: response.batchItemFailures,
        outcomes,
        requests: counted(),
      });
    } catch (error: unknown) {
      reply({
        kind: 'failed',
        id,
        error: error instanceof Error ? error.message : String(error),
        requests: counted(),
      });
    }
  });
  reply({ kind: 'ready' });
} catch (error: unknown) {
  reply({
    kind: 'start-failed',
    error: error instanceof Error ? (error.stack ?? error.message) : String(error),
  });
}
