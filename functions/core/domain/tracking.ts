import type { Tracking } from '../config/engagement.ts';
import type { RekindleConfig, Sequence } from '../config/schema.ts';
import type { EngagementEvent } from './engagement-event.ts';

/** What SES tracks in one sequence's emails: its own choice, field by field, over `engagement.tracking`. */
export function trackingFor(
  sequence: Pick<Sequence, 'tracking'> | undefined,
  engagement: Pick<RekindleConfig['engagement'], 'tracking'>,
): Tracking {
  return {
    opens: sequence?.tracking?.opens ?? engagement.tracking.opens,
    clicks: sequence?.tracking?.clicks ?? engagement.tracking.clicks,
  };
}

/**
 * Step conditions that can never see what they ask about: `clicked` where clicks are not tracked,
 * `opened` where opens are not. Each names the sequence and step, for `validate`.
 */
export function untrackedConditions(
  config: Pick<RekindleConfig, 'sequences' | 'engagement'>,
): { sequenceIndex: number; stepIndex: number; message: string }[] {
  return config.sequences.flatMap((sequence, sequenceIndex) => {
    const tracking = trackingFor(sequence, config.engagement);
    return sequence.steps.flatMap((step, stepIndex) => {
      const untracked = [
        ...(step.when?.clicked !== undefined && !tracking.clicks ? ['clicked' as const] : []),
        ...(step.when?.opened !== undefined && !tracking.opens ? ['opened' as const] : []),
      ];
      return untracked.map((condition) => ({
        sequenceIndex,
        stepIndex,
        message: `step "${step.id}" depends on \`${condition}\`, but sequence "${sequence.id}" does not track ${condition === 'clicked' ? 'clicks' : 'opens'}; set tracking.${condition === 'clicked' ? 'clicks' : 'opens'}: true on the sequence or drop the condition`,
      }));
    });
  });
}

/**
 * The SES link tag that marks the unsubscribe link (`<a ses:tags="kind:unsubscribe;">`), should a
 * template leave it tracked; the link is recognised by its URL all the same.
 */
export const unsubscribeLinkTag = { name: 'kind', value: 'unsubscribe' } as const;

/**
 * True when a clicked URL is an unsubscribe link: it carries a token (`t`) signed for the
 * `unsubscribe` purpose (`signLink`: base64url JSON `[purpose, …]`, a dot, the MAC). Read without
 * the key, so on any host the endpoint has had (Function URL, the shop's own domain, local); the
 * MAC is not checked because a forged token only hides a click of the forger's own.
 */
export function isUnsubscribeLink(link: string): boolean {
  let url: URL;
  try {
    url = new URL(link);
  } catch {
    return false;
  }
  const payload = url.searchParams.get('t')?.split('.')[0];
  if (payload === undefined || payload === '') return false;
  try {
    const claims: unknown = JSON.parse(Buffer.from(payload, 'base64url').toString('utf8'));
    return Array.isArray(claims) && claims[0] === 'unsubscribe';
  } catch {
    return false;
  }
}

/**
 * A click on the email's content: not on the unsubscribe link (by its URL or its link tag). The
 * List-Unsubscribe header's one-click POST never is a click: SES rewrites no header.
 */
export function isContentClick(event: Pick<EngagementEvent, 'type' | 'detail'>): boolean {
  if (event.type !== 'click') return false;
  const link = event.detail?.link;
  if (typeof link === 'string' && isUnsubscribeLink(link)) return false;
  return event.detail?.linkKind !== unsubscribeLinkTag.value;
}
