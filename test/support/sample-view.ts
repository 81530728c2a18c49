import type { CustomerView } from '../../functions/core/domain/customer-view.ts';

/** One customer's view with an active enrolment whose first step went out. */
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
