/**
 * The Liquid the sender runs. It renders what liquidjs 10 renders with the options every message
 * is built with (`strictVariables`, `strictFilters`, `lenientIf`, and `outputEscape: 'escape'` for
 * HTML), for the tags and filters listed below; anything else is a LiquidSyntaxError. The build
 * renders every template with both and refuses one they disagree on (compile-templates.ts), so
 * liquidjs stays a build tool and the sender loads neither its 79 KB nor its start-up.
 */

/** Tags a template may use. */
export const liquidTags = [
  'if',
  'elsif',
  'else',
  'endif',
  'unless',
  'endunless',
  'case',
  'when',
  'endcase',
  'for',
  'endfor',
  'break',
  'continue',
  'assign',
  'capture',
  'endcapture',
  'comment',
  'endcomment',
  'raw',
  'endraw',
  '#',
] as const;

/** A template uses something this engine does not have, or is not well formed. */
export class LiquidSyntaxError extends Error {
  override readonly name = 'LiquidSyntaxError';
  constructor(
    message: string,
    /** The tag or output as written (`{% capture x %}`), and where it starts in `input`. */
    readonly source: string,
    readonly offset: number,
    /** The template's text. */
    readonly input: string,
  ) {
    super(message);
  }
}

/** Rendering failed: a variable the recipient does not have (strict), or a filter's own error. */
export class LiquidRenderError extends Error {
  override readonly name = 'LiquidRenderError';
  constructor(
    message: string,
    readonly source: string,
    readonly offset: number,
    readonly input: string,
    /** The variable path that was undefined (`incident` of `incident.kind`), when that was the failure. */
    readonly variable?: string,
    /** The value it was reading, as written (`incident.kind`). */
    readonly expression?: string,
  ) {
    super(message);
  }
}

// ---------------------------------------------------------------- values

