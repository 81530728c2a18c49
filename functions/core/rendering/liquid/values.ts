/** Liquid's values as liquidjs treats them: nil, empty and blank, truthiness, equality, printing. */

/**
 * A value liquidjs keeps as a "drop": it prints and compares as `valueOf()`, and its properties are
 * its own (`property`), never a field of the JavaScript object.
 */
export abstract class Drop {
  abstract valueOf(): unknown;
  /** The property `key`; undefined when it has none. */
  property(key: unknown): unknown {
    // liquidjs calls a drop's methods; the constructor cannot be called.
    if (key === 'constructor') throw new TypeError('Class constructor cannot be invoked without new');
    if (key === 'valueOf') return this.valueOf();
    return undefined;
  }
}

/** `nil`, `empty` and `blank`: compared as liquidjs's drops compare, printed as '' (nil as nothing). */
export class Special extends Drop {
  constructor(readonly kind: 'nil' | 'empty' | 'blank') {
    super();
  }
  valueOf(): unknown {
    return this.kind === 'nil' ? null : '';
  }
  equals(value: unknown): boolean {
    if (this.kind === 'nil') return plain(value) == null;
    if (this.kind === 'blank') {
      if (value === false || plain(value) == null) return true;
      if (typeof value === 'string') return /^\s*$/.test(value);
    }
    if (value instanceof Special && value.kind !== 'nil') return false;
    const inner = plain(value);
    if (typeof inner === 'string' || Array.isArray(inner)) return inner.length === 0;
    if (typeof inner === 'object' && inner !== null) return Object.keys(inner).length === 0;
    return false;
  }
}

export const literals: Readonly<Record<string, unknown>> = {
  true: true,
  false: false,
  nil: new Special('nil'),
  null: new Special('nil'),
  empty: new Special('empty'),
  blank: new Special('blank'),
};

/** `forloop`: its index, first, last…; printed, it is liquidjs's JSON of the loop's state. */
export class Forloop extends Drop {
  i = 0;
  constructor(
    readonly length: number,
    readonly name: string,
  ) {
    super();
  }
  valueOf(): string {
    return JSON.stringify({ i: this.i, length: this.length, name: this.name });
  }
  override property(key: unknown): unknown {
    switch (key) {
      case 'i':
      case 'index0':
        return this.i;
      case 'index':
        return this.i + 1;
      case 'first':
        return this.i === 0;
      case 'last':
        return this.i === this.length - 1;
      case 'rindex':
        return this.length - this.i;
      case 'rindex0':
        return this.length - this.i - 1;
      case 'length':
        return this.length;
      case 'name':
        return this.name;
      default:
        return super.property(key);
    }
  }
}

/** What a value is to a filter or an operator: a drop's `valueOf()`, else itself (liquidjs's toValue). */
export const plain = (value: unknown): unknown => (value instanceof Drop ? value.valueOf() : value);
export const isFalsy = (value: unknown) => {
  const inner = plain(value);
  return inner === false || inner === undefined || inner === null;
};

export function stringify(value: unknown): string {
  const inner = plain(value);
  if (typeof inner === 'string') return inner;
  if (inner == null) return '';
  if (Array.isArray(inner)) return inner.map(stringify).join('');
  return String(inner);
}

export function equals(left: unknown, right: unknown): boolean {
  if (left instanceof Special) return left.equals(right);
  if (right instanceof Special) return right.equals(left);
  // Any other drop (forloop) compares as its value.
  const lhs = plain(left);
  const rhs = plain(right);
  if (Array.isArray(lhs))
    return Array.isArray(rhs) && lhs.length === rhs.length && lhs.every((item, i) => equals(item, rhs[i]));
  return lhs === rhs;
}

export type Compare = (left: never, right: never) => boolean;
/** A drop never orders: liquidjs's nil, empty and blank answer false to <, >, <= and >=. */
export const ordered =
  (compare: Compare) =>
  (left: unknown, right: unknown): boolean => {
    if (left instanceof Special || right instanceof Special) return false;
    return compare(left as never, right as never);
  };

export const binaryOperators: Readonly<Record<string, (left: unknown, right: unknown) => boolean>> = {
  '==': equals,
  '!=': (left, right) => !equals(left, right),
  '<': ordered((l, r) => l < r),
  '>': ordered((l, r) => l > r),
  '<=': ordered((l, r) => l <= r),
  '>=': ordered((l, r) => l >= r),
  contains: (left, right) => {
    const inner = plain(left);
    if (Array.isArray(inner)) return inner.some((item) => equals(item, right));
    if (typeof inner === 'string') return inner.indexOf(plain(right) as string) > -1;
    return false;
  },
  and: (left, right) => !isFalsy(left) && !isFalsy(right),
  or: (left, right) => !isFalsy(left) || !isFalsy(right),
};
export const precedence: Readonly<Record<string, number>> = {
  '==': 2,
  '!=': 2,
  '<': 2,
  '>': 2,
  '<=': 2,
  '>=': 2,
  contains: 2,
  not: 1,
  and: 0,
  or: 0,
};
