import { createHash } from 'node:crypto';
import type { MiddlewareStack } from '@smithy/types';
import { MailerError } from '../core/domain/mailer-error.ts';
import { fromTags } from '../core/domain/message-tags.ts';
import type { CustomerStore } from '../ports/customer-store.ts';
import type { EnrolmentStore } from '../ports/enrolment-store.ts';
import type { Mailer } from '../ports/mailer.ts';
import type { StepScheduler } from '../ports/step-scheduler.ts';

/** The faults `rekindle demo --chaos` injects, each counted when it fires. */
export const faultKinds = [
  'handler-crash-before',
  'handler-crash-after',
  'crash-before-claim',
  'crash-after-claim',
  'crash-after-send',
  'crash-before-record',
  'crash-before-next',
  'ses-throttled',
  'scheduler-redelivery',
  'ses-event-duplicate',
  'ses-event-late',
  'dynamodb-transient',
] as const;
export type FaultKind = (typeof faultKinds)[number];

/** An injected crash: the process died here. Handlers never catch it on purpose. */
export class ChaosCrash extends Error {
  override readonly name = 'ChaosCrash';
}

export interface ChaosOptions {
  readonly seed: number;
  /** The chance that a given fault fires at a given point for a given unit of work. @default 0.05 */
  readonly rate?: number;
  /** The chance that one DynamoDB request fails transiently (the SDK retries it). @default 0.002 */
  readonly dynamoRate?: number;
}

/**
 * Decides, deterministically from a seed, where faults strike. A fault is keyed by its kind and the
 * unit of work it hits (an event, a message, a send), fires with probability `rate`, and fires at
 * most once per key: the retry that follows succeeds, as it would after a real crash. `enabled`
 * turns everything off, for the final invariant checks.
 */
export class Chaos {
  enabled = true;
  readonly injected: Record<FaultKind, number>;
  readonly #seed: number;
  readonly #rate: number;
  readonly #dynamoRate: number;
  readonly #fired = new Set<string>();
  #dynamoRequests = 0;

  constructor(options: ChaosOptions) {
    this.#seed = options.seed;
    this.#rate = options.rate ?? 0.05;
    this.#dynamoRate = options.dynamoRate ?? 0.002;
    this.injected = Object.fromEntries(faultKinds.map((kind) => [kind, 0])) as Record<FaultKind, number>;
  }

