/** Why and since when a sequence is paused. */
export interface SequencePause {
  readonly reason: string;
  readonly at: number;
  /** The paused id: the sequence's own, or `allSequences` (core/domain/pauses.ts) for the kill switch. */
  readonly sequenceId?: string;
}

/**
 * Sequence pauses: a sequence whose complaints passed the limit stops sending until someone
 * resumes it. Implemented over DynamoDB.
 */
export interface SequencePauses {
  /** Pauses the sequence; false if it already was (the first pause stays). */
  pauseSequence(sequenceId: string, reason: string, at: number): Promise<boolean>;
  /** Lifts a pause once someone has looked into the complaints; true if there was one. */
  resumeSequence(sequenceId: string): Promise<boolean>;
  /** The pause of a sequence, if any. */
  sequencePause(sequenceId: string): Promise<SequencePause | undefined>;
}
