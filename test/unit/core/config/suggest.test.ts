import { describe, expect, it } from 'vitest';
import { closest, didYouMean } from '../../../../functions/core/config/suggest.ts';

describe('did you mean', () => {
  it('finds a name with a letter missing, swapped or wrong', () => {
    expect(closest('holdoutPercnt', ['holdoutPercent', 'sequence'])).toBe('holdoutPercent');
    expect(closest('apolgy', ['apology', 'checking-in'])).toBe('apology');
    expect(closest('damage', ['damaged', 'late'])).toBe('damaged');
    expect(closest('Europe/Londn', ['Europe/London', 'Europe/Lisbon'])).toBe('Europe/London');
  });

  it('suggests nothing for a name far from every candidate, or for the name itself', () => {
    expect(closest('lastName', ['id', 'firstName', 'email'])).toBeUndefined();
    expect(closest('apology', ['apology'])).toBeUndefined();
    expect(didYouMean('xyz', ['apology'])).toBe('');
    expect(didYouMean('mj-txt', ['mj-text', 'mj-table'])).toBe('; did you mean "mj-text"?');
  });
});
