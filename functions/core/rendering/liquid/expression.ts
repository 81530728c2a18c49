/** Values, operators and filters inside one tag or output, read as liquidjs's tokenizer reads them. */

import { LiquidSyntaxError } from './errors.ts';
import { filters, liquidFilters } from './filters.ts';
import { literals, precedence } from './values.ts';

export type Expression =
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

export interface Filter {
  readonly name: string;
  /** Positional arguments, and `key: value` pairs as `[key, value]`. */
  readonly args: readonly (Expression | readonly [string, Expression])[];
}

export interface FilteredValue {
  readonly initial: Expression;
  readonly filters: readonly Filter[];
}

// liquidjs's character classes: blanks, and the characters of a word (an identifier).
export const isBlank = (char: string | undefined) =>
  char !== undefined &&
  /^[\t\n\v\f\r \u00a0\u1680\u180e\u2000-\u200a\u2028\u2029\u202f\u205f\u3000]$/.test(char);
export function isWordChar(char: string | undefined): boolean {
  if (char === undefined || char === '') return false;
  const code = char.charCodeAt(0);
  if (code >= 128) return !isBlank(char) && code !== 0x201c && code !== 0x201d;
  return /^[A-Za-z0-9_?-]$/.test(char);
}
export const isDigit = (char: string | undefined) => char !== undefined && char >= '0' && char <= '9';

export const wordOperators = ['contains', 'not', 'and', 'or'];
export const symbolOperators = ['==', '!=', '>=', '<=', '>', '<'];

export const escapeChars: Readonly<Record<string, string>> = {
  b: '\b',
  f: '\f',
  n: '\n',
  r: '\r',
  t: '\t',
  v: '\v',
};

/** The content of a quoted string literal, with liquidjs's backslash escapes. */
export function stringLiteral(quoted: string): string {
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
export class Reader {
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
    // As liquidjs: to the matching quote not after a backslash, or to the end (then the last
    // character is dropped with the quotes).
    let escaped = false;
    while (!this.end()) {
      const char = this.text[this.position];
      this.position += 1;
      if (char === quote && !escaped) break;
      escaped = !escaped && char === '\\';
    }
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
