import { describe, expect, it } from 'vitest';
import { arrayElementLines } from '../../../../functions/core/import/json-array.ts';

describe('arrayElementLines', () => {
  it('gives the line each element starts on, whatever brackets and quotes its strings hold', () => {
    const text = '[\n  {"a": "x]},\\"{"},\n\n  {"b": [1,\n 2]}, 3,\n  "s,t"\n]';
    expect(JSON.parse(text)).toHaveLength(4);
    expect(arrayElementLines(text)).toEqual([2, 4, 5, 6]);
  });

  it('is empty for an empty array', () => {
    expect(arrayElementLines('[ ]')).toEqual([]);
  });
});
