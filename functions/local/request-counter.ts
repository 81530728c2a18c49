import { AsyncLocalStorage } from 'node:async_hooks';
import type { MiddlewareStack } from '@smithy/types';
import type { AwsClients } from '../handlers/wiring.ts';

/** How many AWS API requests the handlers made, by service and operation: the input of the cost model. */
export class RequestCounter {
  readonly #counts = new Map<string, number>();
  readonly #millis = new Map<string, number>();
  // Set inside `uncounted` work, and in everything it awaits; concurrent work stays counted.
  readonly #uncounted = new AsyncLocalStorage<true>();

  /** Counts every request each client sends (retries included: they are billed too). */
  attach(clients: AwsClients): void {
    this.#attach('dynamodb', clients.dynamodb.middlewareStack);
    this.#attach('sesv2', clients.sesv2.middlewareStack);
    this.#attach('scheduler', clients.scheduler.middlewareStack);
    this.#attach('s3', clients.s3.middlewareStack);
  }

  #attach<I extends object, O extends object>(service: string, stack: MiddlewareStack<I, O>): void {
    stack.add(
      (next, context) => async (args) => {
        if (this.#uncounted.getStore() === true) return next(args);
        const key = `${service}:${(context.commandName ?? 'unknown').replace(/Command$/, '')}`;
        this.#counts.set(key, (this.#counts.get(key) ?? 0) + 1);
        const started = performance.now();
        try {
          return await next(args);
        } finally {
          this.#millis.set(key, (this.#millis.get(key) ?? 0) + performance.now() - started);
        }
      },
      { step: 'finalizeRequest', name: 'rekindleRequestCounter' },
    );
  }

  /** A copy of the counts, e.g. `{ 'dynamodb:Query': 412 }`. */
  snapshot(): Record<string, number> {
    return Object.fromEntries([...this.#counts.entries()].sort(([a], [b]) => a.localeCompare(b)));
  }

  /**
   * Runs `work` without counting its requests: the demo's own bookkeeping (the simulated recipients
   * looking up whom they got mail from, the closing summary) is not what Rekindle costs to run. Only
   * `work`'s own requests go uncounted: handlers running alongside it are still counted.
   */
  uncounted<T>(work: () => Promise<T>): Promise<T> {
    return this.#uncounted.run(true, work);
  }

  /** Wall time spent waiting on each operation, in ms (where a local run spends its time). */
  timings(): Record<string, number> {
    return Object.fromEntries([...this.#millis.entries()].sort(([, a], [, b]) => b - a));
  }

  /** Adds requests counted elsewhere: the send worker's, reported after each invocation. */
  add(counts: Readonly<Record<string, number>>, millis: Readonly<Record<string, number>>): void {
    for (const [key, count] of Object.entries(counts))
      this.#counts.set(key, (this.#counts.get(key) ?? 0) + count);
    for (const [key, ms] of Object.entries(millis)) this.#millis.set(key, (this.#millis.get(key) ?? 0) + ms);
  }

  reset(): void {
    this.#counts.clear();
    this.#millis.clear();
  }
}
