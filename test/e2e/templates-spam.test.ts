import { describe, expect, it } from 'vitest';
import { scoreTemplates } from '../support/spam-score.ts';

describe('SpamAssassin (spamassassin -L -t) over every template × locale', () => {
  it('scores each message at most 0.5, with no hidden-text or contrast rule firing', {
    timeout: 600_000,
  }, async () => {
    const scores = await scoreTemplates();
    // 4 messages × 4 locales × 2 sample customers.
    expect(scores).toHaveLength(32);
    expect(scores.filter((score) => score.score > 0.5)).toEqual([]);
    const fired = new Set(scores.flatMap((score) => score.rules.map((rule) => rule.name)));
    expect([...fired].filter((rule) => /LOW_CONTRAST|HIDDEN|TINY_FONT|OBFUSC/.test(rule))).toEqual([]);
  });
});
