import type { EngagementEvent } from './engagement-event.ts';
import { isContentClick } from './tracking.ts';

/** The per (sequence, step, segment) counters. Message counters count each message once. */
export const counterNames = [
  'sent',
  'delivered',
  /** Messages with at least one open we believe was a person. */
  'opened',
  /** Messages with at least one likely machine open (Apple MPP, scanners, prefetch). */
  'machineOpened',
  'clicked',
  'bounced',
  'hardBounced',
  'complained',
  'rejected',
  'delayed',
  'renderingFailed',
  'subscriptionChanged',
  'replied',
  'unsubscribed',
  /** Every open and click event, including repeats. */
  'opens',
  'machineOpens',
  'clicks',
  /** Each time a due step was held back, by cause: outside the send window, the cap, the minimum gap… */
  'deferredWindow',
  'deferredCap',
  'deferredGap',
  /** …a pause (the customer's, a sequence's, the kill switch, SES pausing the account), an open ticket. */
  'deferredPause',
  'deferredTicket',
] as const;
export type CounterName = (typeof counterNames)[number];
export type Counters = Readonly<Record<CounterName, number>>;

export const zeroCounters = (): Record<CounterName, number> => ({
  sent: 0,
  delivered: 0,
  opened: 0,
  machineOpened: 0,
  clicked: 0,
  bounced: 0,
  hardBounced: 0,
  complained: 0,
  rejected: 0,
  delayed: 0,
  renderingFailed: 0,
  subscriptionChanged: 0,
  replied: 0,
  unsubscribed: 0,
  opens: 0,
  machineOpens: 0,
  clicks: 0,
  deferredWindow: 0,
  deferredCap: 0,
  deferredGap: 0,
  deferredPause: 0,
  deferredTicket: 0,
});

/** Why a due step was held back, as the report splits deferrals. */
export const deferralCauses = ['window', 'cap', 'gap', 'pause', 'ticket'] as const;
export type DeferralCause = (typeof deferralCauses)[number];

/** The counter each cause adds to. */
export const deferralCounter = {
  window: 'deferredWindow',
  cap: 'deferredCap',
  gap: 'deferredGap',
  pause: 'deferredPause',
  ticket: 'deferredTicket',
} as const satisfies Record<DeferralCause, CounterName>;

/**
 * What storing an event adds: `always` when the event is new, and `first` only when it is the
 * first of its kind for its message (the marker is set in the same transaction).
 */
export interface CounterEffect {
  readonly always: readonly CounterName[];
  readonly first?: { readonly marker: string; readonly counters: readonly CounterName[] };
}

export function counterEffect(event: Pick<EngagementEvent, 'type' | 'machine' | 'detail'>): CounterEffect {
  switch (event.type) {
    case 'send':
      return { always: ['sent'] };
    case 'delivery':
      return { always: [], first: { marker: 'deliveredAt', counters: ['delivered'] } };
    case 'open':
      return event.machine === true
        ? { always: ['machineOpens'], first: { marker: 'machineOpenedAt', counters: ['machineOpened'] } }
        : { always: ['opens'], first: { marker: 'openedAt', counters: ['opened'] } };
    case 'click':
      // A click on the unsubscribe link is counted as the unsubscribe it leads to, not as interest.
      return isContentClick(event)
        ? { always: ['clicks'], first: { marker: 'clickedAt', counters: ['clicked'] } }
        : { always: [] };
    case 'bounce':
      return {
        always: [],
        first: {
          marker: 'bouncedAt',
          counters: event.detail?.bounceType === 'Permanent' ? ['bounced', 'hardBounced'] : ['bounced'],
        },
      };
    case 'complaint':
      return { always: [], first: { marker: 'complainedAt', counters: ['complained'] } };
    case 'reject':
      return { always: ['rejected'] };
    case 'delivery-delay':
      return { always: ['delayed'] };
    case 'rendering-failure':
      return { always: ['renderingFailed'] };
    case 'subscription':
      return { always: ['subscriptionChanged'] };
    case 'reply':
      return { always: [], first: { marker: 'repliedAt', counters: ['replied'] } };
    case 'unsubscribe':
      return { always: [], first: { marker: 'unsubscribedAt', counters: ['unsubscribed'] } };
  }
}

/** Adds counters item-wise; for summing steps or segments. */
export function addCounters(a: Counters, b: Partial<Counters>): Counters {
  const sum = zeroCounters();
  for (const name of counterNames) sum[name] = a[name] + (b[name] ?? 0);
  return sum;
}

/** One (sequence, step, segment) counter item. */
export interface StepCounters {
  readonly sequenceId: string;
  readonly stepIndex: number;
  readonly segmentId: string;
  readonly stepId?: string;
  readonly counters: Counters;
}