  /** A uniform number in [0, 1) for these parts and this seed. */
  uniform(...parts: readonly string[]): number {
    return (
      createHash('sha256')
        .update([String(this.#seed), ...parts].join('\u0000'))
        .digest()
        .readUInt32BE(0) / 4_294_967_296
    );
  }

  /** True (and counted) the first time this fault is drawn for this key; false on every later try. */
  fires(kind: FaultKind, key: string, rate = this.#rate): boolean {
    if (!this.enabled) return false;
    const id = `${kind}\u0000${key}`;
    if (this.#fired.has(id) || this.uniform(kind, key) >= rate) return false;
    this.#fired.add(id);
    this.injected[kind] += 1;
    return true;
  }

  /** Throws a ChaosCrash if the fault fires. */
  crash(kind: FaultKind, key: string): void {
    if (this.fires(kind, key)) throw new ChaosCrash(`${kind} (${key.slice(0, 60)})`);
  }

  /**
   * A handler as its event source runs it: the invocation may die before or after the handler's
   * work, and the source delivers again up to `attempts` times (S3 and SES invoke asynchronously
   * with two retries, EventBridge retries for a day, SQS redelivers until its redrive limit). The
   * last failure is thrown.
   */
  invocation<E, R>(
    name: string,
    handler: (event: E) => Promise<R>,
    attempts: number,
  ): (event: E) => Promise<R> {
    return async (event: E) => {
      const key = `${name}\u0000${createHash('sha256').update(invocationIdentity(event)).digest('hex')}`;
      let lastError: unknown;
      for (let attempt = 1; attempt <= attempts; attempt += 1) {
        try {
          this.crash('handler-crash-before', key);
          const result = await handler(event);
          this.crash('handler-crash-after', key);
          return result;
        } catch (error: unknown) {
          lastError = error;
        }
      }
      throw lastError;
    };
  }

  /** The sender's store, crashing around the claim and the record of the send. */
  wrapStore(store: CustomerStore): CustomerStore {
    const chaos = this;
    return new Proxy(store, {
      get(target, property) {
        if (property === 'claimSend') {
          return async (record: Parameters<CustomerStore['claimSend']>[0]) => {
            const key = `${record.enrolmentId}#${record.stepIndex}`;
            if (record.state === 'claimed') chaos.crash('crash-before-claim', key);
            const result = await target.claimSend(record);
            if (record.state === 'claimed' && result.ok) chaos.crash('crash-after-claim', key);
            return result;
          };
        }
        if (property === 'confirmSend') {
          return async (...args: Parameters<CustomerStore['confirmSend']>) => {
            chaos.crash('crash-before-record', `${args[0].enrolmentId}#${args[0].stepIndex}`);
            return target.confirmSend(...args);
          };
        }
        const value: unknown = Reflect.get(target, property, target);
        return typeof value === 'function' ? value.bind(target) : value;
      },
    });
  }

  /** The sender's enrolment store, crashing before it completes an enrolment (the last step's "next"). */
  wrapEnrolments(enrolments: EnrolmentStore): EnrolmentStore {
    return {
      createAssignment: (assignment) => enrolments.createAssignment(assignment),
      createAssignments: (assignments) => enrolments.createAssignments(assignments),
      endEnrolment: async (customerId, enrolmentId, end) => {
        if (end.state === 'completed') this.crash('crash-before-next', `${enrolmentId}#${end.stepIndex}`);
        return enrolments.endEnrolment(customerId, enrolmentId, end);
      },
      endActiveEnrolments: (...args) => enrolments.endActiveEnrolments(...args),
    };
  }

  /** The sender's scheduler, crashing before the next step is scheduled. */
  wrapScheduler(scheduler: StepScheduler): StepScheduler {
    return {
      scheduleStep: async (name, message, options) => {
        const previous = message.stepIndex - 1;
        if (message.attempt === undefined && message.retryOf === undefined && previous >= 0)
          this.crash('crash-before-next', `${message.enrolmentId}#${previous}`);
        return scheduler.scheduleStep(name, message, options);
      },
    };
  }

  /** The mailer, throttled by SES now and then, or dying after SES accepted the email. */
  wrapMailer(mailer: Mailer): Mailer {
    return {
      send: async (email) => {
        const send = fromTags(email.tags);
        const key = `${send.enrolmentId ?? ''}#${send.stepIndex ?? ''}`;
        if (this.fires('ses-throttled', key)) {
          throw new MailerError('SES TooManyRequestsException: maximum sending rate exceeded', 'throttled', {
            cause: { name: 'TooManyRequestsException' },
          });
        }
        const sent = await mailer.send(email);
        this.crash('crash-after-send', key);
        return sent;
      },
    };
  }

  /**
   * Fails a share of DynamoDB requests with a 500 before they reach the server, inside the SDK's
   * retry loop, as DynamoDB does under internal errors: the SDK retries them with back-off.
   */
  attachToDynamoDb<I extends object, O extends object>(stack: MiddlewareStack<I, O>): void {
    stack.add(
      (next) => async (args) => {
        this.#dynamoRequests += 1;
        if (this.fires('dynamodb-transient', String(this.#dynamoRequests), this.#dynamoRate)) {
          throw Object.assign(new Error('Internal server error (injected by the chaos demo)'), {
            name: 'InternalServerError',
            $fault: 'server',
            $metadata: { httpStatusCode: 500 },
          });
        }
        return next(args);
      },
      { step: 'finalizeRequest', priority: 'low', name: 'rekindleChaos' },
    );
  }
}

/**
 * What makes two invocations "the same" for a fault: an SQS batch is its messages (a redelivery
 * carries a new receipt handle and receive count, yet it is the same work, and the retry after a
 * crash succeeds); anything else is its whole payload.
 */
function invocationIdentity(event: unknown): string {
  if (typeof event === 'object' && event !== null && 'Records' in event && Array.isArray(event.Records)) {
    const ids = event.Records.map((record: unknown) =>
      typeof record === 'object' && record !== null && 'messageId' in record && 'receiptHandle' in record
        ? String(record.messageId)
        : undefined,
    );
    if (ids.length > 0 && ids.every((id) => id !== undefined)) return `sqs\u0000${ids.join('\u0000')}`;
  }
  return JSON.stringify(event);
}
