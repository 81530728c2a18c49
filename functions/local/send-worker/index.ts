import { Worker } from 'node:worker_threads';
import type { SQSBatchResponse, SQSEvent } from 'aws-lambda';
import type { StepMessage } from '../../core/domain/step-message.ts';
import type { SendStepOutcome } from '../../core/sending/send-step.ts';
import type { ClientTarget } from '../../handlers/wiring.ts';
import type { LocalLogLevel } from '../local-composition.ts';
import type { RequestCounter } from '../request-counter.ts';
import type { SendWorkerData, SendWorkerReply, SendWorkerRequest } from './protocol.ts';

/** The send worker could not start, or stopped while steps were in flight. */
export class SendWorkerError extends Error {
  override readonly name = 'SendWorkerError';
}

export interface SendWorker {
  /** Runs send-step on the batch in the worker, at `now` on the virtual clock. */
  invoke(event: SQSEvent, now: number): Promise<SQSBatchResponse>;
  stop(): Promise<void>;
}

export interface SendWorkerOptions {
  /** The serialized runtime bundle, as the send-step Lambda is baked with it. */
  readonly bundle: string;
  /** The runtime's emulators, for the worker's clients. */
  readonly target: ClientTarget;
  readonly logLevel?: LocalLogLevel;
  /** Where the worker's AWS requests are counted. */
  readonly requests: RequestCounter;
  readonly onOutcome?: (message: StepMessage, outcome: SendStepOutcome) => void;
}

/**
 * Starts send-step in a worker thread: at 20,000 customers the sends are half of what the demo's
 * handlers do, and in a thread of their own they run on the second core while this one runs the
 * Scheduler emulator, the segmenter and the recipients. The worker reaches the emulators named in
 * `target`, as the runtime's own clients do.
 */
export async function startSendWorker(options: SendWorkerOptions): Promise<SendWorker> {
  const data: SendWorkerData = {
    bundle: options.bundle,
    target: options.target,
    ...(options.logLevel === undefined ? {} : { logLevel: options.logLevel }),
  };
  const worker = new Worker(new URL('./entry.mjs', import.meta.url), { workerData: data });
  const pending = new Map<
    number,
    { resolve: (response: SQSBatchResponse) => void; reject: (error: Error) => void }
  >();
  let failure: SendWorkerError | undefined;
  let stopping = false;
  let nextId = 0;
  const failAll = (error: SendWorkerError) => {
    failure ??= error;
    for (const { reject } of pending.values()) reject(error);
    pending.clear();
  };
  const ready = new Promise<void>((resolve, reject) => {
    worker.on('message', (message: SendWorkerReply) => {
      if (message.kind === 'ready') return resolve();
      if (message.kind === 'start-failed') {
        const error = new SendWorkerError(`the send worker did not start: ${message.error}`);
        failAll(error);
        return reject(error);
      }
      options.requests.add(message.requests.counts, message.requests.millis);
      const call = pending.get(message.id);
      pending.delete(message.id);
      if (call === undefined) return;
      if (message.kind === 'failed') return call.reject(new Error(message.error));
      for (const [step, outcome] of message.outcomes) options.onOutcome?.(step, outcome);
      call.resolve({ batchItemFailures: message.batchItemFailures });
    });
    const died = (why: string) => {
      if (stopping) return;
      const error = new SendWorkerError(`the send worker stopped: ${why}`);
      failAll(error);
      reject(error);
    };
    worker.on('error', (error) => died(error.message));
    worker.on('exit', (code) => died(`exit code ${code}`));
  });
  try {
    await ready;
  } catch (error: unknown) {
    stopping = true;
    await worker.terminate();
    throw error;
  }
  return {
    invoke: (event, now) => {
      if (failure !== undefined) return Promise.reject(failure);
      nextId += 1;
      const request: SendWorkerRequest = { id: nextId, now, event };
      return new Promise((resolve, reject) => {
        pending.set(request.id, { resolve, reject });
        worker.postMessage(request);
      });
    },
    stop: async () => {
      stopping = true;
      failAll(new SendWorkerError('the send worker was stopped'));
      await worker.terminate();
    },
  };
}
