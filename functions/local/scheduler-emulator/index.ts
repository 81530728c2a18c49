import { randomUUID } from 'node:crypto';
import type { Server } from 'node:http';
import { forEachConcurrently } from '../../core/concurrency.ts';
import type { Clock } from '../../ports/clock.ts';
import { VirtualClock } from '../virtual-clock.ts';
import { RunawayFiringError, VirtualClockRequiredError } from './errors.ts';
import { createSchedulerServer } from './server.ts';
import { type ScheduleRecord, ScheduleStore } from './store.ts';

export { RunawayFiringError, SchedulerApiError, VirtualClockRequiredError } from './errors.ts';

/** A message as handed to a local SQS target; the caller wraps it into an SQSEvent record. */
export interface LocalSqsMessage {
  readonly body: string;
  readonly messageId: string;
  readonly attributes: Record<string, string>;
}

/** Something in the local runtime a schedule's target ARN stands for. */
export type LocalTarget =
  | { readonly kind: 'lambda'; invoke(event: unknown): Promise<unknown> }
  | { readonly kind: 'sqs'; deliver(message: LocalSqsMessage): Promise<void> };

/** Maps a target (or dead-letter) ARN to its local stand-in; `undefined` when nothing local has that ARN. */
export type TargetResolver = (arn: string) => LocalTarget | undefined;

/** One invocation attempt, as kept in the firing log. */
export interface FiringRecord {
  readonly name: string;
  readonly groupName: string;
  readonly scheduleArn: string;
  readonly targetArn: string;
  /** The occurrence's nominal time (what the expression says). */
  readonly scheduledAt: number;
  /** When the occurrence fell due: the nominal time moved within the flexible window. */
  readonly dueAt: number;
  /** The clock when this attempt ran. */
  readonly firedAt: number;
  /** 1 for the first attempt, 2 for the first retry, and so on. */
  readonly attempt: number;
  /** `retrying`: this attempt failed and another is planned; `dead-lettered`: it failed for good. */
  readonly outcome: 'succeeded' | 'retrying' | 'dead-lettered';
  readonly error?: string;
}

/** An event that failed for good and could not be handed to a local dead-letter queue. */
export interface DeadLetter {
  readonly name: string;
  readonly groupName: string;
  readonly scheduleArn: string;
  readonly targetArn: string;
  /** The schedule's DeadLetterConfig ARN, when it had one. */
  readonly deadLetterArn: string | undefined;
  readonly body: string;
  readonly attributes: Record<string, string>;
  readonly at: number;
}

/** A schedule as the emulator sees it, for tests and the demo. */
export interface ScheduleView {
  readonly name: string;
  readonly groupName: string;
  readonly arn: string;
  readonly expression: string;
  readonly timeZone: string;
  readonly state: 'ENABLED' | 'DISABLED';
  /** The next occurrence's nominal time; `undefined` when the schedule has nothing left to run. */
  readonly nextScheduledAt: number | undefined;
  readonly nextDueAt: number | undefined;
  readonly completed: boolean;
  /** The target's `Input`: for a step schedule, the step message. */
  readonly input: string | undefined;
}

export interface SchedulerEmulatorOptions {
  readonly clock: Clock;
  readonly targets: TargetResolver;
  /** @default '127.0.0.1' */
  readonly host?: string;
  /** @default 0 (a free port) */
  readonly port?: number;
  /** @default 'us-east-1' */
  readonly region?: string;
  /** @default '000000000000' */
  readonly accountId?: string;
  /** Receives errors from the real-time loop, which has no caller to throw to. @default ignore */
  readonly onError?: (error: unknown) => void;
  /**
   * How `runUntil` fires queue targets that fall due close together. By default one at a time, in
   * due order. With `concurrency` above 1, what falls due within `windowMs` of the earliest due work
   * is delivered up to `concurrency` at once, each firing reading its own due time on the clock, as
   * Lambda consumes a queue with many invocations at once. Lambda targets still fire alone, in
   * order: nothing due after one runs before it. @default one at a time
   */
  readonly parallel?: ParallelFiring;
}

/** Queue deliveries due close together, run side by side (`SchedulerEmulatorOptions.parallel`). */
export interface ParallelFiring {
  readonly concurrency: number;
  readonly windowMs: number;
}

