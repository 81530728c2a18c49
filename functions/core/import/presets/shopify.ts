import { canonicalLocale } from '../../customers/model.ts';
import { shopifyOrderStatus } from '../shopify-order-status.ts';
import { datePattern } from './dates.ts';
import {
  accept,
  type Cells,
  consecutiveGroups,
  emailKey,
  type Preset,
  type PresetOutcome,
  readMoney,
  refuse,
  skip,
} from './preset.ts';

/**
 * Shopify's admin exports (Customers → Export, Orders → Export, "CSV for Excel, Numbers, or other
 * spreadsheet programs"). Customers are keyed by email in both files: the orders export names the
 * customer only by email, never by Shopify's customer id.
 */

const shopifyDate = datePattern('YYYY-MM-DD HH:mm:ss Z');

function shopifyOrder(line: number, cell: Cells): PresetOutcome[] {
  const name = cell('Name').trim();
  const orderId = name.startsWith('#') ? name.slice(1) : name;
  if (orderId === '') return [refuse(line, 'Name is empty')];
  const email = emailKey(cell('Email'));
  if (email === '')
    return [
      skip(line, `order ${name} has no Email: Shopify's orders export names the customer only by email`),
    ];
  if (typeof shopifyDate === 'string') throw new Error(shopifyDate);
  const placed = shopifyDate.read(cell('Created at'));
  if (!placed.ok) return [refuse(line, `Created at: ${placed.reason}`)];
  const financial = cell('Financial Status');
  const status = shopifyOrderStatus(financial.trim().toLowerCase(), cell('Cancelled at').trim() !== '');
  if (status === undefined)
    return [
      refuse(
        line,
        `Financial Status "${financial}" is not one of paid, pending, authorized, partially_paid, partially_refunded, refunded, voided, expired`,
      ),
    ];
  const total = readMoney(cell('Total'));
  if (total === undefined) return [refuse(line, `Total "${cell('Total')}" is not an amount`)];
  const refundedText = cell('Refunded Amount');
  const refunded = refundedText.trim() === '' ? undefined : readMoney(refundedText);
  if (refundedText.trim() !== '' && refunded === undefined)
    return [refuse(line, `Refunded Amount "${refundedText}" is not an amount`)];
  return [
    accept(line, {
      orderId,
      customerId: email,
      placedAt: placed.iso,
      amount: total,
      status,
      currency: cell('Currency'),
      // Shopify's total stays the order's total after refunds; what went back is its own column.
      refundedAmount: refunded === undefined || refunded === 0 ? undefined : Math.min(refunded, total),
    }),
  ];
}

export const shopifyOrders: Preset = {
  name: 'shopify-orders',
  kind: 'orders',
  label: 'Shopify orders export',
  csv: {
    columns: ['Name', 'Email', 'Financial Status', 'Created at', 'Currency', 'Total', 'Lineitem name'],
    // One row per line item, the order's fields on its first: an order is its consecutive rows.
    start: () => consecutiveGroups<Cells>((cell) => cell('Name').trim(), shopifyOrder),
  },
  notes: () => [
    'Shopify orders: one order per Name ("#1001" is order 1001), from its first line-item row; the customer is the order\'s Email',
    'Shopify orders: pending, authorized and partially paid orders count as paid; cancelled ones (Cancelled at) as cancelled; voided and expired as voided',
  ],
};

/** Shopify's "yes"/"no" marketing column: "no" is a customer who does not accept email marketing. */
function consent(text: string): string {
  const value = text.trim().toLowerCase();
  if (value === 'yes' || value === 'true') return 'granted';
  if (value === 'no' || value === 'false') return 'withdrawn';
  return 'unknown';
}

export const shopifyCustomers: Preset = {
  name: 'shopify-customers',
  kind: 'customers',
  label: 'Shopify customers export',
  csv: {
    columns: [
      'First Name',
      'Last Name',
      'Email',
      ['Accepts Email Marketing', 'Accepts Marketing'],
      'Total Orders',
    ],
    start: () => ({
      push(line, cell) {
        const email = cell('Email').trim();
        if (email === '')
          return [skip(line, 'has no Email: nobody to write to (a customer known by phone only)')];
        // Only a language tag: a "Language" column saying "English" is no locale, and no reason to refuse.
        const language = canonicalLocale(cell('Language').trim());
        return [
          accept(line, {
            customerId: emailKey(email),
            email,
            firstName: cell('First Name'),
            consent: consent(cell('Accepts Email Marketing') || cell('Accepts Marketing')),
            locale: language,
          }),
        ];
      },
      end: () => [],
    }),
  },
  notes: () => [
    'Shopify customers: keyed by email (lower-cased), as the orders export names them; "Accepts Email Marketing" yes is consent granted, no is consent withdrawn',
    'Shopify customers: no language or time zone in the export: locale "en" and the shop\'s fallback time zone apply',
  ],
};
