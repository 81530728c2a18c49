import { datePattern } from './dates.ts';
import {
  accept,
  type Cells,
  type ColumnMatch,
  emailKey,
  firstPerCustomer,
  type Preset,
  type PresetOptions,
  type PresetOutcome,
  type PresetRun,
  readMoney,
  refuse,
  skip,
} from './preset.ts';

/**
 * Stripe's payments export (Payments → Export, the default columns). Customers are keyed by the
 * Stripe customer id (`cus_…`) when the payment has one, else by its Customer Email.
 */

/** The created column names its zone: `Created date (UTC)`, or the zone chosen at export. */
const createdPattern = /^Created( date)? \(.+\)$/;
const createdColumn = (columns: readonly string[]) => columns.find((column) => createdPattern.test(column));
const zoneOf = (column: string) => /\((.+)\)$/.exec(column)?.[1] ?? 'UTC';
const withSeconds = datePattern('YYYY-MM-DD HH:mm:ss');
const withoutSeconds = datePattern('YYYY-MM-DD HH:mm');

function readCreated(text: string, zone: string) {
  if (typeof withSeconds === 'string' || typeof withoutSeconds === 'string')
    throw new Error('bad date pattern');
  const timeZone = zone === 'UTC' ? 'Etc/UTC' : zone;
  const first = withSeconds.read(text, timeZone);
  return first.ok ? first : withoutSeconds.read(text, timeZone);
}

const notPaid = new Set([
  'failed',
  'blocked',
  'canceled',
  'incomplete',
  'uncaptured',
  'pending',
  'requires_payment_method',
  'requires_action',
  'requires_confirmation',
  'requires_capture',
  'processing',
  'expired',
]);

/** The customer key of a payment: its Stripe customer id, else its email. */
const customerKey = (cell: Cells) => cell('Customer ID').trim() || emailKey(cell('Customer Email'));

function payment(line: number, cell: Cells, created: string): PresetOutcome {
  const statusText = cell('Status').trim();
  const status = statusText.toLowerCase().replaceAll(' ', '_');
  if (notPaid.has(status)) return skip(line, `payment ${cell('id')} is ${statusText}, not a purchase`);
  if (cell('Captured').trim().toLowerCase() === 'false')
    return skip(line, `payment ${cell('id')} was authorised but never captured`);
  if (!['paid', 'succeeded', 'refunded', 'partially_refunded'].includes(status))
    return refuse(
      line,
      `Status "${statusText}" is not one of Paid, Succeeded, Refunded, Partially refunded (or a failed, canceled or uncaptured payment)`,
    );
  const customerId = customerKey(cell);
  if (customerId === '')
    return skip(line, `payment ${cell('id')} has neither Customer ID nor Customer Email`);
  const at = readCreated(cell(created), zoneOf(created));
  if (!at.ok) return refuse(line, `${created}: ${at.reason}`);
  const amount = readMoney(cell('Amount'));
  if (amount === undefined) return refuse(line, `Amount "${cell('Amount')}" is not an amount`);
  const refundedText = cell('Amount Refunded').trim();
  const refunded = refundedText === '' ? 0 : readMoney(refundedText);
  if (refunded === undefined) return refuse(line, `Amount Refunded "${refundedText}" is not an amount`);
  const ours =
    status === 'refunded' || (refunded > 0 && refunded >= amount)
      ? 'refunded'
      : refunded > 0 || status === 'partially_refunded'
        ? 'partially_refunded'
        : 'paid';
  return accept(line, {
    orderId: cell('id').trim(),
    customerId,
    placedAt: at.iso,
    amount,
    status: ours,
    currency: cell('Currency'),
    refundedAmount: refunded > 0 ? Math.min(refunded, amount) : undefined,
  });
}

const columns: readonly ColumnMatch[] = [
  'id',
  'Amount',
  'Currency',
  'Status',
  ['Customer ID', 'Customer Email'],
  { pattern: createdPattern, name: 'Created date (UTC)' },
];

function withCreated(
  columnsOfFile: readonly string[],
  run: (created: string) => PresetRun<Cells>,
): PresetRun<Cells> {
  const created = createdColumn(columnsOfFile);
  if (created !== undefined) return run(created);
  return {
    push: (line) => [refuse(line, 'the header has no "Created date (UTC)" (or "Created (UTC)") column')],
    end: () => [],
  };
}

export const stripePayments: Preset = {
  name: 'stripe-payments',
  kind: 'orders',
  label: 'Stripe payments export',
  csv: {
    columns,
    start: (columnsOfFile) =>
      withCreated(columnsOfFile, (created) => ({
        push: (line, cell) => [payment(line, cell, created)],
        end: () => [],
      })),
  },
  notes: () => [
    'Stripe payments: one order per payment id; failed, canceled and uncaptured payments are skipped; the customer is the Customer ID, else the Customer Email',
    'Stripe payments: dates in the zone the created column names (UTC unless chosen at export)',
  ],
};

/** Customers from a payments export: one per customer key, with the payment's email. */
export const stripePaymentCustomers: Preset = {
  name: 'stripe-payments',
  kind: 'customers',
  label: 'Stripe payments export (its customers)',
  csv: {
    columns,
    start: (_columns: readonly string[], _options: PresetOptions) => {
      const first = firstPerCustomer();
      return {
        push(line, cell) {
          const email = cell('Customer Email').trim();
          const customerId = customerKey(cell);
          if (email === '' || customerId === '') return [skip(line, 'payment has no Customer Email')];
          const repeat = first(line, customerId);
          if (repeat !== undefined) return [repeat];
          return [accept(line, { customerId, email })];
        },
        end: () => [],
      };
    },
  },
  notes: () => [
    'Stripe customers: one per Customer ID (else email), from their first payment in the file; no names, locale, time zone or consent in the export: firstName empty, locale "en", the shop\'s fallback time zone, consent unknown',
  ],
};
