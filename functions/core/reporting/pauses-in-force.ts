import type { SequencePauses } from '../../ports/sequence-pauses.ts';
import type { RekindleConfig } from '../config/schema.ts';
import { allSequences } from '../domain/pauses.ts';
import type { PauseInForce } from './build-report.ts';

/** The kill switch and each configured sequence's pause, those in force, for the report. */
export async function pausesInForce(
  pauses: SequencePauses,
  config: Pick<RekindleConfig, 'sequences'>,
): Promise<PauseInForce[]> {
  const scopes = [allSequences, ...config.sequences.map((sequence) => sequence.id)];
  const found = await Promise.all(
    scopes.map(async (scope) => {
      const pause = await pauses.sequencePause(scope);
      return pause === undefined ? [] : [{ scope, reason: pause.reason, at: pause.at }];
    }),
  );
  return found.flat();
}
