import { IncidentKindSchema } from '../customers/model.ts';
import type { IncidentVariables, TemplateVariables } from './template-variables.ts';

const base: TemplateVariables = {
  customer: { id: 'sample-1', firstName: 'Asha', email: 'asha@example.com' },
  shop: {
    name: 'Sample Shop',
    postalAddress: '1 Sample Street, Sample Town',
    signer: 'Maya, Sample Shop',
    logo: null,
  },
  unsubscribeUrl: 'https://shop.example/unsubscribe?t=sample',
  tracking: { opens: false, clicks: false },
  incident: null,
  incidents: [],
  lastOrder: { id: 'order-1001', date: '2 November 2025' },
  updates: [
    { id: 'update-1', date: '5 March 2026', title: 'A sample fix', body: 'What changed, in a sentence.' },
  ],
};

function incident(kind: IncidentVariables['kind'], variant: number): IncidentVariables {
  return {
    kind,
    date: '14 November 2025',
    order: variant % 2 === 0 ? 'order-1001' : null,
    resolved: variant < 2,
    resolvedOn: variant < 2 ? '20 November 2025' : null,
    resolution: variant === 0 ? 'We sent a replacement and refunded the postage.' : null,
    ticketOpen: variant === 2,
  };
}

const logo = { url: 'https://shop.example/logo.png', alt: 'Sample Shop', width: 160 };

/**
 * Variable sets that reach every branch a template may take: no name, no incident, no updates,
 * each incident kind resolved with and without a note, still open, unresolved; a logo or none;
 * open and click tracking off, on, and each alone. `rekindle validate` renders every template with
 * each, strictly.
 */
export function sampleVariableSets(): TemplateVariables[] {
  const sets: TemplateVariables[] = [
    base,
    {
      ...base,
      customer: { ...base.customer, firstName: '' },
      shop: { ...base.shop, logo },
      lastOrder: null,
      updates: [],
      tracking: { opens: true, clicks: true },
    },
    { ...base, tracking: { opens: true, clicks: false } },
    { ...base, tracking: { opens: false, clicks: true } },
  ];
  IncidentKindSchema.options.forEach((kind, index) => {
    for (let variant = 0; variant < 4; variant += 1) {
      const main = incident(kind, variant);
      const other = incident(
        IncidentKindSchema.options[(index + 1) % IncidentKindSchema.options.length] ?? kind,
        3,
      );
      sets.push({ ...base, incident: main, incidents: variant === 3 ? [main] : [main, other] });
    }
  });
  return sets;
}
