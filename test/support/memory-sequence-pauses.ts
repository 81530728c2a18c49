import type { SequencePause, SequencePauses } from '../../functions/ports/sequence-pauses.ts';

/** SequencePauses in memory: the first pause stays until resumed. */
export class MemorySequencePauses implements SequencePauses {
  readonly paused = new Map<string, SequencePause>();

  async pauseSequence(sequenceId: string, reason: string, at: number): Promise<boolean> {
    if (this.paused.has(sequenceId)) return false;
    this.paused.set(sequenceId, { reason, at });
    return true;
  }

  async resumeSequence(sequenceId: string): Promise<boolean> {
    return this.paused.delete(sequenceId);
  }

  async sequencePause(sequenceId: string): Promise<SequencePause | undefined> {
    return this.paused.get(sequenceId);
  }
}
