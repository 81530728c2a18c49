import fc from 'fast-check';

/** Keys that pollute or shadow `Object.prototype` when copied naively into an object. */
export const prototypeKeys = ['__proto__', 'constructor', 'prototype', 'toString', 'hasOwnProperty'] as const;

/** Strings that broke real parsers: prototype keys, markup, templates, separators, numbers in disguise. */
const nastyStrings = [
  ...prototypeKeys,
  '',
  ' ',
  '\u0000',
  '\uFEFF',
  '\u202E',
  '\r\n',
  '"',
  ',',
  '#',
  '<script>alert(1)</script>',
  '{{ shop.name }}',
  '{% raw %}',
  'NaN',
  'Infinity',
  '-0',
  '1e400',
  'null',
  'true',
  '2026-02-30T10:00:00Z',
  '9'.repeat(400),
];

/** Unicode text, control characters, known troublemakers and long runs. */
export const hostileString: fc.Arbitrary<string> = fc.oneof(
  fc.string({ maxLength: 40 }),
  fc.string({ unit: 'grapheme', maxLength: 40 }),
  fc.string({ unit: 'binary', maxLength: 40 }),
  fc.constantFrom(...nastyStrings),
  fc
    .tuple(fc.string({ minLength: 1, maxLength: 4 }), fc.integer({ min: 500, max: 5_000 }))
    .map(([unit, times]) => unit.repeat(times)),
);

/** Any JSON-like value, with hostile strings and prototype keys among the object keys. */
export const hostileJson: fc.Arbitrary<unknown> = fc.letrec<{ value: unknown }>((tie) => ({
  value: fc.oneof(
    { depthSize: 'small' },
    hostileString,
    fc.double(),
    fc.integer(),
    fc.boolean(),
    fc.constant(null),
    fc.array(tie('value'), { maxLength: 4 }),
    fc
      .array(fc.tuple(fc.oneof(hostileString, fc.constantFrom(...prototypeKeys)), tie('value')), {
        maxLength: 4,
      })
      // defineProperty-like semantics, as JSON.parse gives: `__proto__` becomes an own key.
      .map((entries) => Object.fromEntries(entries)),
  ),
})).value;

/** The paths of every node under `value` (the root is `[]`). */
function pathsOf(value: unknown, prefix: readonly (string | number)[] = []): (string | number)[][] {
  const paths: (string | number)[][] = [[...prefix]];
  if (Array.isArray(value)) {
    for (const [i, item] of value.entries()) paths.push(...pathsOf(item, [...prefix, i]));
  } else if (typeof value === 'object' && value !== null)
    for (const [key, item] of Object.entries(value)) paths.push(...pathsOf(item, [...prefix, key]));
  return paths;
}

export type Mutation =
  | { readonly kind: 'replace'; readonly pick: number; readonly value: unknown }
  | { readonly kind: 'delete'; readonly pick: number }
  | { readonly kind: 'add'; readonly pick: number; readonly key: string; readonly value: unknown };

export const mutation: fc.Arbitrary<Mutation> = fc.oneof(
  fc.record({ kind: fc.constant('replace' as const), pick: fc.nat(), value: hostileJson }),
  fc.record({ kind: fc.constant('delete' as const), pick: fc.nat() }),
  fc.record({
    kind: fc.constant('add' as const),
    pick: fc.nat(),
    key: fc.oneof(hostileString, fc.constantFrom(...prototypeKeys)),
    value: hostileJson,
  }),
);

const isContainer = (value: unknown): value is object => typeof value === 'object' && value !== null;

/** Sets `key` as an own property, even `__proto__`, as JSON.parse would. */
const setOwn = (target: object, key: string, value: unknown) =>
  Reflect.defineProperty(target, key, { value, enumerable: true, writable: true, configurable: true });

/** A deep copy of the JSON `value` with one node replaced, deleted, or given an extra key. */
export function mutate(value: unknown, change: Mutation): unknown {
  const copy: unknown = JSON.parse(JSON.stringify(value));
  const paths = pathsOf(copy);
  const path = paths[change.pick % paths.length] ?? [];
  const last = path.at(-1);
  if (last === undefined) return change.kind === 'replace' ? change.value : copy;
  let parent: unknown = copy;
  for (const segment of path.slice(0, -1))
    parent = isContainer(parent) ? Reflect.get(parent, segment) : undefined;
  if (!isContainer(parent)) return copy;
  if (change.kind === 'replace') setOwn(parent, String(last), change.value);
  else if (change.kind === 'delete') {
    if (Array.isArray(parent)) parent.splice(Number(last), 1);
    else Reflect.deleteProperty(parent, String(last));
  } else {
    const target: unknown = Reflect.get(parent, last);
    if (isContainer(target) && !Array.isArray(target)) setOwn(target, change.key, change.value);
  }
  return copy;
}
