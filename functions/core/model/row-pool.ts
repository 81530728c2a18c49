import { Worker } from 'node:worker_threads';
import { KERNEL_OUT, ROW_KERNELS, type RowColumns } from './row-kernel.ts';

/** Parameters a kernel reads (see each kernel's layout). */
export const PARAM_SLOTS = 16;

/** How long the main thread waits for a worker that has not started before doing its share itself. */
const START_TIMEOUT_MS = 20_000;

// Control words: generation (bumped to start a job), finished shares, the job's kernel (−1 ends the
// worker), workers started, workers failed.
const GENERATION = 0;
const DONE = 1;
const KERNEL = 2;
const STARTED = 3;
const FAILED = 4;

/**
 * The worker's whole program, as plain JavaScript: the kernels' own source (their text is what tsx,
 * vitest or a bundler made of them) and a loop that waits on the control words. `__name` is the helper
 * tsx's keep-names transform calls; the worker has no tsx, so it is defined here as a no-op.
 */
function workerSource(): string {
  return `'use strict';
var __name = (fn) => fn;
const { workerData } = require('node:worker_threads');
const kernels = [${ROW_KERNELS.map((kernel) => `(${kernel.toString()})`).join(',\n')}];
const { rows, tables, params, out, control, from, to, slot } = workerData;
const share = out.subarray(slot * ${KERNEL_OUT}, (slot + 1) * ${KERNEL_OUT});
Atomics.add(control, ${STARTED}, 1);
Atomics.notify(control, ${DONE});
let seen = 0;
for (;;) {
  Atomics.wait(control, ${GENERATION}, seen);
  seen = Atomics.load(control, ${GENERATION});
  const kernel = Atomics.load(control, ${KERNEL});
  if (kernel < 0) break;
  share.fill(0);
  try {
    kernels[kernel](rows, tables, params, from, to, share);
  } catch {
    Atomics.add(control, ${FAILED}, 1);
  }
  Atomics.add(control, ${DONE}, 1);
  Atomics.notify(control, ${DONE});
}
`;
}

function shared(values: Float64Array): Float64Array {
  if (values.buffer instanceof SharedArrayBuffer) return values;
  const copy = new Float64Array(new SharedArrayBuffer(values.byteLength));
  copy.set(values);
  return copy;
}

function sharedInt(values: Int32Array): Int32Array {
  if (values.buffer instanceof SharedArrayBuffer) return values;
  const copy = new Int32Array(new SharedArrayBuffer(values.byteLength));
  copy.set(values);
  return copy;
}

/** A worker's failure surfaced on the main thread. */
export class RowPoolError extends Error {
  override readonly name = 'RowPoolError';
}

/**
 * Evaluates a row kernel over all rows, split into equal shares: the main thread computes the first
 * and each worker thread one of the others, in step through Atomics on shared memory, so a fit stays
 * synchronous. Workers get the columns as SharedArrayBuffers (copied once if they are not). One pool
 * per fit; `close()` ends its workers (call it in `finally`). With `threads` = 1 there is no worker.
 */
export class RowPool {
  readonly rows: RowColumns;
  /** Per-level tables the kernel reads: written by the caller before each `run`. */
  readonly tables: Float64Array;
  readonly params: Float64Array;
  readonly #out: Float64Array;
  readonly #control: Int32Array;
  readonly #workers: Worker[] = [];
  readonly #bounds: number[];
  readonly #size: number;
  #generation = 0;
  #closed = false;

