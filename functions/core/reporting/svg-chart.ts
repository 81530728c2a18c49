/**
 * Small self-contained SVG charts for the HTML pages (the report, the plan): no scripts, no fonts or
 * images fetched. Each chart is a `role="img"` with a `<title>` and `<desc>` naming what it shows,
 * every value is also written as text, text and axes take the page's colour (`currentColor`) so the
 * charts read in dark mode, and the width scales down to the page (a phone at 375 px).
 */

/** One bar: its label, its value, and the text shown beside it (the value itself by default). */
export interface Bar {
  readonly label: string;
  readonly value: number;
  readonly text?: string;
}

export interface BarChartOptions {
  /** Unique in the page: the title and description are referenced by it. */
  readonly id: string;
  /** What the chart shows, read by screen readers and shown as a tooltip. */
  readonly title: string;
  /** A sentence with the numbers, for screen readers. @default the bars' labels and texts */
  readonly description?: string;
  /** The value a full-width bar stands for. @default the largest value */
  readonly max?: number;
  /** @default 520 */
  readonly width?: number;
}

/** A point on the x axis (a week, say) with one value per series. */
export interface LineChartOptions {
  readonly id: string;
  readonly title: string;
  readonly description?: string;
  /** The x axis labels, in order. */
  readonly categories: readonly string[];
  /** Each series has one value per category; up to four are told apart by dash and marker too. */
  readonly series: readonly { readonly name: string; readonly values: readonly number[] }[];
  /** @default 520 */
  readonly width?: number;
  /** @default 220 */
  readonly height?: number;
}

/** Colours readable on white and on a dark page (contrast ≥ 3:1 on both). */
export const chartColours = ['#3b82f6', '#d97706', '#16a34a', '#db2777'] as const;
const dashes = ['', '6 3', '2 3', '8 3 2 3'] as const;

