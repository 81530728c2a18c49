import type { SQSEvent } from 'aws-lambda';
import * as z from 'zod';
import type { StepMessage } from '../../core/domain/step-message.ts';
import type { SendStepOutcome } from '../../core/sending/send-step.ts';
import type { ClientTarget } from '../../handlers/wiring.ts';
import type { LocalLogLevel } from '../local-composition.ts';

/** What the send worker starts with (its `workerData`), checked as it starts. */
export const SendWorkerDataSchema = z.object({
  /** The runtime bundle as the send-step Lambda is baked with it. */
  bundle: z.string(),
  /** The runtime's own emulators; the worker's clients reach nothing else. */
  target: z.object({
    region: z.string(),
    endpoints: z.object({ dynamodb: z.string(), sesv2: z.string(), s3: z.string(), scheduler: z.string() }),
    credentials: z.object({ accessKeyId: z.string(), secretAccessKey: z.string() }),
  }),
  logLevel: z.enum(['DEBUG', 'INFO', 'WARN', 'ERROR', 'SILENT']).optional(),
}) satisfies z.ZodType<{ bundle: string; target: ClientTarget; logLevel?: LocalLogLevel }>;
export type SendWorkerData = z.infer<typeof SendWorkerDataSchema>;

// Replies and requests go between this project's two threads, a structured clone of what the
// other side built from these types: typed, not parsed again on every step.

/** One send-step invocation: the SQS batch, at the virtual time the Scheduler fired it. */
export interface SendWorkerRequest {
  readonly id: number;
  readonly now: number;
  readonly event: SQSEvent;
}

/** The requests an invocation made, by operation, for the runtime's RequestCounter. */
export interface CountedRequests {
  readonly counts: Record<string, number>;
  readonly millis: Record<string, number>;
}

export type SendWorkerReply =
  | { readonly kind: 'ready' }
  | { readonly kind: 'start-failed'; readonly error: string }
  | {
      readonly kind: 'done';
      readonly id: number;
      readonly batchItemFailures: { itemIdentifier: string }[];
      readonly outcomes: [StepMessage, SendStepOutcome][];
      readonly requests: CountedRequests;
    }
  | {
      readonly kind: 'failed';
      readonly id: number;
      readonly error: string;
      readonly requests: CountedRequests;
    };