/** A running emulator: the HTTP endpoint for the SDK plus the controls that drive time and firing. */
export interface SchedulerEmulator {
  /** Base URL for `AWS_ENDPOINT_URL_SCHEDULER` or the client's `endpoint` option. */
  readonly endpoint: string;
  /** The earliest time anything (a schedule or a retry) is due; `undefined` when nothing is. */
  nextDueAt(): number | undefined;
  /** Fires everything due at `clock.now()`, including what firing makes due, by due time then name. */
  runDue(): Promise<FiringRecord[]>;
  /** VirtualClock only: jumps to the next due time and fires; `undefined` when nothing is due. */
  advanceToNextDue(): Promise<FiringRecord[] | undefined>;
  /**
   * VirtualClock only: fires each due time up to `epochMs` in turn (or each window of them, with
   * `parallel`), then leaves the clock at `epochMs`.
   */
  runUntil(epochMs: number): Promise<FiringRecord[]>;
  /** Polls every `pollMs` (default 1000) and fires what is due; for `rekindle dev` on the system clock. */
  startRealTime(pollMs?: number): void;
  readonly firings: readonly FiringRecord[];
  readonly deadLetters: readonly DeadLetter[];
  schedules(): ScheduleView[];
  /** Stops polling, waits for a firing under way, closes the server and every open connection. */
  stop(): Promise<void>;
}

interface Invocation {
  readonly record: ScheduleRecord;
  readonly scheduledAt: number;
  readonly dueAt: number;
  readonly executionId: string;
  readonly attempt: number;
  readonly runAt: number;
}

const DEFAULT_MAX_RETRIES = 185;
const DEFAULT_MAX_AGE_SECONDS = 86_400;
const MAX_BACKOFF_MS = 300_000;
const MAX_FIRINGS_PER_RUN = 10_000;

/** The earliest due work, not yet taken: a schedule's occurrence or a retry. */
type Candidate =
  | {
      readonly kind: 'occurrence';
      readonly record: ScheduleRecord;
      readonly scheduledAt: number;
      readonly dueAt: number;
    }
  | { readonly kind: 'retry'; readonly retry: Invocation };

/** Starts the emulator's HTTP server and returns its controls. */
export async function startSchedulerEmulator(options: SchedulerEmulatorOptions): Promise<SchedulerEmulator> {
  const emulator = new LocalScheduler(options);
  await emulator.listen(options.host ?? '127.0.0.1', options.port ?? 0);
  return emulator;
}

class LocalScheduler implements SchedulerEmulator {
  readonly #clock: Clock;
  readonly #targets: TargetResolver;
  readonly #onError: (error: unknown) => void;
  readonly #parallel: ParallelFiring | undefined;
  readonly #store: ScheduleStore;
  readonly #server: Server;
  readonly #firings: FiringRecord[] = [];
  readonly #deadLetters: DeadLetter[] = [];
  #retries: Invocation[] = [];
  #endpoint = '';
  // Runs of the firing loop are queued one after another; HTTP requests never wait on this.
  #queue: Promise<unknown> = Promise.resolve();
  #timer: NodeJS.Timeout | undefined;