/** Escapes text for an HTML or SVG text node or attribute. */
export const escapeXml = (text: string) => text.replace(/[&<>"']/g, (char) => `&#${char.charCodeAt(0)};`);

const number = (value: number) => (Number.isInteger(value) ? String(value) : value.toFixed(1));
const safeId = (id: string) => id.replace(/[^A-Za-z0-9_-]/g, '-');

function open(id: string, title: string, description: string, width: number, height: number): string {
  const key = safeId(id);
  return `<svg class="rk-chart" role="img" aria-labelledby="${key}-title ${key}-desc" xmlns="http://www.w3.org/2000/svg" viewBox="0 0 ${width} ${height}" width="${width}" height="${height}" style="max-width:100%;height:auto" font-family="system-ui,sans-serif" fill="currentColor">
<title id="${key}-title">${escapeXml(title)}</title>
<desc id="${key}-desc">${escapeXml(description)}</desc>`;
}

/** A horizontal bar chart: one labelled row per bar, its text after the bar. */
export function barChart(bars: readonly Bar[], options: BarChartOptions): string {
  const width = options.width ?? 520;
  const rowHeight = 26;
  const labelWidth = Math.min(
    width * 0.35,
    Math.max(60, ...bars.map((bar) => 7 * Math.min(bar.label.length, 24) + 10)),
  );
  const textRoom = Math.min(width * 0.3, Math.max(50, ...bars.map((bar) => 6.5 * textOf(bar).length + 10)));
  const barRoom = Math.max(10, width - labelWidth - textRoom);
  const max = Math.max(options.max ?? 0, ...bars.map((bar) => bar.value), Number.MIN_VALUE);
  const height = Math.max(1, bars.length) * rowHeight + 4;
  const description = options.description ?? bars.map((bar) => `${bar.label}: ${textOf(bar)}`).join('; ');
  const rows = bars.map((bar, index) => {
    const y = index * rowHeight;
    const length = Math.max(0, (barRoom * bar.value) / max);
    const label = bar.label.length > 24 ? `${bar.label.slice(0, 23)}…` : bar.label;
    return `<text x="0" y="${y + 17}" font-size="13">${escapeXml(label)}</text>
<rect x="${labelWidth.toFixed(1)}" y="${y + 4}" width="${length.toFixed(1)}" height="18" rx="2" fill="${chartColours[0]}"/>
<text x="${(labelWidth + length + 6).toFixed(1)}" y="${y + 17}" font-size="12">${escapeXml(textOf(bar))}</text>`;
  });
  return `${open(options.id, options.title, description, width, height)}
${rows.join('\n')}
</svg>`;
}

const textOf = (bar: Bar) => bar.text ?? number(bar.value);

/** Rounds up to 1, 2 or 5 times a power of ten, for the top of an axis. */
export function niceCeiling(value: number): number {
  if (value <= 0) return 1;
  const power = 10 ** Math.floor(Math.log10(value));
  for (const step of [1, 2, 5, 10]) if (value <= step * power) return step * power;
  return 10 * power;
}

/** A line chart over categories (weeks): axes, gridlines at quarters, a legend, a value per point. */
export function lineChart(options: LineChartOptions): string {
  const width = options.width ?? 520;
  const height = options.height ?? 220;
  const legendHeight = 20 * Math.ceil(options.series.length / 2);
  const left = 44;
  // Room for the last label, centred on the last point.
  const right = 32;
  const top = 12 + legendHeight;
  const bottom = 36;
  const plotWidth = width - left - right;
  const plotHeight = height - top - bottom;
  const axisTop = niceCeiling(Math.max(0, ...options.series.flatMap((series) => series.values)));
  const count = options.categories.length;
  const x = (index: number) => left + (count <= 1 ? plotWidth / 2 : (plotWidth * index) / (count - 1));
  const y = (value: number) => top + plotHeight - (plotHeight * Math.max(0, value)) / axisTop;
  const grid = [0, 0.25, 0.5, 0.75, 1].map((share) => {
    const value = axisTop * share;
    return `<line x1="${left}" x2="${width - right}" y1="${y(value).toFixed(1)}" y2="${y(value).toFixed(1)}" stroke="currentColor" stroke-opacity="${share === 0 ? 0.6 : 0.15}"/>
<text x="${left - 6}" y="${(y(value) + 4).toFixed(1)}" font-size="11" text-anchor="end">${number(value)}</text>`;
  });
  // At most about six labels on the x axis, counted back from the last so it always has one.
  const every = Math.max(1, Math.ceil(count / 6));
  const labels = options.categories.map((category, index) =>
    (count - 1 - index) % every === 0
      ? `<text x="${x(index).toFixed(1)}" y="${height - bottom + 16}" font-size="11" text-anchor="middle">${escapeXml(category)}</text>`
      : '',
  );
  const lines = options.series.map((series, seriesIndex) => {
    const colour = chartColours[seriesIndex % chartColours.length] ?? chartColours[0];
    const dash = dashes[seriesIndex % dashes.length] ?? '';
    const points = series.values.map((value, index) => `${x(index).toFixed(1)},${y(value).toFixed(1)}`);
    const markers = series.values.map((value, index) => {
      const tip = `<title>${escapeXml(`${series.name}, ${options.categories[index] ?? ''}: ${number(value)}`)}</title>`;
      return seriesIndex % 2 === 0
        ? `<circle cx="${x(index).toFixed(1)}" cy="${y(value).toFixed(1)}" r="3.5" fill="${colour}">${tip}</circle>`
        : `<rect x="${(x(index) - 3.5).toFixed(1)}" y="${(y(value) - 3.5).toFixed(1)}" width="7" height="7" fill="${colour}">${tip}</rect>`;
    });
    const legendX = left + (seriesIndex % 2) * (plotWidth / 2);
    const legendY = 14 + 20 * Math.floor(seriesIndex / 2);
    return `<polyline points="${points.join(' ')}" fill="none" stroke="${colour}" stroke-width="2"${dash === '' ? '' : ` stroke-dasharray="${dash}"`}/>
${markers.join('\n')}
<line x1="${legendX}" x2="${legendX + 22}" y1="${legendY - 4}" y2="${legendY - 4}" stroke="${colour}" stroke-width="2"${dash === '' ? '' : ` stroke-dasharray="${dash}"`}/>
<text x="${legendX + 28}" y="${legendY}" font-size="12">${escapeXml(series.name)}</text>`;
  });
  const description =
    options.description ??
    options.series
      .map(
        (series) =>
          `${series.name}: ${series.values.map((value, index) => `${options.categories[index] ?? ''} ${number(value)}`).join(', ')}`,
      )
      .join('; ');
  return `${open(options.id, options.title, description, width, height)}
${grid.join('\n')}
${labels.join('\n')}
${lines.join('\n')}
</svg>`;
}

/** One estimate with its interval, for the interval chart. */
export interface IntervalRow {
  readonly label: string;
  readonly estimate: number;
  readonly low: number;
  readonly high: number;
}

export interface IntervalChartOptions {
  readonly id: string;
  readonly title: string;
  readonly description?: string;
  /** How a value reads on the chart ("+1.2 pts", "EUR 0.85"). */
  readonly format: (value: number) => string;
  /** @default 520 */
  readonly width?: number;
}

/**
 * Estimates with their intervals on one axis through zero (a forest plot): a row per estimate, its
 * interval as a bar, the estimate as a dot, and the three numbers written beside it.
 */
export function intervalChart(rows: readonly IntervalRow[], options: IntervalChartOptions): string {
  const width = options.width ?? 520;
  const rowHeight = 44;
  const top = 8;
  const bottom = 20;
  const height = top + Math.max(1, rows.length) * rowHeight + bottom;
  const left = 10;
  const right = 10;
  const span =
    Math.max(Number.MIN_VALUE, ...rows.flatMap((row) => [Math.abs(row.low), Math.abs(row.high)])) * 1.15;
  const x = (value: number) => left + ((value + span) / (2 * span)) * (width - left - right);
  const description =
    options.description ??
    rows
      .map(
        (row) =>
          `${row.label}: ${options.format(row.estimate)}, 95% interval ${options.format(row.low)} to ${options.format(row.high)}`,
      )
      .join('; ');
  const zero = x(0).toFixed(1);
  const drawn = rows.map((row, index) => {
    const y = top + index * rowHeight;
    const colour = chartColours[index % chartColours.length] ?? chartColours[0];
    return `<text x="${left}" y="${y + 12}" font-size="12">${escapeXml(`${row.label}: ${options.format(row.estimate)} (${options.format(row.low)} to ${options.format(row.high)})`)}</text>
<line x1="${x(row.low).toFixed(1)}" x2="${x(row.high).toFixed(1)}" y1="${y + 28}" y2="${y + 28}" stroke="${colour}" stroke-width="6" stroke-linecap="round"/>
<circle cx="${x(row.estimate).toFixed(1)}" cy="${y + 28}" r="6" fill="currentColor"/>`;
  });
  return `${open(options.id, options.title, description, width, height)}
<line x1="${zero}" x2="${zero}" y1="${top + 16}" y2="${height - bottom + 2}" stroke="currentColor" stroke-dasharray="3 3"/>
<text x="${zero}" y="${height - 4}" font-size="11" text-anchor="middle">0</text>
${drawn.join('\n')}
</svg>`;
}
