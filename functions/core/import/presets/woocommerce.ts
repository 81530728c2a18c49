import { datePattern } from './dates.ts';
import {
  accept,
  type Cells,
  consecutiveGroups,
  emailKey,
  firstPerCustomer,
  isRecord,
  type Preset,
  type PresetOptions,
  type PresetOutcome,
  readMoney,
  refuse,
  skip,
} from './preset.ts';

/**
 * WooCommerce orders: the REST API's order objects (`GET /wp-json/wc/v3/orders`, saved as a JSON
 * array or one order per line) and the Customer / Order / Coupon Export extension's default CSV.
 * Customers are keyed by billing email: guests have customer_id 0, so the id cannot key them all.
 */

const gmtDate = datePattern('YYYY-MM-DDTHH:mm:ss');
const csvDate = datePattern('YYYY-MM-DD HH:mm:ss');

/** WooCommerce's status as ours; a string for orders that are no purchase yet (skipped). */
function orderStatus(text: string, refunded: number): { status: string } | { skip: string } | undefined {
  const status = text.trim().toLowerCase().replace(/^wc-/, '');
  switch (status) {
    case 'completed':
    case 'processing':
      return { status: refunded > 0 ? 'partially_refunded' : 'paid' };
    case 'refunded':
      return { status: 'refunded' };
    case 'cancelled':
      return { status: 'cancelled' };
    case 'failed':
      return { skip: 'its payment failed' };
    case 'pending':
    case 'on-hold':
      return { skip: `it is ${status}, awaiting payment` };
    case 'checkout-draft':
    case 'trash':
      return { skip: `it is ${status}` };
    default:
      return undefined;
  }
}

const statusList =
  'completed, processing, refunded, cancelled, failed, pending, on-hold, checkout-draft, trash';

interface WooOrder {
  readonly orderId: string;
  readonly email: string;
  readonly firstName: string;
  readonly date: { ok: true; iso: string } | { ok: false; reason: string };
  readonly dateField: string;
  readonly status: string;
  readonly total: string;
  readonly refunded: string;
  readonly currency: string;
}

function order(line: number, source: WooOrder): PresetOutcome {
  if (source.orderId === '') return refuse(line, 'has no order id');
  const refunded = source.refunded.trim() === '' ? 0 : readMoney(source.refunded);
  if (refunded === undefined) return refuse(line, `refunded total "${source.refunded}" is not an amount`);
  const status = orderStatus(source.status, Math.abs(refunded));
  if (status === undefined) return refuse(line, `status "${source.status}" is not one of ${statusList}`);
  if ('skip' in status) return skip(line, `order ${source.orderId} is no purchase: ${status.skip}`);
  const email = emailKey(source.email);
  if (email === '') return refuse(line, `order ${source.orderId} has no billing email`);
  if (!source.date.ok) return refuse(line, `${source.dateField}: ${source.date.reason}`);
  const amount = readMoney(source.total);
  if (amount === undefined) return refuse(line, `total "${source.total}" is not an amount`);
  const back = Math.abs(refunded);
  return accept(line, {
    orderId: source.orderId,
    customerId: email,
    placedAt: source.date.iso,
    amount,
    status: status.status,
    currency: source.currency,
    refundedAmount: back > 0 ? Math.min(back, amount) : undefined,
  });
}

const text = (value: unknown): string =>
  typeof value === 'string' ? value : typeof value === 'number' ? String(value) : '';
const record = (value: unknown): Record<string, unknown> => (isRecord(value) ? value : {});