  constructor(options: SchedulerEmulatorOptions) {
    this.#clock = options.clock;
    this.#targets = options.targets;
    this.#onError = options.onError ?? (() => undefined);
    this.#parallel = (options.parallel?.concurrency ?? 1) > 1 ? options.parallel : undefined;
    this.#store = new ScheduleStore(
      options.region ?? 'us-east-1',
      options.accountId ?? '000000000000',
      this.#clock.now(),
    );
    this.#server = createSchedulerServer({
      store: this.#store,
      now: () => this.#clock.now(),
    });
  }

  async listen(host: string, port: number): Promise<void> {
    await new Promise<void>((resolve, reject) => {
      this.#server.once('error', reject);
      this.#server.listen(port, host, () => {
        this.#server.off('error', reject);
        resolve();
      });
    });
    const address = this.#server.address();
    if (address === null || typeof address === 'string')
      throw new Error('The Scheduler emulator has no TCP address.');
    const { address: boundHost, port: boundPort } = address;
    this.#endpoint = `http://${boundHost.includes(':') ? `[${boundHost}]` : boundHost}:${boundPort}`;
  }

  get endpoint(): string {
    return this.#endpoint;
  }

  get firings(): readonly FiringRecord[] {
    return this.#firings;
  }

  get deadLetters(): readonly DeadLetter[] {
    return this.#deadLetters;
  }

  nextDueAt(): number | undefined {
    const times = [this.#store.nextDueAt(), ...this.#retries.map((retry) => retry.runAt)].filter(
      (time): time is number => time !== undefined,
    );
    return times.length === 0 ? undefined : Math.min(...times);
  }

  runDue(): Promise<FiringRecord[]> {
    return this.#enqueue(() => this.#runDueNow());
  }

  async advanceToNextDue(): Promise<FiringRecord[] | undefined> {
    const clock = this.#virtualClock('advanceToNextDue');
    const next = this.nextDueAt();
    if (next === undefined) return undefined;
    clock.advanceTo(next);
    return this.runDue();
  }

  async runUntil(epochMs: number): Promise<FiringRecord[]> {
    const clock = this.#virtualClock('runUntil');
    const fired: FiringRecord[] = [];
    let firedAtOneTime = 0;
    for (let next = this.nextDueAt(); next !== undefined && next <= epochMs; next = this.nextDueAt()) {
      firedAtOneTime = next === clock.now() ? firedAtOneTime : 0;
      clock.advanceTo(next);
      const parallel = this.#parallel;
      const until = Math.min(next + (parallel?.windowMs ?? 0), epochMs);
      const batch =
        parallel === undefined
          ? await this.runDue()
          : await this.#enqueue(() => this.#runWindowNow(clock, parallel, until));
      fired.push(...batch);
      // Defensive: a due time that fires nothing would otherwise spin here.
      if (batch.length === 0) break;
      firedAtOneTime += batch.length;
      if (firedAtOneTime > MAX_FIRINGS_PER_RUN) throw runaway();
    }
    clock.advanceTo(epochMs);
    return fired;
  }

  startRealTime(pollMs = 1000): void {
    if (this.#timer !== undefined) return;
    this.#timer = setInterval(() => {
      this.runDue().catch(this.#onError);
    }, pollMs);
  }

  schedules(): ScheduleView[] {
    return this.#store.allSchedules().map((record) => ({
      name: record.name,
      groupName: record.groupName,
      arn: record.arn,
      expression: record.body.ScheduleExpression,
      timeZone: record.timeZone,
      state: record.body.State ?? 'ENABLED',
      nextScheduledAt: record.next?.scheduledAt,
      nextDueAt: record.next?.dueAt,
      completed: record.next === undefined,
      input: record.body.Target?.Input,
    }));
  }

  async stop(): Promise<void> {
    if (this.#timer !== undefined) clearInterval(this.#timer);
    this.#timer = undefined;
    await this.#queue;
    if (!this.#server.listening) return;
    await new Promise<void>((resolve, reject) => {
      this.#server.close((error) => (error === undefined ? resolve() : reject(error)));
      this.#server.closeAllConnections();
    });
  }

  #virtualClock(operation: string): VirtualClock {
    if (this.#clock instanceof VirtualClock) return this.#clock;
    throw new VirtualClockRequiredError(
      `${operation} moves the clock, so the emulator must be started with a VirtualClock.`,
    );
  }

  /** Runs of the firing loop go one after another. */
  #enqueue(run: () => Promise<FiringRecord[]>): Promise<FiringRecord[]> {
    const queued = this.#queue.then(run);
    this.#queue = queued.catch(() => undefined);
    return queued;
  }

  async #runDueNow(): Promise<FiringRecord[]> {
    const fired: FiringRecord[] = [];
    for (let next = this.#peek(this.#clock.now()); next !== undefined; next = this.#peek(this.#clock.now())) {
      if (fired.length >= MAX_FIRINGS_PER_RUN) throw runaway();
      fired.push(await this.#attempt(this.#take(next)));
    }
    return fired;
  }

  /**
   * Takes the queue deliveries due by `until`, in due order and up to the first Lambda target, and
   * runs them `concurrency` at once, each at its own due time. A Lambda target due first fires alone.
   */
  async #runWindowNow(clock: VirtualClock, parallel: ParallelFiring, until: number): Promise<FiringRecord[]> {
    const batch: Invocation[] = [];
    for (let next = this.#peek(until); next !== undefined; next = this.#peek(until)) {
      const record = next.kind === 'retry' ? next.retry.record : next.record;
      const lambda = this.#targets(record.body.Target.Arn)?.kind !== 'sqs';
      if (lambda && batch.length > 0) break;
      batch.push(this.#take(next));
      if (lambda || batch.length >= MAX_FIRINGS_PER_RUN) break;
    }
    const fired: FiringRecord[] = [];
    await forEachConcurrently(batch, parallel.concurrency, async (invocation) => {
      fired.push(await clock.runAt(invocation.runAt, () => this.#attempt(invocation)));
    });
    return fired.sort((a, b) => a.firedAt - b.firedAt || compare(a.name, b.name) || a.attempt - b.attempt);
  }

  /** The earliest work due by `until` (a schedule's occurrence or a retry), without taking it. */
  #peek(until: number): Candidate | undefined {
    const record = this.#store.firstDue(until);
    let retry: Invocation | undefined;
    for (const candidate of this.#retries) {
      if (candidate.runAt > until) continue;
      if (
        retry === undefined ||
        candidate.runAt < retry.runAt ||
        (candidate.runAt === retry.runAt && compare(candidate.record.name, retry.record.name) < 0)
      )
        retry = candidate;
    }
    const occurrence = record?.next;
    if (record !== undefined && occurrence !== undefined) {
      const retryFirst =
        retry !== undefined &&
        (retry.runAt < occurrence.dueAt ||
          (retry.runAt === occurrence.dueAt && compare(retry.record.name, record.name) < 0));
      if (!retryFirst)
        return { kind: 'occurrence', record, scheduledAt: occurrence.scheduledAt, dueAt: occurrence.dueAt };
    }
    return retry === undefined ? undefined : { kind: 'retry', retry };
  }

  /** Takes what `#peek` found: a retry leaves the list; an occurrence moves its schedule past it. */
  #take(candidate: Candidate): Invocation {
    if (candidate.kind === 'retry') {
      this.#retries = this.#retries.filter((other) => other !== candidate.retry);
      return candidate.retry;
    }
    const { record, scheduledAt, dueAt } = candidate;
    // Planned past this occurrence before the target runs, so a handler sees a consistent schedule.
    this.#store.advance(record, scheduledAt);
    return { record, scheduledAt, dueAt, executionId: randomUUID(), attempt: 1, runAt: dueAt };
  }

  async #attempt(invocation: Invocation): Promise<FiringRecord> {
    const { record } = invocation;
    const target = record.body.Target;
    const firedAt = this.#clock.now();
    const base = {
      name: record.name,
      groupName: record.groupName,
      scheduleArn: record.arn,
      targetArn: target.Arn,
      scheduledAt: invocation.scheduledAt,
      dueAt: invocation.dueAt,
      firedAt,
      attempt: invocation.attempt,
    };
    const payload = withContext(target.Input ?? '{}', invocation);
    const local = this.#targets(target.Arn);
    let error: string;
    if (local === undefined) {
      error = `No local target has the ARN ${target.Arn}.`;
    } else {
      try {
        await deliver(local, payload, invocation, firedAt, target.SqsParameters?.MessageGroupId);
        this.#afterFirstAttempt(invocation);
        return this.#log({ ...base, outcome: 'succeeded' });
      } catch (thrown: unknown) {
        error = thrown instanceof Error ? thrown.message : String(thrown);
      }
    }
    this.#afterFirstAttempt(invocation);
    const retryAt = firedAt + Math.min(1000 * 2 ** (invocation.attempt - 1), MAX_BACKOFF_MS);
    const maxRetries = target.RetryPolicy?.MaximumRetryAttempts ?? DEFAULT_MAX_RETRIES;
    const maxAgeMs = (target.RetryPolicy?.MaximumEventAgeInSeconds ?? DEFAULT_MAX_AGE_SECONDS) * 1000;
    // An unknown target is not retried: the real service also dead-letters non-retryable errors at once.
    const retryable =
      local !== undefined && invocation.attempt - 1 < maxRetries && retryAt - invocation.dueAt <= maxAgeMs;
    if (retryable) {
      this.#retries.push({ ...invocation, attempt: invocation.attempt + 1, runAt: retryAt });
      return this.#log({ ...base, outcome: 'retrying', error });
    }
    await this.#deadLetter(invocation, payload, error, firedAt);
    return this.#log({ ...base, outcome: 'dead-lettered', error });
  }

  /** A completed schedule with ActionAfterCompletion DELETE goes once its last occurrence has run. */
  #afterFirstAttempt(invocation: Invocation): void {
    const { record } = invocation;
    if (invocation.attempt !== 1 || record.next !== undefined) return;
    if (record.body.ActionAfterCompletion === 'DELETE') this.#store.deleteIfUnchanged(record);
  }

  async #deadLetter(invocation: Invocation, body: string, error: string, at: number): Promise<void> {
    const { record } = invocation;
    const deadLetterArn = record.body.Target.DeadLetterConfig?.Arn;
    // The attributes the real service puts on a dead-lettered message.
    const attributes: Record<string, string> = {
      ERROR_CODE: 'TargetInvocationFailed',
      ERROR_MESSAGE: error,
      EXECUTION_ID: invocation.executionId,
      RETRY_ATTEMPTS: String(invocation.attempt - 1),
      SCHEDULE_ARN: record.arn,
      TARGET_ARN: record.body.Target.Arn,
    };
    const queue = deadLetterArn === undefined ? undefined : this.#targets(deadLetterArn);
    if (queue?.kind === 'sqs') {
      try {
        await queue.deliver({
          body,
          messageId: randomUUID(),
          attributes: { ...sqsAttributes(at), ...attributes },
        });
        return;
      } catch (thrown: unknown) {
        attributes.DLQ_ERROR = thrown instanceof Error ? thrown.message : String(thrown);
      }
    }
    this.#deadLetters.push({
      name: record.name,
      groupName: record.groupName,
      scheduleArn: record.arn,
      targetArn: record.body.Target.Arn,
      deadLetterArn,
      body,
      attributes,
      at,
    });
  }

  #log(record: FiringRecord): FiringRecord {
    this.#firings.push(record);
    return record;
  }
}

