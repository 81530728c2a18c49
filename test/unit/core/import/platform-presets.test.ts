import { readFile } from 'node:fs/promises';
import { describe, expect, it } from 'vitest';
import { type ImportKind, importText } from '../../../../functions/core/import/import-file.ts';
import type { ImportFormat } from '../../../../functions/core/import/import-rows.ts';
import { presetNamed } from '../../../../functions/core/import/presets/index.ts';
import type { PresetOptions } from '../../../../functions/core/import/presets/preset.ts';
import { MemorySink } from '../../../support/memory-import-sink.ts';

const fixture = (path: string) =>
  readFile(new URL(`../../../fixtures/platforms/${path}`, import.meta.url), 'utf8');

async function importFixture(
  path: string,
  kind: ImportKind,
  format: ImportFormat,
  extra: { preset?: string; presetOptions?: PresetOptions } = {},
) {
  const sink = new MemorySink();
  const preset = extra.preset === undefined ? undefined : presetNamed(extra.preset, kind);
  const report = await importText(
    await fixture(path),
    {
      file: path,
      kind,
      format,
      ...(preset === undefined ? {} : { preset }),
      ...(extra.presetOptions === undefined ? {} : { presetOptions: extra.presetOptions }),
    },
    sink,
  );
  return { report, sink, orders: [...sink.orders.values()], customers: [...sink.customers.values()] };
}

describe('Shopify exports', () => {
  it('collapses the orders export to one order per Name, with exact dates, statuses, refunds and currency', async () => {
    const { report, orders } = await importFixture('shopify/orders_export.csv', 'orders', 'csv');
    expect(report.rejected).toEqual([]);
    expect(report.skipped).toEqual([]);
    expect(report.layout).toBe('Shopify orders export');
    expect(report.written).toBe(5);
    expect(orders).toEqual([
      {
        orderId: '1001',
        customerId: 'asha.rao@example.com',
        placedAt: '2026-03-02T10:14:09.000Z',
        amount: 53.91,
        status: 'paid',
        currency: 'EUR',
      },
      {
        orderId: '1002',
        customerId: 'marco.rossi@example.com',
        placedAt: '2026-03-05T17:02:44.000Z',
        amount: 24,
        status: 'refunded',
        currency: 'EUR',
        refundedAmount: 24,
      },
      {
        orderId: '1003',
        customerId: 'asha.rao@example.com',
        placedAt: '2026-04-11T03:00:00.000Z',
        amount: 80,
        status: 'partially_refunded',
        currency: 'EUR',
        refundedAmount: 35,
      },
      {
        orderId: '1004',
        customerId: 'lena.fischer@example.com',
        placedAt: '2026-05-21T03:59:59.000Z',
        amount: 19.5,
        status: 'voided',
        currency: 'EUR',
      },
      {
        orderId: '1005',
        customerId: 'lena.fischer@example.com',
        placedAt: '2026-06-01T10:00:00.000Z',
        amount: 31,
        status: 'paid',
        currency: 'EUR',
      },
    ]);
  });

  it('keys customers by email as the orders do, with consent from Accepts Email Marketing', async () => {
    const { report, customers } = await importFixture('shopify/customers_export.csv', 'customers', 'csv');
    expect(report.rejected).toEqual([]);
    expect(report.written).toBe(3);
    expect(report.skipped).toEqual([{ line: 5, reason: expect.stringContaining('has no Email') }]);
    expect(customers.map((c) => [c.customerId, c.email, c.firstName, c.consent, c.locale])).toEqual([
      ['asha.rao@example.com', 'asha.rao@example.com', 'Asha', 'granted', 'en'],
      ['marco.rossi@example.com', 'marco.rossi@example.com', 'Marco', 'withdrawn', 'en'],
      ['lena.fischer@example.com', 'lena.fischer@example.com', 'Lena', 'granted', 'en'],
    ]);
    expect(report.notes.join('\n')).toContain('keyed by email');
  });

  it('refuses a Name given again after other orders, and a date that is not real', async () => {
    const text = await fixture('shopify/orders_export.csv');
    const lines = text.trimEnd().split('\n');
    const header = lines[0] ?? '';
    const first = lines[1] ?? '';
    const broken = [
      header,
      first,
      lines[4] ?? '',
      first.replaceAll('2026-03-02 10:14:09 +0000', '2026-02-30 10:14:09 +0000').replace('#1001', '#1009'),
    ];
    const sink = new MemorySink();
    const report = await importText(
      `${broken.join('\n')}\n${first}\n`,
      { file: 'o.csv', kind: 'orders', format: 'csv' },
      sink,
    );
    expect(report.written).toBe(2);
    expect(report.rejected).toEqual([
      { line: 4, reason: expect.stringContaining('"2026-02-30 10:14:09 +0000" is not a real date') },
      { line: 5, reason: 'orderId "1001" already appeared on line 2' },
    ]);
  });
});

