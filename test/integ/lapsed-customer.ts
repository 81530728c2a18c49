/** A lapsed customer the default config enrols in gentle-winback: bought twice, last 200 days ago. */
export const lapsedCustomer = {
  customerId: 'lapsed-1',
  email: 'lapsed@example.com',
  firstName: 'Asha',
  locale: 'en',
  timeZone: 'Asia/Kolkata',
  consent: 'granted',
} as const;

export const customerColumns = ['customerId', 'email', 'firstName', 'locale', 'timeZone', 'consent'] as const;
export const orderColumns = ['orderId', 'customerId', 'placedAt', 'amount'] as const;

/** Her two orders, 400 and 200 days before `now`. */
export function lapsedOrders(now: number) {
  const daysAgo = (days: number) => new Date(now - days * 86_400_000).toISOString();
  return [
    { orderId: 'o1', customerId: lapsedCustomer.customerId, placedAt: daysAgo(400), amount: 20 },
    { orderId: 'o2', customerId: lapsedCustomer.customerId, placedAt: daysAgo(200), amount: 30 },
  ];
}