async function deliver(
  target: LocalTarget,
  payload: string,
  invocation: Invocation,
  firedAt: number,
  messageGroupId: string | undefined,
): Promise<void> {
  if (target.kind === 'lambda') {
    await target.invoke(parseJsonOrString(payload));
    return;
  }
  const attributes = sqsAttributes(firedAt);
  attributes.ApproximateReceiveCount = '1';
  if (messageGroupId !== undefined) attributes.MessageGroupId = messageGroupId;
  await target.deliver({
    body: payload,
    messageId: `${invocation.executionId}-${invocation.attempt}`,
    attributes,
  });
}

function sqsAttributes(at: number): Record<string, string> {
  return {
    SentTimestamp: String(at),
    ApproximateFirstReceiveTimestamp: String(at),
    SenderId: 'scheduler.amazonaws.com',
  };
}

/** A Lambda target receives the Input as JSON when it is JSON, as the real service passes it. */
function parseJsonOrString(payload: string): unknown {
  try {
    const parsed: unknown = JSON.parse(payload);
    return parsed;
  } catch {
    return payload;
  }
}

/** Fills the context attributes the real service substitutes into a target's Input. */
function withContext(input: string, invocation: Invocation): string {
  const scheduledTime = new Date(invocation.scheduledAt).toISOString().replace(/\.\d{3}Z$/, 'Z');
  return input
    .replaceAll('<aws.scheduler.schedule-arn>', invocation.record.arn)
    .replaceAll('<aws.scheduler.scheduled-time>', scheduledTime)
    .replaceAll('<aws.scheduler.execution-id>', invocation.executionId)
    .replaceAll('<aws.scheduler.attempt-number>', String(invocation.attempt));
}

function runaway(): RunawayFiringError {
  return new RunawayFiringError(
    `More than ${MAX_FIRINGS_PER_RUN} firings at one instant; is a handler re-creating its own schedule?`,
  );
}

function compare(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}
