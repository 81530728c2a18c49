import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { parseConfig } from '../../../../functions/core/config/load.ts';

const shipped = readFileSync('config/rekindle.yaml', 'utf8');

/** The shipped config with its `segments:` section replaced by `segmentsYaml`. */
function withSegments(segmentsYaml: string): string {
  const start = shipped.indexOf('\nsegments:\n');
  const end = shipped.indexOf('\n# The daily segmenter');
  return `${shipped.slice(0, start)}\n${segmentsYaml}${shipped.slice(end)}`;
}

const lineOf = (text: string, needle: string) =>
  text.split('\n').findIndex((line) => line.includes(needle)) + 1;

describe('segment rules in the config', () => {
  it('accepts the shipped rules, the segmentation section and defaults', () => {
    const result = parseConfig(shipped, 'rekindle.yaml');
    expect(result.ok).toBe(true);
    if (!result.ok) return;
    expect(result.config.segments.map((segment) => segment.id)).toEqual([
      'open-ticket',
      'had-a-problem',
      'lost',
      'drifting',
      'lapsed',
    ]);
    expect(result.config.segments[0]?.sequence).toBeNull();
    expect(result.config.segments[1]).toMatchObject({
      sequence: 'make-it-right',
      when: {
        incident: { which: 'any', kind: ['damaged', 'late', 'wrong_item', 'refund_delay', 'billing'] },
      },
    });
    expect(result.config.segments[3]?.when.consent).toEqual(['granted', 'unknown']);
    expect(result.config.segmentation).toMatchObject({ schedule: 'cron(0 6 * * ? *)', model: 'auto' });
  });

  it('reads every kind of condition, one value or a list', () => {
    const text = withSegments(`segments:
  - id: all-fields
    when:
      pAlive: { min: 0.1, max: 0.9 }
      pReturn: { max: 0.5 }
      expectedPurchases: { min: 0 }
      daysSinceLastOrder: { min: 30 }
      overdueRatio: { min: 1.5 }
      orderCount: { min: 2 }
      totalSpend: { min: 100, max: 100 }
      incident: { kind: damaged, withinDays: 90, ticketOpen: false, resolved: true }
      locale: [en, hi]
      consent: granted
    sequence: gentle-winback
    holdoutPercent: 12.5
`);
    const result = parseConfig(text, 'rekindle.yaml');
    expect(result.ok).toBe(true);
    if (!result.ok) return;
    const [segment] = result.config.segments;
    expect(segment?.when.incident?.kind).toEqual(['damaged']);
    expect(segment?.when.consent).toEqual(['granted']);
    expect(segment?.holdoutPercent).toBe(12.5);
  });

  it.each([
    ['an unknown field', '      pAlvie: { max: 0.2 }', 'pAlvie', /pAlvie/],
    ['min above max', '      daysSinceLastOrder: { min: 200, max: 100 }', '200', /no customer can match/],
    ['a probability above 1', '      pReturn: { min: 1.5 }', '1.5', /at most 1/],
    ['a negative probability', '      pAlive: { max: -0.1 }', '-0.1', /at least 0/],
    ['an unknown incident kind', '      incident: { kind: [late, meteor] }', 'meteor', /damaged/],
    ['an unknown field in incident', '      incident: { within: 30 }', 'within', /within/],
    ['an unknown consent', '      consent: [granted, maybe]', 'maybe', /granted/],
  ])('refuses %s with its line and column', (_name, condition, needle, message) => {
    const text = withSegments(`segments:
  - id: broken
    when:
${condition}
    sequence: gentle-winback
`);
    const result = parseConfig(text, 'rekindle.yaml');
    expect(result.ok).toBe(false);
    if (result.ok) return;
    const line = lineOf(text, needle);
    const column = (text.split('\n')[line - 1] ?? '').indexOf(needle) + 1;
    expect(result.issues).toEqual([
      expect.objectContaining({ line, column, message: expect.stringMatching(message) }),
    ]);
  });

  it('refuses a reference to a missing sequence and a holdout above 100%, at their lines', () => {
    const text = withSegments(`segments:
  - id: a
    when: { orderCount: { min: 1 } }
    sequence: no-such-sequence
  - id: b
    sequence: null
    holdoutPercent: 120
`);
    const result = parseConfig(text, 'rekindle.yaml');
    expect(result.ok).toBe(false);
    if (result.ok) return;
    expect(result.issues).toEqual(
      expect.arrayContaining([
        expect.objectContaining({
          line: lineOf(text, 'no-such-sequence'),
          column: 15,
          message: 'no sequence has the id "no-such-sequence"',
        }),
        expect.objectContaining({ line: lineOf(text, 'holdoutPercent'), column: 21 }),
      ]),
    );
  });

  it('refuses a bad schedule and an unknown model', () => {
    const text = shipped
      .replace('schedule: cron(0 6 * * ? *)', 'schedule: every morning')
      .replace('model: auto', 'model: magic');
    const result = parseConfig(text, 'rekindle.yaml');
    expect(result.ok).toBe(false);
    if (result.ok) return;
    expect(result.issues.map((issue) => [issue.path, issue.line])).toEqual([
      ['segmentation.schedule', lineOf(text, 'every morning')],
      ['segmentation.model', lineOf(text, 'magic')],
    ]);
  });
});
