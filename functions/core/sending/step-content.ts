import type { RekindleConfig, Step } from '../config/schema.ts';
import type { StepContent } from '../config/sequences.ts';
import type { CustomerView } from '../domain/customer-view.ts';
import { matchedIncidentOf, updatesFor } from '../rendering/content-variables.ts';

/** What a due step sends: its template, its declared alternative, or nothing (skipped, with why). */
export type StepContentVerdict =
  | { readonly kind: 'send'; readonly template: string; readonly replacedBecause?: string }
  | { readonly kind: 'skip'; readonly reason: string };

const missingReasons: Record<StepContent, string> = {
  updates: 'no update relevant to this customer that they have not seen',
  incident: 'no incident matched by the segment on record',
};

/** The first content `step.requires` that this customer's email would lack, or undefined. */
export function missingContent(
  step: Pick<Step, 'requires'>,
  view: CustomerView,
  config: Pick<RekindleConfig, 'content'>,
  enrolmentId: string,
): StepContent | undefined {
  return step.requires?.find((content) =>
    content === 'updates'
      ? updatesFor(view, config, enrolmentId).length === 0
      : matchedIncidentOf(view, enrolmentId) === undefined,
  );
}

/**
 * Never empty-handed: a step whose email is about personal content this customer lacks is skipped,
 * or sends the alternative the marketer declared (`otherwise: { template }`). Pure.
 */
export function stepContent(
  step: Pick<Step, 'template' | 'requires' | 'otherwise'>,
  view: CustomerView,
  config: Pick<RekindleConfig, 'content'>,
  enrolmentId: string,
): StepContentVerdict {
  const missing = missingContent(step, view, config, enrolmentId);
  if (missing === undefined) return { kind: 'send', template: step.template };
  const reason = `requires ${missing}: ${missingReasons[missing]}`;
  const otherwise = step.otherwise ?? 'skip';
  return otherwise === 'skip'
    ? { kind: 'skip', reason }
    : { kind: 'send', template: otherwise.template, replacedBecause: reason };
}
