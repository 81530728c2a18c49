/**
 * What may end a sequence (a config's `exitOn`), apart from the config schema that validates it, so
 * the functions that apply it (core/sequences/exits.ts) do not build the config's zod schemas.
 */
export const exitReasons = [
  'purchase',
  'reply',
  'unsubscribe',
  'complaint',
  'hard-bounce',
  'incident-opened',
  'incident-resolved',
] as const;
export type ExitReason = (typeof exitReasons)[number];

/** Unsubscribes, complaints and hard bounces always end a sequence, listed or not. */
export const mandatoryExits: readonly ExitReason[] = ['unsubscribe', 'complaint', 'hard-bounce'];
/** A sequence without `exitOn` ends on these. */
export const defaultExits: readonly ExitReason[] = ['purchase', 'reply', ...mandatoryExits];
