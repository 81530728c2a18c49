import type { Segment } from '../config/schema.ts';
import type { CustomerWithOrders } from '../customers/model.ts';

const dayMs = 86_400_000;

/** What the segment rules look at for one customer, computed once. */
export interface CustomerFacts {
  readonly orderCount: number;
  readonly lastOrderAt: number | undefined;
  readonly daysSinceLastOrder: number | undefined;
  readonly totalSpend: number;
}

export function customerFacts(subject: CustomerWithOrders, now: number): CustomerFacts {
  let lastOrderAt: number | undefined;
  let totalSpend = 0;
  for (const order of subject.orders) {
    const at = Date.parse(order.placedAt);
    if (lastOrderAt === undefined || at > lastOrderAt) lastOrderAt = at;
    totalSpend += order.amount;
  }
  return {
    orderCount: subject.orders.length,
    lastOrderAt,
    daysSinceLastOrder: lastOrderAt === undefined ? undefined : Math.floor((now - lastOrderAt) / dayMs),
    totalSpend,
  };
}

function inRange(value: number | undefined, range: { min?: number; max?: number } | undefined): boolean {
  if (range === undefined) return true;
  if (value === undefined) return false;
  return (range.min === undefined || value >= range.min) && (range.max === undefined || value <= range.max);
}

/** The first segment whose conditions all hold, or undefined. First match wins. */
export function matchSegment(segments: readonly Segment[], facts: CustomerFacts): Segment | undefined {
  return segments.find((segment) => inRange(facts.daysSinceLastOrder, segment.when.daysSinceLastOrder));
}
