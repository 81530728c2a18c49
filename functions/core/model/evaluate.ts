import type { FitResult } from './fit.ts';
import { scoreColumns } from './scores.ts';
import type { CustomerSummary, SummaryColumns } from './summary-data.ts';
import { toColumns } from './summary-data.ts';

/** Expected against actual holdout purchases for one group of customers. */
export interface HoldoutGroup {
  /** Calibration repeat purchases x ("7+" collects the tail). */
  readonly label: string;
  readonly customers: number;
  readonly expected: number;
  readonly actual: number;
}

/** One model's holdout comparison. */
export interface HoldoutComparison {
  readonly model: string;
  readonly totalExpected: number;
  readonly totalActual: number;
  /** Root mean squared error of expected against actual purchases per customer. */
  readonly rmse: number;
  readonly byFrequency: readonly HoldoutGroup[];
}

const LAST_GROUP = 7;

/**
 * Compares each customer's conditional expected purchases over the holdout (length `horizon`) with what
 * they actually bought, in total and by number of calibration repeat purchases (0, 1, …, 7+), as in
 * Fader, Hardie & Lee (2005, figure 4).
 */
export function compareHoldout(
  fit: FitResult,
  customers: readonly CustomerSummary[],
  actual: ReadonlyMap<string, number>,
  horizon: number,
): HoldoutComparison {
  return compareHoldoutColumns(
    fit,
    toColumns(customers),
    customers.map((customer) => actual.get(customer.customerId) ?? 0),
    horizon,
  );
}

/**
 * {@link compareHoldout} over summary columns, with customer i's actual holdout purchases at
 * `actual[i]` (as `readTransactionsHoldout` gives them): no object per customer.
 */
export function compareHoldoutColumns(
  fit: FitResult,
  columns: SummaryColumns,
  actual: ArrayLike<number>,
  horizon: number,
): HoldoutComparison {
  const scores = scoreColumns(fit, columns, horizon);
  const groups = Array.from({ length: LAST_GROUP + 1 }, (_, x) => ({
    label: x === LAST_GROUP ? `${LAST_GROUP}+` : String(x),
    customers: 0,
    expected: 0,
    actual: 0,
  }));
  const n = columns.frequency.length;
  let squared = 0;
  for (let i = 0; i < n; i += 1) {
    const expected = scores.expectedPurchases[i] ?? 0;
    const observed = actual[i] ?? 0;
    squared += (expected - observed) ** 2;
    const group = groups[Math.min(columns.frequency[i] ?? 0, LAST_GROUP)];
    if (group === undefined) continue;
    group.customers += 1;
    group.expected += expected;
    group.actual += observed;
  }
  return {
    model: fit.model,
    totalExpected: groups.reduce((sum, group) => sum + group.expected, 0),
    totalActual: groups.reduce((sum, group) => sum + group.actual, 0),
    rmse: n === 0 ? 0 : Math.sqrt(squared / n),
    byFrequency: groups,
  };
}

const COLOURS = ['#1b6ca8', '#d1495b', '#2e8b57', '#8c564b'];

function escapeXml(text: string): string {
  return text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');
}

/**
 * An SVG line chart of mean holdout purchases per customer by calibration repeat purchases: the actual
 * values in black, each model's expectation in colour. Self-contained, no fonts or scripts.
 */
export function holdoutChartSvg(comparisons: readonly HoldoutComparison[], title: string): string {
  const width = 640;
  const height = 400;
  const left = 60;
  const right = 150;
  const top = 40;
  const bottom = 50;
  const first = comparisons[0];
  const labels = first?.byFrequency.map((group) => group.label) ?? [];
  const mean = (group: HoldoutGroup, field: 'expected' | 'actual') =>
    group.customers === 0 ? 0 : group[field] / group.customers;
  const actual = first?.byFrequency.map((group) => mean(group, 'actual')) ?? [];
  const series = comparisons.map((comparison) =>
    comparison.byFrequency.map((group) => mean(group, 'expected')),
  );
  const maxY = Math.max(1e-9, ...actual, ...series.flat()) * 1.1;
  const plotW = width - left - right;
  const plotH = height - top - bottom;
  const px = (i: number) => left + (labels.length <= 1 ? 0 : (i / (labels.length - 1)) * plotW);
  const py = (value: number) => top + plotH - (value / maxY) * plotH;
  const path = (values: readonly number[]) =>
    values.map((value, i) => `${i === 0 ? 'M' : 'L'}${px(i).toFixed(1)},${py(value).toFixed(1)}`).join(' ');
  const parts: string[] = [
    `<svg xmlns="http://www.w3.org/2000/svg" width="${width}" height="${height}" viewBox="0 0 ${width} ${height}" font-family="sans-serif" font-size="12">`,
    `<rect width="${width}" height="${height}" fill="white"/>`,
    `<text x="${left}" y="24" font-size="14">${escapeXml(title)}</text>`,
    `<line x1="${left}" y1="${top + plotH}" x2="${left + plotW}" y2="${top + plotH}" stroke="#333"/>`,
    `<line x1="${left}" y1="${top}" x2="${left}" y2="${top + plotH}" stroke="#333"/>`,
  ];
  for (let k = 0; k <= 4; k += 1) {
    const value = (maxY * k) / 4;
    parts.push(
      `<text x="${left - 6}" y="${py(value) + 4}" text-anchor="end">${value.toFixed(2)}</text>`,
      `<line x1="${left}" y1="${py(value)}" x2="${left + plotW}" y2="${py(value)}" stroke="#eee"/>`,
    );
  }
  labels.forEach((label, i) => {
    parts.push(`<text x="${px(i)}" y="${top + plotH + 18}" text-anchor="middle">${escapeXml(label)}</text>`);
  });
  parts.push(
    `<text x="${left + plotW / 2}" y="${height - 10}" text-anchor="middle">repeat purchases in calibration</text>`,
    `<text x="16" y="${top + plotH / 2}" transform="rotate(-90 16 ${top + plotH / 2})" text-anchor="middle">mean holdout purchases</text>`,
    `<path d="${path(actual)}" fill="none" stroke="black" stroke-width="2"/>`,
    `<text x="${left + plotW + 12}" y="${top + 12}">actual</text>`,
  );
  series.forEach((values, k) => {
    const colour = COLOURS[k % COLOURS.length] ?? 'gray';
    parts.push(
      `<path d="${path(values)}" fill="none" stroke="${colour}" stroke-width="2" stroke-dasharray="6 3"/>`,
      `<text x="${left + plotW + 12}" y="${top + 30 + 18 * k}" fill="${colour}">${escapeXml(comparisons[k]?.model ?? '')}</text>`,
    );
  });
  parts.push('</svg>');
  return `${parts.join('\n')}\n`;
}
