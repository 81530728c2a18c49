/**
 * Amounts by currency: the report adds orders of one currency only, and shows one line per currency,
 * because a sum of euros and dollars means nothing. An order without a currency is in the shop's
 * one, kept under the empty code.
 */
export interface Money {
  /** ISO 4217, or '' for orders imported without one. */
  readonly currency: string;
  readonly amount: number;
}

/** A running total per currency. */
export class MoneyTally {
  readonly #amounts = new Map<string, number>();

  add(currency: string | undefined, amount: number): void {
    const code = (currency ?? '').toUpperCase();
    this.#amounts.set(code, (this.#amounts.get(code) ?? 0) + amount);
  }

  addAll(amounts: readonly Money[]): void {
    for (const money of amounts) this.add(money.currency, money.amount);
  }

  /** The totals, the largest first (the shop's main currency leads). */
  list(): Money[] {
    return [...this.#amounts]
      .map(([currency, amount]) => ({ currency, amount }))
      .sort((a, b) => b.amount - a.amount || a.currency.localeCompare(b.currency));
  }
}

/** Each amount divided by `divisor` (revenue per email); none when the divisor is zero. */
export const perUnit = (amounts: readonly Money[], divisor: number): Money[] =>
  divisor === 0 ? [] : amounts.map((money) => ({ currency: money.currency, amount: money.amount / divisor }));

/** "EUR 1,234.50": the code first, so every currency reads alike whatever the locale. */
export function formatMoney(money: Money, digits = 2): string {
  const amount = money.amount.toLocaleString('en-US', {
    minimumFractionDigits: digits,
    maximumFractionDigits: digits,
  });
  return money.currency === '' ? amount : `${money.currency} ${amount}`;
}

/** Amounts side by side, never added ("EUR 120.00; USD 40.00"), or "none". */
export const formatAmounts = (amounts: readonly Money[], digits = 2): string =>
  amounts.length === 0 ? 'none' : amounts.map((money) => formatMoney(money, digits)).join('; ');
