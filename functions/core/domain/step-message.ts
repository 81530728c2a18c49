import { hash } from 'node:crypto';
import * as z from 'zod';

/**
 * The payload of every scheduled step: what the Scheduler puts on the send queue and the sender
 * reads back. Declared once here; the schedule's Input is this, serialised.
 */
export const StepMessageSchema = z.strictObject({
  version: z.literal(1),
  customerId: z.string().min(1),
  enrolmentId: z.string().min(1),
  sequenceId: z.string().min(1),
  segmentId: z.string().min(1),
  stepIndex: z.number().int().nonnegative(),
  /** When the step was meant to go, epoch ms; deferrals keep the original. */
  dueAt: z.number().int(),
  /** How often this step was deferred so far (window, cap, gap…); names the next deferral's schedule. */
  attempt: z.number().int().nonnegative().optional(),
  /** Set when an operator re-planned the step (`rekindle sends retry`): the released claim's time. */
  retryOf: z.number().int().optional(),
});
export type StepMessage = z.infer<typeof StepMessageSchema>;

/** Scheduler's limit on a schedule name (and its allowed characters: `[0-9a-zA-Z-_.]`). */
export const MAX_SCHEDULE_NAME = 64;

/**
 * A schedule name that is the same however often the step is planned (Scheduler rejects a
 * duplicate name, which is what makes re-planning harmless). Deferrals add `-d<attempt>`, an
 * operator's retry `-r<claim time>`. At most 64 characters: a longer name keeps a readable prefix
 * and ends in `idHash` of the whole, so two different steps never share a name (see `idHash`).
 */
export function scheduleNameFor(
  enrolmentId: string,
  stepIndex: number,
  attempt = 0,
  retryOf?: number,
): string {
  const retry = retryOf === undefined ? '' : `-r${retryOf.toString(36)}`;
  const plain = `${enrolmentId}-s${stepIndex}${retry}${attempt > 0 ? `-d${attempt}` : ''}`;
  const base = plain.replace(/[^0-9a-zA-Z-_.]/g, '_');
  // A name that had to be shortened or had characters replaced could match another step's: hash it.
  if (base === plain && base.length <= MAX_SCHEDULE_NAME) return base;
  const hash = idHash(`${enrolmentId}\u0000${stepIndex}\u0000${attempt}\u0000${retryOf ?? ''}`);
  return `${base.slice(0, MAX_SCHEDULE_NAME - hash.length - 1)}-${hash}`;
}

/**
 * The first 80 bits of SHA-256 of `text`, as 16 lower-case base32hex characters (`0-9a-v`, RFC
 * 4648 §7; valid in schedule names, DynamoDB keys and SES tags). Used where two different inputs
 * must never share an id.
 *
 * Collision arithmetic (birthday bound, p ≈ n² / 2^(bits+1)) for n ids in one namespace (a
 * sequence's enrolments of one day):
 * - 32 bits (the FNV-1a this replaced): n = 1e5 gives p ≈ 1.2 per day, i.e. about one lost customer a day.
 * - 64 bits: n = 1e6 gives p ≈ 2.7e-8 per day; n = 1e8 gives p ≈ 2.7e-4 per day (one in ten years).
 * - 80 bits (this): n = 1e6 gives p ≈ 4.1e-13 per day; n = 1e8 gives p ≈ 4.1e-9 per day.
 * A collision that happens anyway is not silent: the scheduler adapter reports a name held by
 * another enrolment's step as an error.
 */
export function idHash(text: string): string {
  const hex = hash('sha256', text, 'hex');
  let out = '';
  // 5 hex digits are 20 bits, 4 base32 digits.
  for (let at = 0; at < 20; at += 5)
    out += Number.parseInt(hex.slice(at, at + 5), 16)
      .toString(32)
      .padStart(4, '0');
  return out;
}
