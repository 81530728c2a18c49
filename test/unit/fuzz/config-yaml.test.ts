import { readFileSync } from 'node:fs';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { type ConfigResult, parseConfig } from '../../../functions/core/config/load.ts';
import { hostileString, prototypeKeys } from './arbitraries.ts';

const file = 'config/rekindle.yaml';
const valid = readFileSync(file, 'utf8');
const lines = valid.split('\n');

/** Lines that hold a key of a block mapping (not a sequence item), with their indentation. */
const keyLines = lines.flatMap((line, index) => {
  const match = /^( *)([A-Za-z][\w-]*):(?: |$)/.exec(line);
  return match === null ? [] : [{ index, indent: match[1] ?? '' }];
});

/** Either valid, or every issue placed inside the text with a message a person can read. */
function expectClearResult(result: ConfigResult, text: string): void {
  if (result.ok) return;
  expect(result.issues.length).toBeGreaterThan(0);
  const lineCount = text.split(/\r\n|\r|\n/).length;
  for (const issue of result.issues) {
    expect(issue.file).toBe(file);
    expect(issue.line).toBeGreaterThanOrEqual(1);
    expect(issue.line).toBeLessThanOrEqual(lineCount + 1);
    expect(issue.column).toBeGreaterThanOrEqual(1);
    expect(issue.message.trim()).not.toBe('');
  }
}

/** YAML-flavoured noise: indicators, anchors, aliases, tags, flow collections, directives. */
const yamlToken = fc.oneof(
  hostileString,
  fc.constantFrom(
    ': ',
    '- ',
    '\n',
    '\n  ',
    '&a ',
    '*a',
    '*missing',
    '<<: *a',
    '!!binary ',
    '!!set ',
    '!!timestamp ',
    '!custom ',
    '? ',
    '[',
    ']',
    '{',
    '}',
    '|',
    '>-',
    '%YAML 1.1\n---\n',
    '---\n',
    '...\n',
    '#',
    "'",
    '"',
    '\t',
  ),
);

type LineEdit =
  | { kind: 'delete'; line: number }
  | { kind: 'duplicate'; line: number }
  | { kind: 'value'; line: number; value: string }
  | { kind: 'insert'; line: number; text: string };

const lineEdit: fc.Arbitrary<LineEdit> = fc.oneof(
  fc.record({ kind: fc.constant('delete' as const), line: fc.nat() }),
  fc.record({ kind: fc.constant('duplicate' as const), line: fc.nat() }),
  fc.record({
    kind: fc.constant('value' as const),
    line: fc.nat(),
    value: fc.oneof(
      hostileString,
      hostileString.map((text) => JSON.stringify(text)),
    ),
  }),
  fc.record({
    kind: fc.constant('insert' as const),
    line: fc.nat(),
    text: fc.array(yamlToken, { maxLength: 6 }).map((parts) => parts.join('')),
  }),
);

function applyEdits(edits: readonly LineEdit[]): string {
  const result = [...lines];
  for (const edit of edits) {
    const at = edit.line % result.length;
    const line = result[at] ?? '';
    if (edit.kind === 'delete') result.splice(at, 1);
    else if (edit.kind === 'duplicate') result.splice(at, 0, line);
    else if (edit.kind === 'insert') result.splice(at, 0, edit.text);
    else result[at] = line.includes(': ') ? `${line.slice(0, line.indexOf(': '))}: ${edit.value}` : line;
  }
  return result.join('\n');
}

describe('config YAML under fuzzing', () => {
  it('never throws on arbitrary text; every issue has a place and a message', () => {
    fc.assert(
      fc.property(fc.array(yamlToken, { maxLength: 30 }), (parts) => {
        const text = parts.join('');
        expectClearResult(parseConfig(text, file), text);
      }),
      { numRuns: 300 },
    );
  });

  it('never throws on the shipped config with lines deleted, duplicated, rewritten or inserted', () => {
    fc.assert(
      fc.property(fc.array(lineEdit, { minLength: 1, maxLength: 4 }), (edits) => {
        const text = applyEdits(edits);
        expectClearResult(parseConfig(text, file), text);
      }),
      { numRuns: 200 },
    );
  });

  it('never throws on the shipped config cut short at any point', () => {
    fc.assert(
      fc.property(fc.nat({ max: valid.length }), (end) => {
        const text = valid.slice(0, end);
        expectClearResult(parseConfig(text, file), text);
      }),
      { numRuns: 150 },
    );
  });

  it('names the line of an unknown key wherever it is added, prototype keys included', () => {
    fc.assert(
      fc.property(
        fc.constantFrom(...keyLines),
        fc.oneof(fc.constantFrom(...prototypeKeys), fc.stringMatching(/^zz[A-Za-z0-9]{1,12}$/)),
        fc.oneof(fc.constant('1'), fc.constant('{ polluted: true }'), fc.constant('[a, b]')),
        ({ index, indent }, key, value) => {
          const text = [...lines.slice(0, index), `${indent}${key}: ${value}`, ...lines.slice(index)].join(
            '\n',
          );
          const result = parseConfig(text, file);
          expect(result.ok).toBe(false);
          if (result.ok) return;
          expectClearResult(result, text);
          const named = result.issues.filter(
            (issue) => issue.line === index + 1 && `${issue.path} ${issue.message}`.includes(key),
          );
          expect(named).not.toEqual([]);
        },
      ),
      { numRuns: 200 },
    );
  });

  it('reports an unresolved alias with its place instead of throwing', () => {
    const text = valid.replace('  defaultLocale: en', '  defaultLocale: *nowhere');
    const result = parseConfig(text, file);
    expect(result).toMatchObject({ ok: false });
    if (!result.ok) {
      expect(result.issues).toEqual([
        expect.objectContaining({
          line: text.split('\n').findIndex((line) => line.includes('*nowhere')) + 1,
          column: 18,
          message: expect.stringContaining('nowhere'),
        }),
      ]);
    }
  });

  it('reports an alias bomb (a billion laughs) as an issue instead of throwing', () => {
    const bomb = [
      'a: &a [x, x, x, x, x, x, x, x, x]',
      'b: &b [*a, *a, *a, *a, *a, *a, *a, *a, *a]',
      'c: &c [*b, *b, *b, *b, *b, *b, *b, *b, *b]',
      'd: [*c, *c, *c, *c, *c, *c, *c, *c, *c]',
    ].join('\n');
    const result = parseConfig(bomb, file);
    expect(result).toMatchObject({ ok: false });
    if (!result.ok) expect(result.issues[0]?.message).toMatch(/alias/i);
  });

  it('refuses a "__proto__" key in a per-locale text instead of dropping it', () => {
    const index = lines.findIndex((line) => /^ {8}en: /.test(line));
    const text = [...lines.slice(0, index), '        __proto__: [a, b]', ...lines.slice(index)].join('\n');
    const result = parseConfig(text, file);
    expect(result).toMatchObject({ ok: false });
    if (!result.ok) {
      expect(result.issues).toEqual([
        expect.objectContaining({
          line: index + 1,
          column: 9,
          message: expect.stringContaining('__proto__'),
        }),
      ]);
    }
  });
});
