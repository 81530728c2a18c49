import { z } from 'zod';

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

/**
 * A schedule name that is the same however often the step is planned (Scheduler rejects a
 * duplicate name, which is what makes re-planning harmless). Deferrals add `-d<attempt>`, an
 * operator's retry `-r<claim time>`. At most 64 characters.
 */
export function scheduleNameFor(
  enrolmentId: string,
  stepIndex: number,
  attempt = 0,
  retryOf?: number,
): string {
  const retry = retryOf === undefined ? '' : `-r${retryOf.toString(36)}`;
  const base = `${enrolmentId}-s${stepIndex}${retry}${attempt > 0 ? `-d${attempt}` : ''}`.replace(
    /[^0-9a-zA-Z-_.]/g,
    '_',
  );
  if (base.length <= 64) return base;
  // Long ids keep a readable prefix and a stable hash of the whole.
  return `${base.slice(0, 47)}-${fnv1a(base)}`;
}

/** 32-bit FNV-1a as 8 hex characters: stable, short, not a security hash. */
export function fnv1a(text: string): string {
  let hash = 0x811c9dc5;
  for (let i = 0; i < text.length; i += 1) {
    hash ^= text.charCodeAt(i);
    hash = Math.imul(hash, 0x01000193);
  }
  return (hash >>> 0).toString(16).padStart(8, '0');
}