/** `nil`, `empty` and `blank`: compared as liquidjs's drops compare, printed as '' (nil as nothing). */
class Special {
  constructor(readonly kind: 'nil' | 'empty' | 'blank') {}
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

const literals: Readonly<Record<string, unknown>> = {
  true: true,
  false: false,
  nil: new Special('nil'),
  null: new Special('nil'),
  empty: new Special('empty'),
  blank: new Special('blank'),
};

const plain = (value: unknown): unknown => (value instanceof Special ? value.valueOf() : value);
const isFalsy = (value: unknown) => {
  const inner = plain(value);
  return inner === false || inner === undefined || inner === null;
};

function stringify(value: unknown): string {
  const inner = plain(value);
  if (typeof inner === 'string') return inner;
  if (inner == null) return '';
  if (Array.isArray(inner)) return inner.map(stringify).join('');
  return String(inner);
}

function equals(left: unknown, right: unknown): boolean {
  if (left instanceof Special) return left.equals(right);
  if (right instanceof Special) return right.equals(left);
  if (Array.isArray(left))
    return (
      Array.isArray(right) && left.length === right.length && left.every((item, i) => equals(item, right[i]))
    );
  return left === right;
}

type Compare = (left: never, right: never) => boolean;
/** A drop never orders: liquidjs's nil, empty and blank answer false to <, >, <= and >=. */
const ordered =
  (compare: Compare) =>
  (left: unknown, right: unknown): boolean => {
    if (left instanceof Special || right instanceof Special) return false;
    return compare(left as never, right as never);
  };

const binaryOperators: Readonly<Record<string, (left: unknown, right: unknown) => boolean>> = {
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
const precedence: Readonly<Record<string, number>> = {
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

// ---------------------------------------------------------------- filters

const toNumber = (value: unknown) => +(plain(value) as number) || 0;
const codePointsUpTo = (text: string, count: number) => {
  let index = 0;
  for (let i = 0; i < count && index < text.length; i += 1)
    index += (text.codePointAt(index) ?? 0) > 0xffff ? 2 : 1;
  return index;
};
const codePointLength = (text: string) => [...text].length;

function trimStartOf(text: string, chars: ReadonlySet<string>): number {
  let start = 0;
  for (const char of text) {
    if (!chars.has(char)) break;
    start += char.length;
  }
  return start;
}
function trimEndOf(text: string, chars: ReadonlySet<string>, start = 0): number {
  let end = text.length;
  while (end > start) {
    const size = end - start >= 2 && (text.codePointAt(end - 2) ?? 0) > 0xffff ? 2 : 1;
    if (!chars.has(text.slice(end - size, end))) break;
    end -= size;
  }
  return end;
}

const htmlEscapes: Readonly<Record<string, string>> = {
  '&': '&amp;',
  '<': '&lt;',
  '>': '&gt;',
  '"': '&#34;',
  "'": '&#39;',
};
const escapeHtml = (value: unknown) =>
  stringify(value).replace(/[&<>"']/g, (char) => htmlEscapes[char] ?? char);

/** An element of a list or a string (a UTF-16 unit, as liquidjs reads it); negative from the end. */
function elementAt(list: ArrayLike<unknown>, index: number): unknown {
  const at = index < 0 ? list.length + index : index;
  return Object.hasOwn(list, at) ? list[at] : undefined;
}
const isArrayLike = (value: unknown): value is ArrayLike<unknown> =>
  typeof value === 'string' || Array.isArray(value);

/** Filters a template may use: liquidjs's, argument for argument. `raw` stops the output's escaping. */
const filters: Readonly<Record<string, (value: unknown, ...args: unknown[]) => unknown>> = {
  default: (value, fallback, ...options) => {
    const inner = plain(value);
    if (Array.isArray(inner) || typeof inner === 'string') return inner.length > 0 ? inner : fallback;
    const allowFalse = options.some(
      (option) => Array.isArray(option) && option[0] === 'allow_false' && !isFalsy(option[1]),
    );
    if (inner === false && allowFalse) return false;
    return isFalsy(inner) ? fallback : inner;
  },
  upcase: (value) => stringify(value).toUpperCase(),
  downcase: (value) => stringify(value).toLowerCase(),
  capitalize: (value) => {
    const text = stringify(value);
    return text.charAt(0).toUpperCase() + text.slice(1).toLowerCase();
  },
  strip: (value, chars) => {
    const text = stringify(value);
    if (!chars) return text.trim();
    const set = new Set(stringify(chars));
    const start = trimStartOf(text, set);
    return text.slice(start, trimEndOf(text, set, start));
  },
  lstrip: (value, chars) => {
    const text = stringify(value);
    return chars ? text.slice(trimStartOf(text, new Set(stringify(chars)))) : text.trimStart();
  },
  rstrip: (value, chars) => {
    const text = stringify(value);
    return chars ? text.slice(0, trimEndOf(text, new Set(stringify(chars)))) : text.trimEnd();
  },
  append: (value, tail) => stringify(value) + stringify(tail),
  prepend: (value, head) => stringify(head) + stringify(value),
  replace: (value, pattern, replacement) =>
    stringify(value).split(stringify(pattern)).join(stringify(replacement)),
  replace_first: (value, pattern, replacement) => {
    const text = stringify(replacement);
    return stringify(value).replace(stringify(pattern), () => text);
  },
  remove: (value, pattern) => stringify(value).split(stringify(pattern)).join(''),
  remove_first: (value, pattern) => stringify(value).replace(stringify(pattern), ''),
  truncate: (value, length = 50, ellipsis = '...') => {
    const text = stringify(value);
    const tail = stringify(ellipsis);
    const limit = length as number;
    if (text.length <= limit || codePointsUpTo(text, limit) >= text.length) return value;
    return text.slice(0, codePointsUpTo(text, Math.max(limit - codePointLength(tail), 0))) + tail;
  },
  truncatewords: (value, count = 15, ellipsis = '...') => {
    const words = stringify(value).trimStart().split(/\s+/);
    const limit = (count as number) <= 0 ? 1 : (count as number);
    let result = words.slice(0, limit).join(' ');
    if (words.length >= limit) result += stringify(ellipsis);
    return result;
  },
  size: (value) => {
    const inner = value as { length?: unknown } | null | undefined;
    return inner?.length || 0;
  },
  first: (value) => {
    const inner = plain(value);
    return isArrayLike(inner) ? elementAt(inner, 0) : '';
  },
  last: (value) => {
    const inner = plain(value);
    return isArrayLike(inner) ? elementAt(inner, -1) : '';
  },
  join: (value, separator) => {
    const inner = plain(value);
    const list = inner == null ? [] : Array.isArray(inner) ? inner : [inner];
    const plainSeparator = plain(separator);
    return list.join(plainSeparator == null ? ' ' : stringify(plainSeparator));
  },
  split: (value, separator) => {
    const parts = stringify(value).split(stringify(separator));
    while (parts.length > 0 && parts.at(-1) === '') parts.pop();
    return parts;
  },
  plus: (value, operand) => toNumber(value) + toNumber(operand),
  minus: (value, operand) => toNumber(value) - toNumber(operand),
  times: (value, operand) => toNumber(value) * toNumber(operand),
  escape: escapeHtml,
  raw: (value) => value,
  url_encode: (value) => encodeURIComponent(stringify(value)).replace(/%20/g, '+'),
  newline_to_br: (value) => stringify(value).replace(/\r?\n/gm, '<br />\n'),
};

/** Filters a template may use. */
export const liquidFilters = Object.keys(filters).sort();

// ---------------------------------------------------------------- expressions

type Expression =
  | { readonly kind: 'literal'; readonly value: unknown }
  | { readonly kind: 'range'; readonly low: Expression; readonly high: Expression }
  | {
      readonly kind: 'path';
      /** A literal the path starts from (`"text".size`), or none: the first property names a variable. */
      readonly base?: Expression;
      readonly properties: readonly Expression[];
      readonly text: string;
    }
  | { readonly kind: 'operations'; readonly postfix: readonly (Expression | string)[] };

interface Filter {
  readonly name: string;
  /** Positional arguments, and `key: value` pairs as `[key, value]`. */
  readonly args: readonly (Expression | readonly [string, Expression])[];
}

interface FilteredValue {
  readonly initial: Expression;
  readonly filters: readonly Filter[];
}

// liquidjs's character classes: blanks, and the characters of a word (an identifier).
const isBlank = (char: string | undefined) =>
  char !== undefined &&
  /^[\t\n\v\f\r \u00a0\u1680\u180e\u2000-\u200a\u2028\u2029\u202f\u205f\u3000]$/.test(char);
function isWordChar(char: string | undefined): boolean {
  if (char === undefined || char === '') return false;
  const code = char.charCodeAt(0);
  if (code >= 128) return !isBlank(char) && code !== 0x201c && code !== 0x201d;
  return /^[A-Za-z0-9_?-]$/.test(char);
}
const isDigit = (char: string | undefined) => char !== undefined && char >= '0' && char <= '9';

const wordOperators = ['contains', 'not', 'and', 'or'];
const symbolOperators = ['==', '!=', '>=', '<=', '>', '<'];

const escapeChars: Readonly<Record<string, string>> = {
  b: '\b',
  f: '\f',
  n: '\n',
  r: '\r',
  t: '\t',
  v: '\v',
};

/** The content of a quoted string literal, with liquidjs's backslash escapes. */
function stringLiteral(quoted: string): string {
  let result = '';
  for (let i = 1; i < quoted.length - 1; i += 1) {
    const char = quoted[i] as string;
    if (char !== '\\') {
      result += char;
      continue;
    }
    const next = quoted[i + 1] ?? '';
    if (escapeChars[next] !== undefined) {
      result += escapeChars[next];
      i += 1;
    } else if (next === 'u') {
      let code = 0;
      let j = i + 2;
      while (j <= i + 5 && /^[0-9a-fA-F]$/.test(quoted[j] ?? ''))
        code = code * 16 + Number.parseInt(quoted[j++] ?? '', 16);
      i = j - 1;
      result += String.fromCharCode(code);
    } else if (!/^[0-7]$/.test(next)) {
      result += next;
      i += 1;
    } else {
      let code = 0;
      let j = i + 1;
      while (j <= i + 3 && /^[0-7]$/.test(quoted[j] ?? '')) code = code * 8 + Number(quoted[j++]);
      i = j - 1;
      result += String.fromCharCode(code);
    }
  }
  return result;
}

/** Reads values, operators and filters from the inside of one tag or output, as liquidjs's tokenizer does. */
class Reader {
  position = 0;
  constructor(
    readonly text: string,
    /** For errors: the tag as written and its offset in the template. */
    readonly source: string,
    readonly offset: number,
    readonly input: string,
  ) {}

  fail(message: string): never {
    throw new LiquidSyntaxError(`${message}: ${this.source}`, this.source, this.offset, this.input);
  }
  peek(ahead = 0) {
    return this.text[this.position + ahead];
  }
  end() {
    return this.position >= this.text.length;
  }
  skipBlank() {
    while (isBlank(this.peek())) this.position += 1;
  }
  identifier(): string {
    this.skipBlank();
    const start = this.position;
    while (isWordChar(this.peek())) this.position += 1;
    return this.text.slice(start, this.position);
  }

  operator(): string | undefined {
    this.skipBlank();
    for (const symbol of symbolOperators)
      if (this.text.startsWith(symbol, this.position)) {
        this.position += symbol.length;
        return symbol;
      }
    for (const word of wordOperators)
      if (this.text.startsWith(word, this.position) && !isWordChar(this.peek(word.length))) {
        this.position += word.length;
        return word;
      }
    return undefined;
  }

  quoted(): Expression | undefined {
    this.skipBlank();
    const quote = this.peek();
    if (quote !== '"' && quote !== "'") return undefined;
    const start = this.position;
    this.position += 1;
    while (!this.end() && this.peek() !== quote) this.position += this.peek() === '\\' ? 2 : 1;
    if (this.end()) this.fail('quoted string not closed');
    this.position += 1;
    return { kind: 'literal', value: stringLiteral(this.text.slice(start, this.position)) };
  }

  literal(): Expression | undefined {
    this.skipBlank();
    for (const word of Object.keys(literals))
      if (this.text.startsWith(word, this.position) && !isWordChar(this.peek(word.length))) {
        this.position += word.length;
        return { kind: 'literal', value: literals[word] };
      }
    return undefined;
  }

  number(): Expression | undefined {
    this.skipBlank();
    let n = 0;
    let digits = false;
    let decimal = false;
    if (this.peek() === '+' || this.peek() === '-') n += 1;
    for (;;) {
      if (isDigit(this.peek(n))) {
        digits = true;
        n += 1;
      } else if (this.peek(n) === '.' && this.peek(n + 1) !== '.') {
        if (decimal || !digits) return undefined;
        decimal = true;
        n += 1;
      } else break;
    }
    if (!digits || isWordChar(this.peek(n))) return undefined;
    const value = Number(this.text.slice(this.position, this.position + n));
    this.position += n;
    return { kind: 'literal', value };
  }

  range(): Expression | undefined {
    this.skipBlank();
    if (this.peek() !== '(') return undefined;
    this.position += 1;
    const low = this.value() ?? this.fail('invalid range');
    this.skipBlank();
    if (this.peek() !== '.' || this.peek(1) !== '.') this.fail('invalid range syntax');
    this.position += 2;
    const high = this.value() ?? this.fail('invalid range');
    this.skipBlank();
    if (this.peek() !== ')') this.fail('invalid range syntax');
    this.position += 1;
    return { kind: 'range', low, high };
  }

  value(): Expression | undefined {
    this.skipBlank();
    const start = this.position;
    const base = this.literal() ?? this.quoted() ?? this.number() ?? this.range();
    const properties: Expression[] = [];
    for (;;) {
      if (this.peek() === '[') {
        this.position += 1;
        const property = this.value() ?? { kind: 'literal', value: '' };
        const close = this.text.indexOf(']', this.position);
        if (close < 0) this.fail('[ not closed');
        this.position = close + 1;
        properties.push(property);
        continue;
      }
      if (base === undefined && properties.length === 0) {
        const name = this.identifier();
        if (name !== '') {
          properties.push({ kind: 'literal', value: name });
          continue;
        }
      }
      if (this.peek() === '.' && this.peek(1) !== '.') {
        this.position += 1;
        const name = this.identifier();
        if (name === '') break;
        properties.push({ kind: 'literal', value: name });
        continue;
      }
      break;
    }
    if (properties.length === 0) return base;
    return { kind: 'path', base, properties, text: this.text.slice(start, this.position).trim() };
  }

  /** An expression: operands and operators, in postfix as liquidjs's shunting-yard orders them. */
  expression(): Expression | undefined {
    const output: (Expression | string)[] = [];
    const operators: string[] = [];
    let operands = 0;
    while (!this.end()) {
      const operator = this.operator();
      if (operator !== undefined) {
        const rank = precedence[operator] ?? 1;
        while (operators.length > 0 && (precedence[operators.at(-1) as string] ?? 1) > rank)
          output.push(operators.pop() as string);
        operators.push(operator);
        continue;
      }
      const operand = this.value();
      if (operand === undefined) break;
      output.push(operand);
      operands += 1;
    }
    while (operators.length > 0) output.push(operators.pop() as string);
    if (operands === 0) return undefined;
    if (output.length === 1) return output[0] as Expression;
    return { kind: 'operations', postfix: output };
  }

  filteredValue(): FilteredValue {
    const initial = this.expression() ?? this.fail('invalid value expression');
    const found: Filter[] = [];
    for (;;) {
      this.skipBlank();
      if (this.end() || this.peek() === ')' || this.peek() === ',') break;
      if (this.peek() !== '|') this.fail('expected "|" before filter');
      this.position += 1;
      const name = this.identifier();
      if (name === '') {
        if (!this.end()) this.fail('expected filter name');
        break;
      }
      if (!Object.hasOwn(filters, name))
        this.fail(`the filter "${name}" is not one the sender has (${liquidFilters.join(', ')})`);
      const args: (Expression | readonly [string, Expression])[] = [];
      this.skipBlank();
      if (this.peek() === ':') {
        do {
          this.position += 1;
          const keyStart = this.position;
          const key = this.value();
          if (key !== undefined) {
            this.skipBlank();
            if (this.peek() === ':') {
              this.position += 1;
              const value = this.value() ?? this.fail('expected a value');
              args.push([this.text.slice(keyStart, this.position).split(':')[0]?.trim() ?? '', value]);
            } else args.push(key);
          }
          this.skipBlank();
          if (!(this.end() || this.peek() === ',' || this.peek() === '|' || this.peek() === ')'))
            this.fail(`unexpected character ${this.text.slice(this.position)}`);
        } while (this.peek() === ',');
      } else if (!(this.end() || this.peek() === '|' || this.peek() === ')' || this.peek() === ','))
        this.fail('expected ":" after filter name');
      found.push({ name, args });
    }
    return { initial, filters: found };
  }
}

// ---------------------------------------------------------------- tokens and the tree

interface Token {
  readonly kind: 'text' | 'output' | 'tag';
  /** Text: the text; output: what is between the braces; tag: its arguments. */
  readonly content: string;
  readonly name: string;
  /** The token as written, and where it starts. */
  readonly source: string;
  readonly offset: number;
  /** The whole template. */
  readonly input: string;
  readonly trimLeft: boolean;
  readonly trimRight: boolean;
}

/** Finds `delimiter` from `from`, skipping quoted strings as liquidjs does; -1 if it is never there. */
function closingDelimiter(input: string, from: number, delimiter: string): number {
  let position = from;
  while (isBlank(input[position])) position += 1;
  while (position < input.length) {
    const char = input[position];
    if (char === '"' || char === "'") {
      position += 1;
      while (position < input.length && input[position] !== char)
        position += input[position] === '\\' ? 2 : 1;
      position += 1;
      continue;
    }
    position += 1;
    if (input.startsWith(delimiter, position - delimiter.length) && position - delimiter.length >= from)
      return position;
  }
  return -1;
}

function tokenize(input: string): Token[] {
  const tokens: { -readonly [K in keyof Token]: Token[K] }[] = [];
  let position = 0;
  let rawStart = -1;
  while (position < input.length) {
    if (rawStart >= 0) {
      // The raw block's content runs to the first {% endraw %} (written without a dash, as liquidjs reads it).
      const end = /\{%[\t\n\v\f\r ]*endraw(?![A-Za-z0-9_?-])[\s\S]*?%\}/g;
      end.lastIndex = position;
      const found = end.exec(input);
      if (found === null)
        throw new LiquidSyntaxError('raw not closed', input.slice(rawStart, rawStart + 20), rawStart, input);
      const content = input.slice(position, found.index);
      tokens.push({
        kind: 'text',
        content,
        name: '',
        source: content,
        offset: position,
        input,
        trimLeft: false,
        trimRight: false,
      });
      position = found.index;
      rawStart = -1;
      continue;
    }
    const isTag = input.startsWith('{%', position);
    const isOutput = !isTag && input.startsWith('{{', position);
    if (!isTag && !isOutput) {
      let next = input.length;
      for (const opener of ['{%', '{{']) {
        const at = input.indexOf(opener, position);
        if (at >= 0 && at < next) next = at;
      }
      const content = input.slice(position, next);
      tokens.push({
        kind: 'text',
        content,
        name: '',
        source: content,
        offset: position,
        input,
        trimLeft: false,
        trimRight: false,
      });
      position = next;
      continue;
    }
    const close = isTag ? '%}' : '}}';
    const end = closingDelimiter(input, position + 2, close);
    const snippet = input.slice(position, position + 40);
    if (end < 0)
      throw new LiquidSyntaxError(
        `${isTag ? 'tag' : 'output'} ${snippet} not closed`,
        snippet,
        position,
        input,
      );
    const source = input.slice(position, end);
    let inner = source.slice(2, -2);
    const trimLeft = inner.startsWith('-');
    if (trimLeft) inner = inner.slice(1);
    const trimRight = inner.endsWith('-');
    if (trimRight) inner = inner.slice(0, -1);
    let name = '';
    let content = inner;
    if (isTag) {
      const trimmed = inner.replace(/^[\t\n\v\f\r ]+/, '');
      if (trimmed.startsWith('#')) {
        name = '#';
        content = '';
      } else {
        let length = 0;
        while (isWordChar(trimmed[length])) length += 1;
        name = trimmed.slice(0, length);
        content = trimmed.slice(name.length);
      }
      if (name === 'raw') rawStart = end;
    }
    tokens.push({
      kind: isTag ? 'tag' : 'output',
      content,
      name,
      source,
      offset: position,
      input,
      trimLeft,
      trimRight,
    });
    position = end;
  }
  // Whitespace control: {%- and {{- trim the text before, -%} and -}} the text after (all blanks).
  // Inside {% raw %} nothing is trimmed.
  let inRaw = false;
  for (let i = 0; i < tokens.length; i += 1) {
    const token = tokens[i] as Token;
    const before = tokens[i - 1];
    const after = tokens[i + 1];
    if (token.kind === 'text') continue;
    if (!inRaw && token.trimLeft && before?.kind === 'text') {
      let end = before.content.length;
      while (end > 0 && isBlank(before.content[end - 1])) end -= 1;
      before.content = before.content.slice(0, end);
    }
    if (token.kind === 'tag' && token.name === 'raw') inRaw = true;
    else if (token.kind === 'tag' && token.name === 'endraw') inRaw = false;
    if (!inRaw && token.trimRight && after?.kind === 'text') {
      let start = 0;
      while (start < after.content.length && isBlank(after.content[start])) start += 1;
      after.content = after.content.slice(start);
    }
  }
  return tokens;
}

type Node =
  | { readonly kind: 'text'; readonly text: string }
  | { readonly kind: 'output'; readonly value: FilteredValue; readonly token: Token }
  | {
      readonly kind: 'if';
      readonly branches: readonly { test: FilteredValue; negate: boolean; body: Node[] }[];
      readonly otherwise: Node[];
      readonly token: Token;
    }
  | {
      readonly kind: 'case';
      readonly value: FilteredValue;
      readonly whens: readonly { values: Expression[]; body: Node[] }[];
      readonly otherwise: Node[];
      readonly token: Token;
    }
  | {
      readonly kind: 'for';
      readonly variable: string;
      readonly collection: Expression;
      readonly collectionText: string;
      readonly modifiers: Readonly<Record<string, Expression | true>>;
      readonly body: Node[];
      readonly otherwise: Node[];
      readonly token: Token;
    }
  | { readonly kind: 'assign'; readonly name: string; readonly value: FilteredValue; readonly token: Token }
  | { readonly kind: 'capture'; readonly name: string; readonly body: Node[] }
  | { readonly kind: 'break' | 'continue' };

/** A parsed template, ready to render any number of times. */
export interface LiquidTemplate {
  readonly nodes: readonly Node[];
}

const fail = (token: Token, message: string): never => {
  throw new LiquidSyntaxError(`${message}: ${token.source}`, token.source, token.offset, token.input);
};

const readerOf = (token: Token) => new Reader(token.content, token.source, token.offset, token.input);

function expectEmpty(token: Token) {
  if (token.content.trim() !== '') fail(token, `unexpected ${JSON.stringify(token.content.trim())}`);
}

function readFilteredValue(token: Token): FilteredValue {
  const reader = readerOf(token);
  const value = reader.filteredValue();
  return value;
}

class Parser {
  position = 0;
  constructor(readonly tokens: readonly Token[]) {}

  /** Nodes until one of `ends` (returned, consumed) or the end of the template (when `ends` is empty). */
  nodes(ends: readonly string[], opener?: Token): { nodes: Node[]; end?: Token } {
    const nodes: Node[] = [];
    while (this.position < this.tokens.length) {
      const token = this.tokens[this.position] as Token;
      this.position += 1;
      if (token.kind === 'text') {
        if (token.content !== '') nodes.push({ kind: 'text', text: token.content });
        continue;
      }
      if (token.kind === 'output') {
        nodes.push({ kind: 'output', value: readFilteredValue(token), token });
        continue;
      }
      if (ends.includes(token.name)) return { nodes, end: token };
      nodes.push(...this.tag(token));
    }
    if (opener !== undefined) fail(opener, `tag ${opener.source} not closed`);
    return { nodes };
  }

  /** Nodes until one of `ends`, appended to `target`; returns the end. */
  appendTo(target: Node[], ends: readonly string[], opener: Token): Token | undefined {
    const { nodes, end } = this.nodes(ends, opener);
    target.push(...nodes);
    return end;
  }

  tag(token: Token): Node[] {
    switch (token.name) {
      case 'if':
      case 'unless':
        return [this.conditional(token)];
      case 'case':
        return [this.caseTag(token)];
      case 'for':
        return [this.forTag(token)];
      case 'assign': {
        const match = /^\s*([^\s=]+)\s*=([\s\S]*)$/.exec(token.content);
        const name = match?.[1] ?? '';
        if (match === undefined || match === null || !/^[^\s]+$/.test(name) || ![...name].every(isWordChar))
          return fail(token, 'expected "name = value"');
        const value = new Reader(match[2] ?? '', token.source, token.offset, token.input).filteredValue();
        return [{ kind: 'assign', name, value, token }];
      }
      case 'capture': {
        const reader = readerOf(token);
        const name = reader.identifier() || (reader.quoted() as { value: string } | undefined)?.value;
        if (!name) return fail(token, 'invalid capture name');
        const { nodes } = this.nodes(['endcapture'], token);
        return [{ kind: 'capture', name, body: nodes }];
      }
      case 'break':
      case 'continue':
        return [{ kind: token.name }];
      case 'comment':
        // Skipped unparsed, to the first endcomment, as liquidjs does.
        while (this.position < this.tokens.length) {
          const next = this.tokens[this.position] as Token;
          this.position += 1;
          if (next.kind === 'tag' && next.name === 'endcomment') return [];
        }
        return fail(token, `tag ${token.source} not closed`);
      case 'raw': {
        const { nodes } = this.nodes(['endraw'], token);
        return nodes;
      }
      case '#':
        return [];
      default:
        return fail(
          token,
          liquidTags.includes(token.name as (typeof liquidTags)[number])
            ? `unexpected tag "${token.name}"`
            : `the tag "${token.name}" is not one the sender has (${liquidTags.filter((tag) => !tag.startsWith('end')).join(', ')})`,
        );
    }
  }

  conditional(opener: Token): Node {
    if (opener.name === 'if') return this.ifTag(opener);
    // unless keeps liquidjs's leniency: text after a second else is dropped, an elsif after else is skipped.
    const branches: { test: FilteredValue; negate: boolean; body: Node[] }[] = [];
    const otherwise: Node[] = [];
    let target: Node[] = [];
    branches.push({ test: readFilteredValue(opener), negate: true, body: target });
    let elses = 0;
    for (;;) {
      const { nodes, end } = this.nodes(['elsif', 'else', 'endunless'], opener);
      if (target !== otherwise || elses === 1) target.push(...nodes);
      if (end === undefined || end.name === 'endunless') break;
      if (end.name === 'else') {
        elses += 1;
        target = otherwise;
      } else if (elses > 0) target = [];
      else {
        target = [];
        branches.push({ test: readFilteredValue(end), negate: false, body: target });
      }
    }
    return { kind: 'if', branches, otherwise, token: opener };
  }

  ifTag(opener: Token): Node {
    const branches: { test: FilteredValue; negate: boolean; body: Node[] }[] = [];
    let test = readFilteredValue(opener);
    let otherwise: Node[] | undefined;
    for (;;) {
      const { nodes, end: stop } = this.nodes(['elsif', 'else', 'endif'], opener);
      if (otherwise === undefined) branches.push({ test, negate: false, body: nodes });
      else otherwise.push(...nodes);
      if (stop === undefined || stop.name === 'endif') {
        if (stop !== undefined) expectEmpty(stop);
        break;
      }
      if (stop.name === 'elsif') {
        if (otherwise !== undefined) fail(stop, 'unexpected elsif after else');
        test = readFilteredValue(stop);
      } else {
        if (otherwise !== undefined) fail(stop, 'duplicated else');
        expectEmpty(stop);
        otherwise = [];
      }
    }
    return { kind: 'if', branches, otherwise: otherwise ?? [], token: opener };
  }

  caseTag(opener: Token): Node {
    const value = readFilteredValue(opener);
    const whens: { values: Expression[]; body: Node[] }[] = [];
    const otherwise: Node[] = [];
    // As liquidjs: what comes before the first when is never rendered; a when after else is
    // skipped (its text goes on into the else), and text after a second else is dropped.
    let target: Node[] = [];
    let elses = 0;
    for (;;) {
      const { nodes, end } = this.nodes(['when', 'else', 'endcase'], opener);
      if (target !== otherwise || elses === 1) target.push(...nodes);
      if (end === undefined || end.name === 'endcase') break;
      if (end.name === 'else') {
        elses += 1;
        target = otherwise;
        continue;
      }
      if (elses > 0) continue;
      const reader = readerOf(end);
      const values: Expression[] = [];
      while (!reader.end()) {
        values.push(reader.value() ?? reader.fail('invalid value'));
        reader.skipBlank();
        if (reader.peek() === ',') reader.position += 1;
        else if (reader.text.startsWith('or', reader.position) && !isWordChar(reader.peek(2)))
          reader.position += 2;
        else if (!reader.end()) reader.fail('expected "," or "or"');
        reader.skipBlank();
      }
      target = [];
      whens.push({ values, body: target });
    }
    return { kind: 'case', value, whens, otherwise, token: opener };
  }

  forTag(opener: Token): Node {
    const reader = readerOf(opener);
    const variable = reader.identifier();
    const keyword = reader.identifier();
    const start = reader.position;
    const collection = reader.value();
    if (variable === '' || keyword !== 'in' || collection === undefined) return fail(opener, 'illegal tag');
    const collectionText = reader.text.slice(start, reader.position).trim();
    const modifiers: Record<string, Expression | true> = {};
    for (;;) {
      reader.skipBlank();
      if (reader.peek() === ',') reader.position += 1;
      const name = reader.identifier();
      if (name === '') break;
      reader.skipBlank();
      if (reader.peek() === ':') {
        reader.position += 1;
        modifiers[name] = reader.value() ?? reader.fail(`expected a value for ${name}`);
      } else modifiers[name] = true;
    }
    reader.skipBlank();
    if (!reader.end()) reader.fail('unexpected characters');
    for (const name of Object.keys(modifiers))
      if (!['limit', 'offset', 'reversed'].includes(name))
        fail(opener, `the for modifier "${name}" is not one the sender has`);
    const { nodes: body, end: first } = this.nodes(['else', 'endfor'], opener);
    const otherwise: Node[] = [];
    // As liquidjs: a second else goes on adding to the first.
    for (let end = first; end?.name === 'else'; end = this.appendTo(otherwise, ['else', 'endfor'], opener))
      expectEmpty(end);
    return { kind: 'for', variable, collection, collectionText, modifiers, body, otherwise, token: opener };
  }
}

/** Parses a template; a LiquidSyntaxError names the tag or filter the sender does not have. */
export function parseLiquid(source: string): LiquidTemplate {
  const parser = new Parser(tokenize(source));
  const { nodes, end } = parser.nodes([]);
  if (end !== undefined) fail(end, `unexpected tag "${end.name}"`);
  return { nodes };
}

// ---------------------------------------------------------------- rendering

class UndefinedVariable extends Error {
  constructor(
    readonly path: string,
    /** The value being read, as written (`incident.kind`). */
    readonly expression: string,
  ) {
    super(`undefined variable: ${path}`);
  }
}

interface Context {
  /** Assigned and captured variables (liquidjs's bottom scope), loop scopes above them. */
  readonly scopes: Record<string, unknown>[];
  readonly variables: Readonly<Record<string, unknown>>;
  readonly escape: boolean;
}

function readProperty(object: unknown, key: unknown): unknown {
  if (object == null) return object;
  if (Array.isArray(object) && typeof key === 'number') return elementAt(object, key);
  const owner = object as Record<string, unknown>;
  const name = key as string;
  const value = Object.hasOwn(owner, name) ? owner[name] : undefined;
  if (key === 'size') {
    if (Object.hasOwn(owner, 'size') || owner.size !== undefined) return owner.size;
    if (Array.isArray(object) || typeof object === 'string') return object.length;
    return typeof object === 'object' ? Object.keys(object).length : undefined;
  }
  if (key === 'first' || key === 'last') {
    if (Array.isArray(object)) return elementAt(object, key === 'first' ? 0 : -1);
    return Object.hasOwn(owner, name) ? owner[name] : undefined;
  }
  return typeof value === 'function' ? undefined : value;
}

function lookUp(context: Context, name: string): unknown {
  for (let i = context.scopes.length - 1; i >= 0; i -= 1) {
    const scope = context.scopes[i] as Record<string, unknown>;
    if (Object.hasOwn(scope, name)) return scope[name];
  }
  return Object.hasOwn(context.variables, name) ? context.variables[name] : undefined;
}

function evaluate(expression: Expression, context: Context, lenient: boolean): unknown {
  switch (expression.kind) {
    case 'literal':
      return expression.value;
    case 'range': {
      const low = +(plain(evaluate(expression.low, context, false)) as number);
      const high = +(plain(evaluate(expression.high, context, false)) as number);
      const values: number[] = [];
      for (let value = low; value < high + 1; value += 1) values.push(value);
      return values;
    }
    case 'path': {
      const keys = expression.properties.map((property) => plain(evaluate(property, context, false)));
      try {
        let value: unknown;
        let first = 0;
        if (expression.base === undefined) {
          value = lookUp(context, String(keys[0]));
          if (value === undefined) throw new UndefinedVariable(String(keys[0]), expression.text);
          first = 1;
        } else value = evaluate(expression.base, context, lenient);
        for (let i = first; i < keys.length; i += 1) {
          // nil, empty and blank have no properties, not even size.
          value = value instanceof Special ? undefined : readProperty(value, keys[i]);
          if (value === undefined)
            throw new UndefinedVariable(keys.slice(0, i + 1).join('.'), expression.text);
        }
        return value;
      } catch (error: unknown) {
        if (lenient && error instanceof UndefinedVariable) return null;
        throw error;
      }
    }
    case 'operations': {
      const stack: unknown[] = [];
      for (const item of expression.postfix) {
        if (typeof item !== 'string') {
          stack.push(evaluate(item, context, lenient));
          continue;
        }
        const right = stack.pop();
        if (item === 'not') {
          stack.push(isFalsy(right));
          continue;
        }
        const left = stack.pop();
        stack.push((binaryOperators[item] as (l: unknown, r: unknown) => boolean)(left, right));
      }
      return stack[0];
    }
  }
}

const isPair = (arg: Expression | readonly [string, Expression]): arg is readonly [string, Expression] =>
  Array.isArray(arg);
/** Filters liquidjs refuses with another number of arguments. */
const exactArity: Readonly<Record<string, number>> = { append: 1, prepend: 1 };

function evaluateFiltered(value: FilteredValue, context: Context, lenient: boolean): unknown {
  // lenientIf also spares a value whose first filter is `default`.
  let result = evaluate(value.initial, context, lenient || value.filters[0]?.name === 'default');
  for (const filter of value.filters) {
    // Arguments as liquidjs passes them: evaluated strictly, `nil` and `empty` still themselves.
    const args = filter.args.map((arg) =>
      isPair(arg) ? [arg[0], evaluate(arg[1], context, false)] : evaluate(arg, context, false),
    );
    const arity = exactArity[filter.name];
    if (arity !== undefined && args.length !== arity)
      throw new Error(`${filter.name} expect ${arity + 1} arguments`);
    result = (filters[filter.name] as (value: unknown, ...args: unknown[]) => unknown)(result, ...args);
  }
  return result;
}

function toList(value: unknown): unknown[] {
  const inner = plain(value);
  if (Array.isArray(inner)) return inner;
  if (typeof inner === 'string') return inner.length > 0 ? [inner] : [];
  if (typeof inner === 'object' && inner !== null) return Object.entries(inner);
  return [];
}

type Flow = 'break' | 'continue' | undefined;

function renderNodes(nodes: readonly Node[], context: Context, out: string[]): Flow {
  for (const node of nodes) {
    const flow = renderNode(node, context, out);
    if (flow !== undefined) return flow;
  }
  return undefined;
}

function renderNode(node: Node, context: Context, out: string[]): Flow {
  switch (node.kind) {
    case 'text':
      out.push(node.text);
      return undefined;
    case 'output': {
      const value = guarded(node.token, () => evaluateFiltered(node.value, context, false));
      const raw = node.value.filters.at(-1)?.name === 'raw';
      out.push(context.escape && !raw ? escapeHtml(value) : stringify(value));
      return undefined;
    }
    case 'if':
      for (const branch of node.branches) {
        const value = guarded(node.token, () => evaluateFiltered(branch.test, context, true));
        if (isFalsy(value) === branch.negate) return renderNodes(branch.body, context, out);
      }
      return renderNodes(node.otherwise, context, out);
    case 'case': {
      const target = plain(guarded(node.token, () => evaluateFiltered(node.value, context, true)));
      let hit = false;
      for (const when of node.whens)
        for (const candidate of when.values)
          if (
            equals(
              target,
              guarded(node.token, () => evaluate(candidate, context, true)),
            )
          ) {
            hit = true;
            const flow = renderNodes(when.body, context, out);
            if (flow !== undefined) return flow;
            break;
          }
      return hit ? undefined : renderNodes(node.otherwise, context, out);
    }
    case 'for': {
      let items = toList(guarded(node.token, () => evaluate(node.collection, context, false)));
      if (items.length === 0) return renderNodes(node.otherwise, context, out);
      const modifier = (name: string) => {
        const found = node.modifiers[name];
        return found === undefined || found === true
          ? found
          : plain(guarded(node.token, () => evaluate(found, context, false)));
      };
      const offset = modifier('offset');
      const limit = modifier('limit');
      if (offset !== undefined) items = items.slice(offset as number);
      if (limit !== undefined) items = items.slice(0, limit as number);
      if (modifier('reversed') !== undefined) items = [...items].reverse();
      const length = items.length;
      const forloop = {
        name: `${node.variable}-${node.collectionText}`,
        length,
        index: 1,
        index0: 0,
      } as Record<string, unknown>;
      const scope: Record<string, unknown> = { forloop };
      context.scopes.push(scope);
      try {
        for (let i = 0; i < length; i += 1) {
          Object.assign(forloop, {
            index0: i,
            index: i + 1,
            first: i === 0,
            last: i === length - 1,
            rindex: length - i,
            rindex0: length - i - 1,
          });
          scope[node.variable] = items[i];
          if (renderNodes(node.body, context, out) === 'break') break;
        }
      } finally {
        context.scopes.pop();
      }
      return undefined;
    }
    case 'assign':
      (context.scopes[0] as Record<string, unknown>)[node.name] = guarded(node.token, () =>
        evaluateFiltered(node.value, context, true),
      );
      return undefined;
    case 'capture': {
      const captured: string[] = [];
      const flow = renderNodes(node.body, context, captured);
      (context.scopes[0] as Record<string, unknown>)[node.name] = captured.join('');
      return flow;
    }
    case 'break':
    case 'continue':
      return node.kind;
  }
}

/** Runs `evaluate`, turning an undefined variable into a LiquidRenderError at `token`. */
function guarded<T>(token: Token, evaluate: () => T): T {
  try {
    return evaluate();
  } catch (error: unknown) {
    if (error instanceof UndefinedVariable)
      throw new LiquidRenderError(
        error.message,
        token.source,
        token.offset,
        token.input,
        error.path,
        error.expression,
      );
    if (error instanceof LiquidRenderError) throw error;
    throw new LiquidRenderError(
      `${error instanceof Error ? error.message : String(error)}`,
      token.source,
      token.offset,
      token.input,
    );
  }
}

/**
 * Renders `template` with `variables`; `escape` HTML-escapes every output (liquidjs's
 * `outputEscape: 'escape'`) except one whose last filter is `raw`.
 */
export function renderLiquid(
  template: LiquidTemplate,
  variables: Readonly<Record<string, unknown>>,
  options: { readonly escape: boolean },
): string {
  const out: string[] = [];
  renderNodes(template.nodes, { scopes: [{}], variables, escape: options.escape }, out);
  return out.join('');
}
