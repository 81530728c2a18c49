import { expect, it } from 'vitest';
import type { SequencePauses } from '../../../functions/ports/sequence-pauses.ts';

const at = Date.parse('2026-11-24T06:00:00Z');

/** What every SequencePauses promises, for the in-memory fake (unit) and DynamoDB (integ) alike. */
export function sequencePausesContract(pauses: () => SequencePauses, unique: (name: string) => string): void {
  it('pauses once: the first pause stays until it is resumed, then may pause again', async () => {
    const sequenceId = unique('pause');
    expect(await pauses().sequencePause(sequenceId)).toBeUndefined();
    expect(await pauses().pauseSequence(sequenceId, 'complaint rate 1%', at)).toBe(true);
    expect(await pauses().pauseSequence(sequenceId, 'complaint rate 2%', at + 1_000)).toBe(false);
    expect(await pauses().sequencePause(sequenceId)).toEqual({ reason: 'complaint rate 1%', at });
    expect(await pauses().resumeSequence(sequenceId)).toBe(true);
    expect(await pauses().resumeSequence(sequenceId)).toBe(false);
    expect(await pauses().sequencePause(sequenceId)).toBeUndefined();
    expect(await pauses().pauseSequence(sequenceId, 'again', at + 2_000)).toBe(true);
  });

  it('resuming a sequence that was never paused changes nothing', async () => {
    const sequenceId = unique('never');
    expect(await pauses().resumeSequence(sequenceId)).toBe(false);
    expect(await pauses().sequencePause(sequenceId)).toBeUndefined();
  });
}
