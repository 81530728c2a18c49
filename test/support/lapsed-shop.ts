import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';

/**
 * Writes customers.csv and orders.csv to `dir`: twelve customers c1…c12 (first names Ana1…Ana12)
 * whose one order was on 2025-08-14, 200 days before 2 March 2026 — all lapsed in the shipped config.
 */
export async function writeLapsedShop(dir: string, extraCustomerRows: readonly string[] = []) {
  const ids = Array.from({ length: 12 }, (_, i) => `c${i + 1}`);
  const customers = join(dir, 'customers.csv');
  const orders = join(dir, 'orders.csv');
  await writeFile(
    customers,
    [
      'customerId,email,firstName,locale,timeZone,consent',
      ...ids.map((id, i) => `${id},${id}@example.com,Ana${i + 1},en,Europe/London,granted`),
      ...extraCustomerRows,
    ].join('\n'),
  );
  await writeFile(
    orders,
    ['orderId,customerId,placedAt,amount', ...ids.map((id) => `${id}-1,${id},2025-08-14,30`)].join('\n'),
  );
  return { customers, orders, ids };
}
