import { readFileSync } from 'node:fs';
import { parseConfig } from '../../../../functions/core/config/load.ts';
import type { RekindleConfig } from '../../../../functions/core/config/schema.ts';
import type { Incident } from '../../../../functions/core/customers/model.ts';
import type { CustomerView } from '../../../../functions/core/domain/customer-view.ts';
import type { SendRecord } from '../../../../functions/core/domain/send-record.ts';
import type { StepMessage } from '../../../../functions/core/domain/step-message.ts';

/** The repository's own config, so tests exercise the real updates feed. */
export function loadConfig(overrides: { replyDomain?: string; replyTo?: string } = {}): RekindleConfig {
  const parsed = parseConfig(readFileSync('config/rekindle.yaml', 'utf8'), 'config/rekindle.yaml');
  if (!parsed.ok) throw new Error(parsed.issues.map((issue) => issue.message).join('\n'));
  return {
    ...parsed.config,
    sender: { ...parsed.config.sender, replyTo: overrides.replyTo ?? parsed.config.sender.replyTo },
    engagement: { ...parsed.config.engagement, replyDomain: overrides.replyDomain },
  };
}

export function incident(partial: Partial<Incident> & Pick<Incident, 'kind'>): Incident {
  return {
    incidentId: `i-${partial.kind}`,
    customerId: 'c1',
    occurredAt: '2025-11-14T10:00:00.000Z',
    ticketOpen: false,
    ...partial,
  };
}

export function view(
  options: {
    locale?: string;
    firstName?: string;
    incidents?: Incident[];
    /** The incident the enrolment was made for; default the newest given (null: none). */
    matched?: string | null;
    sends?: (SendRecord & { updateIds?: string[] })[];
  } = {},
): CustomerView {
  const newest = [...(options.incidents ?? [])].sort((a, b) => b.occurredAt.localeCompare(a.occurredAt))[0];
  const matched = options.matched === undefined ? newest?.incidentId : (options.matched ?? undefined);
  return {
    customer: {
      customerId: 'c1',
      email: 'asha@example.com',
      firstName: options.firstName ?? 'Asha',
      locale: options.locale ?? 'en',
      timeZone: 'Asia/Kolkata',
      consent: 'granted',
    },
    orders: [{ orderId: 'o-77', customerId: 'c1', placedAt: '2025-10-01T09:00:00.000Z', amount: 40 }],
    enrolments: [
      {
        enrolmentId: message.enrolmentId,
        customerId: 'c1',
        sequenceId: message.sequenceId,
        segmentId: message.segmentId,
        enrolledAt: 0,
        state: 'active',
        ...(matched === undefined ? {} : { incidentId: matched }),
      },
    ],
    sends: options.sends ?? [],
    incidents: options.incidents ?? [],
    engagement: [],
    status: {},
  };
}

export const message: StepMessage = {
  version: 1,
  customerId: 'c1',
  enrolmentId: 'gentle-winback-2026-03-01-abcd1234',
  sequenceId: 'gentle-winback',
  segmentId: 'lapsed',
  stepIndex: 0,
  dueAt: 0,
};

export const links = { unsubscribeUrl: 'https://shop.example/u', signingKey: 'test-key' };