function fromRest(object: Record<string, unknown>, options: PresetOptions): WooOrder {
  const billing = record(object.billing);
  const refunds = Array.isArray(object.refunds) ? object.refunds : [];
  const refunded = refunds.reduce<number>(
    (sum, refund) => sum + Math.abs(readMoney(text(record(refund).total)) ?? 0),
    0,
  );
  if (typeof gmtDate === 'string' || typeof csvDate === 'string') throw new Error('bad date pattern');
  const gmt = text(object.date_created_gmt);
  return {
    orderId: text(object.id),
    email: text(billing.email),
    firstName: text(billing.first_name),
    // The GMT date is UTC; date_created is the site's wall clock, read in --time-zone.
    date:
      gmt !== ''
        ? gmtDate.read(gmt, 'Etc/UTC')
        : gmtDate.read(text(object.date_created), options.timeZone ?? 'Etc/UTC'),
    dateField: gmt !== '' ? 'date_created_gmt' : 'date_created',
    status: text(object.status),
    total: text(object.total),
    refunded: refunded.toFixed(2),
    currency: text(object.currency),
  };
}

function fromCsv(cell: Cells, options: PresetOptions): WooOrder {
  if (typeof csvDate === 'string') throw new Error(csvDate);
  return {
    orderId: cell('order_id').trim(),
    email: cell('billing_email'),
    firstName: cell('billing_first_name'),
    date: csvDate.read(cell('order_date'), options.timeZone ?? 'Etc/UTC'),
    dateField: 'order_date',
    status: cell('status'),
    total: cell('order_total'),
    refunded: cell('refunded_total'),
    currency: cell('order_currency'),
  };
}

const isRestOrder = (object: Record<string, unknown>) =>
  'line_items' in object && 'billing' in object && ('date_created_gmt' in object || 'date_created' in object);
const csvColumns = ['order_id', 'order_date', 'status', 'order_total', 'billing_email'];
const zoneNote = (options: PresetOptions) =>
  `WooCommerce: date_created_gmt (REST API) is UTC; order_date (CSV export) is the site's local time, read in ${options.timeZone ?? 'UTC'}${options.timeZone === undefined ? ' (pass --time-zone with your WordPress time zone, or set shop.fallbackTimeZone)' : ' (--time-zone, else shop.fallbackTimeZone)'}`;

export const wooOrders: Preset = {
  name: 'woocommerce-orders',
  kind: 'orders',
  label: 'WooCommerce orders (REST API JSON or the order export CSV)',
  json: {
    recognises: isRestOrder,
    start: (options) => ({
      push: (line, object) => [order(line, fromRest(object, options))],
      end: () => [],
    }),
  },
  csv: {
    columns: csvColumns,
    // The "one row per line item" layout repeats an order on consecutive rows.
    start: (_columns, options) =>
      consecutiveGroups<Cells>(
        (cell) => cell('order_id').trim(),
        (line, cell) => [order(line, fromCsv(cell, options))],
      ),
  },
  notes: (options) => [
    'WooCommerce orders: one order per order id; completed and processing count as paid (partially refunded when refunds exist); pending, on-hold, failed, draft and trashed orders are skipped; the customer is the billing email',
    zoneNote(options),
  ],
};

function customersRun<R>(read: (record: R) => WooOrder) {
  const first = firstPerCustomer();
  return {
    push(line: number, source: R): PresetOutcome[] {
      const woo = read(source);
      const email = woo.email.trim();
      if (email === '') return [skip(line, `order ${woo.orderId} has no billing email`)];
      const repeat = first(line, emailKey(email));
      if (repeat !== undefined) return [repeat];
      return [accept(line, { customerId: emailKey(email), email, firstName: woo.firstName })];
    },
    end: (): PresetOutcome[] => [],
  };
}

/** Customers from WooCommerce orders: one per billing email, named as on their first order in the file. */
export const wooCustomers: Preset = {
  name: 'woocommerce-orders',
  kind: 'customers',
  label: 'WooCommerce orders (their customers)',
  json: {
    recognises: isRestOrder,
    start: (options) => customersRun<Record<string, unknown>>((object) => fromRest(object, options)),
  },
  csv: {
    columns: csvColumns,
    start: (_columns, options) => customersRun<Cells>((cell) => fromCsv(cell, options)),
  },
  notes: () => [
    'WooCommerce customers: one per billing email (lower-cased), named as on their first order in the file; no locale, time zone or consent in orders: locale "en", the shop\'s fallback time zone, consent unknown',
  ],
};
