import type { StepCounters } from '../../../functions/core/domain/counters.ts';
import { type Counters, counterEffect, zeroCounters } from '../../../functions/core/domain/counters.ts';
import type { CustomerView } from '../../../functions/core/domain/customer-view.ts';
import type { EngagementEvent } from '../../../functions/core/domain/engagement-event.ts';
import type { InboundRecord } from '../../../functions/core/domain/inbound-record.ts';
import type { ReportData } from '../../../functions/core/domain/report-data.ts';
import type { EngagementStore, SuppressionReason } from '../../../functions/ports/engagement-store.ts';
import type { Mailer, OutgoingEmail } from '../../../functions/ports/mailer.ts';
import type { Forgotten, ForgottenRegister } from '../../../functions/ports/privacy-store.ts';

/** An in-memory EngagementStore with the same duplicate and counter rules as the DynamoDB one. */
export class MemoryEngagementStore implements EngagementStore {
  readonly events = new Map<string, EngagementEvent>();
  readonly markers = new Set<string>();
  readonly counters = new Map<string, StepCounters>();
  readonly statuses = new Map<string, Record<string, unknown>>();
  readonly suppressions = new Map<string, { reason: SuppressionReason; at: number }>();
  readonly inbound: InboundRecord[] = [];
  readonly paused = new Map<string, { reason: string; at: number }>();
  readonly emails = new Map<string, string[]>();

  async recordAll(events: readonly EngagementEvent[]): Promise<('recorded' | 'duplicate')[]> {
    const outcomes: ('recorded' | 'duplicate')[] = [];
    for (const event of events) outcomes.push(await this.record(event));
    return outcomes;
  }
  async record(event: EngagementEvent): Promise<'recorded' | 'duplicate'> {
    const key = `${event.customerId}|${event.at}|${event.eventId}`;
    if (this.events.has(key)) return 'duplicate';
    this.events.set(key, event);
    const { sequenceId, stepIndex, enrolmentId } = event;
    if (sequenceId === undefined || stepIndex === undefined || enrolmentId === undefined) return 'recorded';
    const effect = counterEffect(event);
    const names = [...effect.always];
    const marker = `${enrolmentId}|${stepIndex}|${effect.first?.marker}`;
    if (effect.first !== undefined && !this.markers.has(marker)) {
      this.markers.add(marker);
      names.push(...effect.first.counters);
    }
    const segmentId = event.segmentId ?? 'unknown';
    const counterKey = `${sequenceId}|${stepIndex}|${segmentId}`;
    const current = this.counters.get(counterKey)?.counters ?? zeroCounters();
    const next: Record<keyof Counters, number> = { ...current };
    for (const name of names) next[name] += 1;
    this.counters.set(counterKey, { sequenceId, stepIndex, segmentId, counters: next });
    return 'recorded';
  }
  async customersByEmail(email: string) {
    return this.emails.get(email) ?? [];
  }
  async suppress(email: string, customerIds: readonly string[], reason: SuppressionReason, at: number) {
    if (!this.suppressions.has(email)) this.suppressions.set(email, { reason, at });
    for (const id of customerIds) {
      const status = this.statuses.get(id) ?? {};
      status.suppressedAt ??= at;
      status.suppressionReason ??= reason;
      this.statuses.set(id, status);
    }
  }
  async suppressionOf(email: string) {
    return this.suppressions.get(email);
  }
  async unsubscribe(customerId: string, at: number) {
    const status = this.statuses.get(customerId) ?? {};
    status.unsubscribedAt ??= at;
    this.statuses.set(customerId, status);
    return typeof status.unsubscribedAt === 'number' ? status.unsubscribedAt : at;
  }
  async pauseContact(customerId: string, until: number) {
    this.statuses.set(customerId, { ...this.statuses.get(customerId), pausedUntil: until });
  }
  async sequenceCounters(sequenceId: string) {
    return [...this.counters.values()].filter((item) => item.sequenceId === sequenceId);
  }
  async pauseSequence(sequenceId: string, reason: string, at: number) {
    if (this.paused.has(sequenceId)) return false;
    this.paused.set(sequenceId, { reason, at });
    return true;
  }
  async resumeSequence(sequenceId: string) {
    return this.paused.delete(sequenceId);
  }
  async sequencePause(sequenceId: string) {
    return this.paused.get(sequenceId);
  }
  async sendGuard(email: string, sequenceId: string) {
    const suppression = this.suppressions.get(email);
    const pause = this.paused.get(sequenceId);
    return {
      ...(suppression === undefined ? {} : { suppression }),
      ...(pause === undefined ? {} : { pause }),
    };
  }
  async recordInbound(record: InboundRecord) {
    this.inbound.push(record);
  }
  async loadReportData(): Promise<ReportData> {
    return { assignments: [], firstSends: [], orders: [], counters: [...this.counters.values()] };
  }
}

/** The ForgottenRegister in memory: ids and (lower-cased) addresses erased on request. */
export class MemoryForgotten implements ForgottenRegister {
  readonly customerIds = new Set<string>();
  readonly emails = new Set<string>();

  async forgotten(refs: { customerIds?: readonly string[]; emails?: readonly string[] }): Promise<Forgotten> {
    return {
      customerIds: new Set((refs.customerIds ?? []).filter((id) => this.customerIds.has(id))),
      emails: new Set((refs.emails ?? []).filter((email) => this.emails.has(email.toLowerCase()))),
    };
  }
}

export class MemoryMailer implements Mailer {
  readonly sent: OutgoingEmail[] = [];
  async send(email: OutgoingEmail) {
    this.sent.push(email);
    return { messageId: `m-${this.sent.length}` };
  }
}

export const sampleView = (customerId: string, enrolmentId: string): CustomerView => ({
  customer: {
    customerId,
    email: 'asha@example.com',
    firstName: 'Asha',
    locale: 'en',
    timeZone: 'Asia/Kolkata',
    consent: 'granted',
  },
  orders: [{ orderId: 'o1', customerId, placedAt: '2026-03-01T10:00:00.000Z', amount: 30 }],
  enrolments: [
    {
      enrolmentId,
      customerId,
      sequenceId: 'gentle-winback',
      segmentId: 'lapsed',
      enrolledAt: Date.parse('2026-11-23T09:00:00Z'),
      state: 'active',
    },
  ],
  sends: [
    {
      enrolmentId,
      stepIndex: 0,
      customerId,
      sequenceId: 'gentle-winback',
      stepId: 'check-in',
      state: 'sent',
      claimedAt: Date.parse('2026-11-24T09:00:00Z'),
      sentAt: Date.parse('2026-11-24T09:00:00Z'),
      messageId: 'ses-1',
    },
  ],
  incidents: [
    {
      incidentId: 'i1',
      customerId,
      kind: 'damaged',
      occurredAt: '2026-03-05T10:00:00.000Z',
      orderId: 'o1',
      ticketOpen: true,
    },
  ],
  engagement: [],
  status: {},
});
