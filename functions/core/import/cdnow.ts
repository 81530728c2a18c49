/**
 * CDNOW's transactions (`customer_id,date,cds,amount`, the classic "buy till you die" data set) as
 * the two files `rekindle import` reads: customers and orders. CDNOW names no one, so each customer
 * gets an address at example.com (reserved, never delivered), locale en-US and New York's zone;
 * consent is `unknown`, as for any customer who never said. Each row is one order, numbered per
 * customer (`2-1`, `2-2`), in US dollars.
 */
export interface CdnowConversion {
  /** customers.csv in the import's layout. */
  readonly customersCsv: string;
  /** orders.csv in the import's layout. */
  readonly ordersCsv: string;
  readonly customers: number;
  readonly orders: number;
  /** Lines that are not a transaction, with their line number and why. */
  readonly rejected: readonly { readonly line: number; readonly reason: string }[];
}

const header = ['customer_id', 'date', 'cds', 'amount'];

/** Converts the text of cdnow_master_transactions.csv (or its sample); see CdnowConversion. */
export function convertCdnow(text: string): CdnowConversion {
  const lines = text.split(/\r?\n/);
  const first = (lines[0] ?? '').trim().toLowerCase().split(',');
  const rejected: { line: number; reason: string }[] = [];
  if (first.join(',') !== header.join(','))
    return {
      customersCsv: '',
      ordersCsv: '',
      customers: 0,
      orders: 0,
      rejected: [
        { line: 1, reason: `expected the header ${header.join(',')}, found ${lines[0] ?? 'nothing'}` },
      ],
    };
  const ordersPerCustomer = new Map<string, number>();
  const customerRows: string[] = ['customerId,email,firstName,locale,timeZone,consent'];
  const orderRows: string[] = ['orderId,customerId,placedAt,amount,currency'];
  for (const [index, raw] of lines.entries()) {
    if (index === 0 || raw.trim() === '') continue;
    const line = index + 1;
    const [customerId = '', date = '', , amount = ''] = raw.trim().split(',');
    if (!/^\d+$/.test(customerId)) {
      rejected.push({ line, reason: `customer_id "${customerId}" is not a number` });
      continue;
    }
    if (!/^\d{4}-\d{2}-\d{2}$/.test(date) || Number.isNaN(Date.parse(date))) {
      rejected.push({ line, reason: `date "${date}" is not a date such as 1997-01-31` });
      continue;
    }
    if (!/^\d+(\.\d+)?$/.test(amount)) {
      rejected.push({ line, reason: `amount "${amount}" is not a non-negative number` });
      continue;
    }
    const count = (ordersPerCustomer.get(customerId) ?? 0) + 1;
    ordersPerCustomer.set(customerId, count);
    if (count === 1)
      customerRows.push(`${customerId},customer-${customerId}@example.com,,en-US,America/New_York,unknown`);
    orderRows.push(`${customerId}-${count},${customerId},${date},${amount},USD`);
  }
  return {
    customersCsv: `${customerRows.join('\n')}\n`,
    ordersCsv: `${orderRows.join('\n')}\n`,
    customers: customerRows.length - 1,
    orders: orderRows.length - 1,
    rejected,
  };
}
