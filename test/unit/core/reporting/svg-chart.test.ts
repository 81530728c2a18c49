import { describe, expect, it } from 'vitest';
import { barChart, lineChart, niceCeiling } from '../../../../functions/core/reporting/svg-chart.ts';

describe('the bar chart', () => {
  const svg = barChart(
    [
      { label: 'sent', value: 200 },
      { label: 'opened <people>', value: 50, text: '50 (25%)' },
    ],
    { id: 'funnel 1', title: 'Funnel of winback', width: 400 },
  );

  it('is an image named by its title and description', () => {
    expect(svg).toMatch(/^<svg class="rk-chart" role="img" aria-labelledby="funnel-1-title funnel-1-desc"/);
    expect(svg).toContain('<title id="funnel-1-title">Funnel of winback</title>');
    expect(svg).toContain('<desc id="funnel-1-desc">sent: 200; opened &#60;people&#62;: 50 (25%)</desc>');
  });

  it('writes every value as text, escaped, and scales the bars to the largest', () => {
    expect(svg).toContain('>opened &#60;people&#62;</text>');
    expect(svg).toContain('>50 (25%)</text>');
    const widths = [...svg.matchAll(/<rect [^>]*width="([\d.]+)"/g)].map((match) => Number(match[1]));
    expect(widths).toHaveLength(2);
    expect(widths[1]).toBeCloseTo((widths[0] ?? 0) / 4, 1);
  });

  it('takes the page colour for text and shrinks to the page width', () => {
    expect(svg).toContain('fill="currentColor"');
    expect(svg).toContain('style="max-width:100%;height:auto"');
    expect(svg).toContain('viewBox="0 0 400 ');
  });

  it('draws zero bars without dividing by zero', () => {
    const empty = barChart([{ label: 'sent', value: 0 }], { id: 'z', title: 'nothing' });
    expect(empty).not.toContain('NaN');
    expect(empty).toContain('width="0.0"');
  });
});

describe('the line chart', () => {
  const svg = lineChart({
    id: 'weekly',
    title: 'Sent and returned per week',
    categories: ['2026-W44', '2026-W45', '2026-W46'],
    series: [
      { name: 'sent', values: [10, 40, 20] },
      { name: 'returned', values: [0, 3, 1] },
    ],
  });

  it('has a title, a description with every value, and a legend', () => {
    expect(svg).toContain('<title id="weekly-title">Sent and returned per week</title>');
    expect(svg).toContain(
      'sent: 2026-W44 10, 2026-W45 40, 2026-W46 20; returned: 2026-W44 0, 2026-W45 3, 2026-W46 1',
    );
    expect(svg).toContain('>sent</text>');
    expect(svg).toContain('>returned</text>');
  });

  it('draws one line per series with a point per category, told apart by dash and marker', () => {
    expect(svg.match(/<polyline /g)).toHaveLength(2);
    expect(svg.match(/<circle /g)).toHaveLength(3);
    expect(svg).toContain('stroke-dasharray="6 3"');
    expect(svg).toContain('<title>returned, 2026-W45: 3</title>');
  });

  it('puts the highest point under a round axis top', () => {
    expect(svg).toContain('>50</text>');
    expect(svg).not.toContain('NaN');
  });

  it('handles a single week and no data', () => {
    const one = lineChart({
      id: 'one',
      title: 't',
      categories: ['W1'],
      series: [{ name: 's', values: [0] }],
    });
    expect(one).not.toContain('NaN');
  });
});

describe('niceCeiling', () => {
  it('rounds up to 1, 2 or 5 times a power of ten', () => {
    expect([0, 0.3, 1, 7, 12, 40, 51, 1000].map(niceCeiling)).toEqual([1, 0.5, 1, 10, 20, 50, 100, 1000]);
  });
});