describe('Stripe payments export', () => {
  it('imports paid and refunded payments with their currency, skipping failed ones', async () => {
    const { report, orders } = await importFixture('stripe/payments.csv', 'orders', 'csv');
    expect(report.rejected).toEqual([]);
    expect(report.layout).toBe('Stripe payments export');
    expect(report.skipped).toEqual([{ line: 5, reason: 'payment ch_3PabcA4 is Failed, not a purchase' }]);
    expect(
      orders.map((o) => [
        o.orderId,
        o.customerId,
        o.placedAt,
        o.amount,
        o.status,
        o.currency,
        o.refundedAmount,
      ]),
    ).toEqual([
      ['ch_3PabcA1', 'cus_QabcDEF123', '2026-03-02T10:14:09.000Z', 49, 'paid', 'EUR', undefined],
      ['ch_3PabcA2', 'cus_QabcDEF456', '2026-03-09T16:40:00.000Z', 120, 'refunded', 'EUR', 120],
      ['ch_3PabcA3', 'cus_QabcDEF123', '2026-04-01T08:00:00.000Z', 1250, 'partially_refunded', 'USD', 250],
      ['ch_3PabcA5', 'lena.fischer@example.com', '2026-05-15T21:05:30.000Z', 18, 'paid', 'EUR', undefined],
    ]);
  });

  it('reads its customers from the same file, keyed as its orders', async () => {
    const { report, customers } = await importFixture('stripe/payments.csv', 'customers', 'csv', {
      preset: 'stripe-payments',
    });
    expect(report.rejected).toEqual([]);
    expect(customers.map((c) => [c.customerId, c.email])).toEqual([
      ['cus_QabcDEF123', 'asha.rao@example.com'],
      ['cus_QabcDEF456', 'marco.rossi@example.com'],
      ['lena.fischer@example.com', 'lena.fischer@example.com'],
    ]);
    expect(report.skippedTotal).toBe(2);
  });
});

