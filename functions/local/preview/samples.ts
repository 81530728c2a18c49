import type { Customer, Incident, Order } from '../../core/customers/model.ts';
import type { CustomerView } from '../../core/domain/customer-view.ts';

/** The shop's customers, orders and incidents, as `rekindle import` reads them. */
export interface PreviewShop {
  readonly customers: readonly Customer[];
  readonly orders: readonly Order[];
  readonly incidents: readonly Incident[];
}

/** A sample recipient for the preview: a name for the page and the customer as the sender sees them. */
export interface PreviewSample {
  readonly id: string;
  readonly label: string;
  readonly view: CustomerView;
}

const customer = (customerId: string, firstName: string) => ({
  customerId,
  email: `${customerId}@example.com`,
  firstName,
  locale: 'en',
  timeZone: 'Asia/Kolkata',
  consent: 'granted' as const,
});

const base = (customerId: string, firstName: string): CustomerView => ({
  customer: customer(customerId, firstName),
  orders: [{ orderId: 'NW-1042', customerId, placedAt: '2025-10-01T09:00:00.000Z', amount: 38 }],
  enrolments: [],
  sends: [],
  incidents: [],
  engagement: [],
  status: {},
});

/**
 * The preview's enrolment (`preview-<sample id>`), made for the customer's newest problem as a
 * segment with an `incident` condition would: the apology names that one.
 */
function enrolledFor(sample: PreviewSample): PreviewSample {
  const newest = [...sample.view.incidents].sort((a, b) => b.occurredAt.localeCompare(a.occurredAt))[0];
  if (newest === undefined) return sample;
  const enrolment = {
    enrolmentId: `preview-${sample.id}`,
    customerId: sample.view.customer.customerId,
    sequenceId: 'preview',
    segmentId: 'preview',
    enrolledAt: 0,
    state: 'active' as const,
    incidentId: newest.incidentId,
  };
  return { ...sample, view: { ...sample.view, enrolments: [enrolment] } };
}

const samples: readonly PreviewSample[] = [
  {
    id: 'damaged-resolved',
    label: 'Asha: damaged parcel, replaced',
    view: {
      ...base('asha', 'Asha'),
      incidents: [
        {
          incidentId: 'inc-1',
          customerId: 'asha',
          kind: 'damaged',
          occurredAt: '2025-10-06T08:00:00.000Z',
          orderId: 'NW-1042',
          resolvedAt: '2025-10-09T12:00:00.000Z',
          resolution: 'We sent a replacement record and refunded the postage.',
          ticketOpen: false,
        },
      ],
    },
  },
  {
    id: 'late-open',
    label: 'Ravi: late delivery and a slow refund, ticket open',
    view: {
      ...base('ravi', 'Ravi'),
      incidents: [
        {
          incidentId: 'inc-2',
          customerId: 'ravi',
          kind: 'late',
          occurredAt: '2025-10-12T08:00:00.000Z',
          orderId: 'NW-1042',
          ticketOpen: true,
        },
        {
          incidentId: 'inc-3',
          customerId: 'ravi',
          kind: 'refund_delay',
          occurredAt: '2025-09-02T08:00:00.000Z',
          ticketOpen: false,
        },
      ],
    },
  },
  { id: 'no-incident', label: 'Nimal: no recorded problem', view: base('nimal', 'Nimal') },
];

/** Customers with and without past problems, so every branch of a template shows. */
export const previewSamples: readonly PreviewSample[] = samples.map(enrolledFor);

/**
 * Where the samples' timelines start: 54 days after their order, within a year of their problems,
 * so they are lapsed as a shop's customers would be when a win-back starts.
 */
export const sampleTimelineStart = Date.parse('2025-11-24T00:00:00.000Z');

/** The sample customers as shop data, for their sequence timelines. */
export const sampleShop: PreviewShop = {
  customers: samples.map((sample) => sample.view.customer),
  orders: samples.flatMap((sample) => sample.view.orders),
  incidents: samples.flatMap((sample) => sample.view.incidents),
};

/**
 * The shop's customers as preview samples, in file order: each with their orders and incidents,
 * enrolled for their newest problem as the samples are.
 */
export function shopSamples(shop: PreviewShop): PreviewSample[] {
  const ordersOf = groupBy(shop.orders, (order) => order.customerId);
  const incidentsOf = groupBy(shop.incidents, (incident) => incident.customerId);
  return shop.customers.map((customer) =>
    enrolledFor({
      id: customer.customerId,
      label: `${customer.firstName || customer.email} (${customer.customerId})`,
      view: {
        customer,
        orders: ordersOf.get(customer.customerId) ?? [],
        enrolments: [],
        sends: [],
        incidents: incidentsOf.get(customer.customerId) ?? [],
        engagement: [],
        status: {},
      },
    }),
  );
}

function groupBy<T>(items: readonly T[], key: (item: T) => string): Map<string, T[]> {
  const groups = new Map<string, T[]>();
  for (const item of items) {
    const list = groups.get(key(item));
    if (list === undefined) groups.set(key(item), [item]);
    else list.push(item);
  }
  return groups;
}
