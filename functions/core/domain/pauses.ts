/**
 * The kill switch: a pause of every sequence at once, stored as the pause of this id, which no
 * sequence can have (sequence ids are letters, digits and dashes). The sender reads it together with
 * the sequence's own pause, in the same request.
 */
export const allSequences = '*';

/** The report's scope for SES pausing sending for the whole account; a colon is in no sequence id. */
export const sesAccountScope = 'ses:account';

/** How long a step held by a pause waits before it looks again: the kill switch is lifted in minutes, a complaint pause after a person has looked into it. */
export const pauseRecheckMs = (sequenceId: string) => (sequenceId === allSequences ? 3_600_000 : 86_400_000);