  constructor(rows: RowColumns, tableSize: number, threads: number) {
    const n = rows.x.length;
    const shares = Math.max(1, Math.min(Math.floor(threads), Math.floor(n / 1000) || 1));
    this.#size = n;
    this.#bounds = Array.from({ length: shares + 1 }, (_, k) => Math.round((k * n) / shares));
    const parallel = shares > 1;
    this.rows = parallel
      ? {
          x: shared(rows.x),
          tx: shared(rows.tx),
          T: shared(rows.T),
          w: rows.w === null ? null : shared(rows.w),
          xi: sharedInt(rows.xi),
        }
      : rows;
    const memory = (length: number) =>
      parallel ? new Float64Array(new SharedArrayBuffer(length * 8)) : new Float64Array(length);
    this.tables = memory(Math.max(1, tableSize));
    this.params = memory(PARAM_SLOTS);
    this.#out = memory(KERNEL_OUT * shares);
    this.#control = new Int32Array(parallel ? new SharedArrayBuffer(5 * 4) : new ArrayBuffer(5 * 4));
    if (!parallel) return;
    const source = workerSource();
    for (let slot = 1; slot < shares; slot += 1) {
      const worker = new Worker(source, {
        eval: true,
        // Plain JavaScript: the parent's loaders (tsx) would only slow the start.
        execArgv: [],
        workerData: {
          rows: this.rows,
          tables: this.tables,
          params: this.params,
          out: this.#out,
          control: this.#control,
          from: this.#bounds[slot] ?? 0,
          to: this.#bounds[slot + 1] ?? 0,
          slot,
        },
      });
      // A worker that fails to start is covered by the start timeout in `run`, not by a crash.
      worker.on('error', () => undefined);
      worker.unref();
      this.#workers.push(worker);
    }
  }

  /** Threads the rows are split over (the main thread included). */
  get threads(): number {
    return this.#workers.length + 1;
  }

  /** Runs kernel `kernel` over every row with the current params and tables; the summed outputs. */
  run(kernel: number): Float64Array {
    const compute = ROW_KERNELS[kernel];
    if (compute === undefined) throw new RangeError(`no row kernel ${kernel}`);
    if (this.#closed) throw new RowPoolError('the row pool is closed');
    const total = new Float64Array(KERNEL_OUT);
    if (this.#workers.length === 0) {
      compute(this.rows, this.tables, this.params, 0, this.#size, total);
      return total;
    }
    const control = this.#control;
    Atomics.store(control, DONE, 0);
    Atomics.store(control, KERNEL, kernel);
    this.#generation += 1;
    Atomics.store(control, GENERATION, this.#generation);
    Atomics.notify(control, GENERATION);
    const own = new Float64Array(KERNEL_OUT);
    compute(this.rows, this.tables, this.params, 0, this.#bounds[1] ?? 0, own);
    let done = Atomics.load(control, DONE);
    while (done < this.#workers.length) {
      const outcome = Atomics.wait(control, DONE, done, START_TIMEOUT_MS);
      if (outcome === 'timed-out' && Atomics.load(control, STARTED) < this.#workers.length) {
        // A worker that cannot start (no threads left?): the main thread does all the work from now on.
        this.#stopWorkers();
        compute(this.rows, this.tables, this.params, 0, this.#size, total);
        return total;
      }
      done = Atomics.load(control, DONE);
    }
    if (Atomics.load(control, FAILED) > 0)
      throw new RowPoolError('a worker thread failed to evaluate its rows');
    for (let j = 0; j < KERNEL_OUT; j += 1) total[j] = own[j] ?? 0;
    for (let slot = 1; slot < this.threads; slot += 1)
      for (let j = 0; j < KERNEL_OUT; j += 1)
        total[j] = (total[j] ?? 0) + (this.#out[slot * KERNEL_OUT + j] ?? 0);
    return total;
  }

  /** Ends the workers. */
  close(): void {
    if (this.#closed) return;
    this.#closed = true;
    this.#stopWorkers();
  }

  #stopWorkers(): void {
    if (this.#workers.length === 0) return;
    Atomics.store(this.#control, KERNEL, -1);
    this.#generation += 1;
    Atomics.store(this.#control, GENERATION, this.#generation);
    Atomics.notify(this.#control, GENERATION);
    for (const worker of this.#workers.splice(0)) void worker.terminate();
  }
}
