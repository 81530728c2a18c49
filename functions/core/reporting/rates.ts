import type { Counters } from '../domain/counters.ts';

/**
 * A step's or sequence's rates, as a marketer compares them: delivered and bounced of what was sent;
 * opens (by people; likely machine opens apart), clicks, replies, unsubscribes and complaints of what
 * was delivered. Undefined where the base is zero.
 */
export interface Rates {
  readonly delivered?: number;
  readonly bounced?: number;
  readonly opened?: number;
  readonly machineOpened?: number;
  readonly clicked?: number;
  readonly replied?: number;
  readonly unsubscribed?: number;
  readonly complained?: number;
}

const share = (part: number, whole: number) => (whole === 0 ? undefined : part / whole);

export function ratesOf(counters: Counters): Rates {
  const { sent, delivered } = counters;
  const entries = {
    delivered: share(delivered, sent),
    bounced: share(counters.bounced, sent),
    opened: share(counters.opened, delivered),
    machineOpened: share(counters.machineOpened, delivered),
    clicked: share(counters.clicked, delivered),
    replied: share(counters.replied, delivered),
    unsubscribed: share(counters.unsubscribed, delivered),
    complained: share(counters.complained, delivered),
  };
  return Object.fromEntries(Object.entries(entries).filter(([, value]) => value !== undefined));
}

/** The rate columns of the report's step tables, in order, with their headings. */
export const rateColumns = [
  ['opened', 'open'],
  ['clicked', 'click'],
  ['replied', 'reply'],
  ['unsubscribed', 'unsub'],
  ['complained', 'complaint'],
] as const satisfies readonly (readonly [keyof Rates, string])[];