describe('WooCommerce orders', () => {
  it('reads the REST API JSON array, with the line each order starts on', async () => {
    const { report, orders } = await importFixture('woocommerce/orders.json', 'orders', 'json');
    expect(report.rejected).toEqual([]);
    expect(report.skipped).toEqual([
      { line: expect.any(Number), reason: 'order 732 is no purchase: it is pending, awaiting payment' },
    ]);
    expect(report.skipped[0]?.line).toBeGreaterThan(100);
    expect(
      orders.map((o) => [
        o.orderId,
        o.customerId,
        o.placedAt,
        o.amount,
        o.status,
        o.currency,
        o.refundedAmount,
      ]),
    ).toEqual([
      ['727', 'john.doe@example.com', '2026-03-22T19:28:02.000Z', 29.35, 'paid', 'USD', undefined],
      ['728', 'priya@example.com', '2026-04-02T12:00:00.000Z', 54, 'partially_refunded', 'USD', 10],
      ['729', 'john.doe@example.com', '2026-04-10T14:15:00.000Z', 18.5, 'refunded', 'USD', 18.5],
    ]);
  });

  it('reads the same orders as JSON Lines', async () => {
    const orders = JSON.parse(await fixture('woocommerce/orders.json')) as unknown[];
    const sink = new MemorySink();
    const report = await importText(
      orders.map((order) => JSON.stringify(order)).join('\n'),
      { file: 'orders.jsonl', kind: 'orders', format: 'jsonl' },
      sink,
    );
    expect(report.rejected).toEqual([]);
    expect(report.written).toBe(3);
    expect(report.skipped).toEqual([{ line: 4, reason: expect.stringContaining('pending') }]);
  });

  it('reads the order export CSV in the site time zone, and its customers by billing email', async () => {
    const { report, orders } = await importFixture('woocommerce/orders-export.csv', 'orders', 'csv', {
      presetOptions: { timeZone: 'Europe/London' },
    });
    expect(report.rejected).toEqual([]);
    expect(report.skipped).toEqual([{ line: 6, reason: 'order 2845 is no purchase: its payment failed' }]);
    expect(orders.map((o) => [o.orderId, o.customerId, o.placedAt, o.status, o.refundedAmount])).toEqual([
      ['2841', 'priya@example.com', '2026-03-02T10:14:09.000Z', 'paid', undefined],
      ['2842', 'john@example.com', '2026-03-28T01:30:00.000Z', 'partially_refunded', 10],
      ['2843', 'john@example.com', '2026-04-03T13:00:00.000Z', 'refunded', 23.5],
      ['2844', 'priya@example.com', '2026-04-05T08:00:00.000Z', 'cancelled', undefined],
    ]);
    const customers = await importFixture('woocommerce/orders-export.csv', 'customers', 'csv');
    expect(customers.report.rejected).toEqual([]);
    expect(customers.customers.map((c) => [c.customerId, c.firstName])).toEqual([
      ['priya@example.com', 'Priya'],
      ['john@example.com', 'John'],
      ['sam@example.com', 'Sam'],
    ]);
  });
});

describe('--format', () => {
  it('refuses a file whose header is not the named layout, naming the missing columns', async () => {
    const { report } = await importFixture('stripe/payments.csv', 'orders', 'csv', {
      preset: 'shopify-orders',
    });
    expect(report.written).toBe(0);
    expect(report.rejected[0]?.reason).toContain(
      'the header is not a Shopify orders export: it lacks "Name"',
    );
  });
});

describe('a broken Shopify export', () => {
  it('writes the order held back before a quote left open, and stops there', async () => {
    const text = await fixture('shopify/orders_export.csv');
    const lines = text.trimEnd().split('\n');
    // #1001's three rows, then #1002's row with an opening quote that never closes, then more rows.
    const broken = [...lines.slice(0, 4), `"${lines[4] ?? ''}`, ...lines.slice(5)];
    const sink = new MemorySink();
    const report = await importText(
      `${broken.join('\n')}\n`,
      { file: 'o.csv', kind: 'orders', format: 'csv' },
      sink,
    );
    expect([...sink.orders.values()].map((order) => order.orderId)).toEqual(['1001']);
    expect(report.stopped?.line).toBe(5);
  });
});

describe('a Stripe export in a chosen time zone', () => {
  it('reads the created date in the zone its column names', async () => {
    const text = (await fixture('stripe/payments.csv')).replace(
      'Created date (UTC)',
      'Created date (Europe/Berlin)',
    );
    const sink = new MemorySink();
    const report = await importText(text, { file: 'p.csv', kind: 'orders', format: 'csv' }, sink);
    expect(report.rejected).toEqual([]);
    // 10:14:09 in Berlin in March (CET, +01:00) is 09:14:09 UTC.
    expect([...sink.orders.values()][0]?.placedAt).toBe('2026-03-02T09:14:09.000Z');
  });
});
